"""The URL scheme, written once. Plan, templates (through render's `url`), sitemap, feeds,
Markdown links and the translation pages all take their paths from here.

A path is relative to the base URL ('en/partnerships/x/'); a page kind is also the first
item of the page's key in the plan, so `path(*page.key, lang=...)` finds any version of a page.
"""
from __future__ import annotations

PATTERNS = {
    "chooser": "",
    "404": "404.html",
    "home": "{lang}/",
    "directory": "{lang}/partnerships/",
    "cards": "{lang}/partnerships/cards.json",
    "partnership": "{lang}/partnerships/{key}/",
    "places": "{lang}/places/",
    "place": "{lang}/places/{key}/",
    "sectors": "{lang}/sectors/{key}",
    "statuses": "{lang}/status/{key}",
    "types": "{lang}/types/{key}",
    "countries": "{lang}/countries/{key}",
    "provinces": "{lang}/provinces/{key}",
    "explainers": "{lang}/explainers/",
    "explainer": "{lang}/explainers/{key}/",
    "search": "{lang}/search/",
    "data": "{lang}/data/",
    "translations": "{lang}/translations/",
    "feed": "{lang}/feed.xml",
    "statistics": "{lang}/statistics/",
    "freshness": "{lang}/freshness/{key}/",  # key: confirmed (within site.yaml's stale_after_years) or unconfirmed
}
# Kinds whose key is optional: without one they are the hub of every term of that kind.
HUBS = ("sectors", "statuses", "types", "countries", "provinces")
# [text](scheme:target) in Markdown -> page kind.
LINK_SCHEMES = {"partnership": "partnership", "place": "place", "explainer": "explainer", "sector": "sectors",
                "status": "statuses", "type": "types", "country": "countries"}
# Vocabulary sections that have term pages (place kinds have none).
TERM_SECTIONS = ("sectors", "statuses", "types")


def path(kind: str, key: str = "", lang: str | None = None, number: int = 1) -> str:
    """The path of a page: `number` > 1 is a later page of a paginated list."""
    if kind in HUBS:
        key = f"{key.lower() if kind == 'countries' else key}/" if key else ""
    found = PATTERNS[kind].format(lang=lang, key=key)
    return f"{found}page/{number}/" if number > 1 else found


def file_of(page_path: str) -> str:
    """The file a page path is written to: folders get their index.html."""
    return page_path + "index.html" if page_path.endswith("/") or not page_path else page_path
