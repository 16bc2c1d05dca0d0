"""Stage 4, plan: list every output page with its language, path, template and context.

A page's context is small and written down here; templates cannot reach anything else.
`key` names the same page across languages, so the language switch and the hreflang
alternates are computed once from the plan.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import feeds
from . import i18n
from .model import Site
from .resolve import Index


@dataclass(frozen=True)
class Page:
    key: tuple  # the same for every language version of a page
    lang: str | None  # None: language-neutral (the root chooser)
    path: str  # URL path under the base URL: '' or 'en/partnerships/x/'
    template: str
    context: dict = field(compare=False)
    translated: bool = True  # False: the main text falls back to the default language
    sources: tuple[str, ...] = ()  # content files the page is made from (for errors and the dev server)

    @functools.cached_property  # asked for often (the dev server compares every page)
    def file(self) -> str:
        return self.path + "index.html" if self.path.endswith("/") or not self.path else self.path


def plan(site: Site, index: Index, project=None) -> list[Page]:
    """`project` (templates and catalogs) lets the translations page count UI strings too."""
    pages = [Page(("chooser",), None, "", "chooser.html", {})]
    vocab = site.vocabulary
    everything = tuple(site.partnerships)
    todo = i18n.todo(site, project)  # what each language still lacks
    updates = feeds.updates(site)
    for lang in site.config.languages:
        def page(key, path, template, context=None, translated=True, sources=()):
            pages.append(Page(key, lang, f"{lang}/{path}", template, context or {}, translated, sources))

        page(("home",), "", "home.html", {"listed": index.newest_first})
        page(("directory",), "partnerships/", "directory.html", {"listed": everything})
        pages.extend(partnership_page(p, lang) for p in site.partnerships.values())
        for slug, place in site.places.items():
            page(("place", slug), f"places/{slug}/", "place.html",
                 {"place": place, "listed": index.by_place[slug]}, lang in place.names.values, (place.path,))
        for section, folder, by in (("sectors", "sectors", index.by_sector), ("statuses", "status", index.by_status),
                                    ("types", "types", index.by_type)):
            for term, slugs in by.items():
                page((folder, term), f"{folder}/{term}/", "term.html",
                     {"section": section, "entry": getattr(vocab, section)[term], "listed": slugs})
        for country, slugs in index.by_country.items():
            page(("countries", country), f"countries/{country.lower()}/", "country.html",
                 {"country": country, "listed": slugs})
        page(("explainers",), "explainers/", "explainers.html", {"guides": tuple(site.explainers.values())})
        pages.append(translations_page(todo, lang))
        for slug, explainer in site.explainers.items():
            version = explainer.versions.get(lang) or explainer.versions[site.config.default_lang]
            page(("explainer", slug), f"explainers/{slug}/", "explainer.html", {"explainer": explainer, "version": version},
                 lang in explainer.versions, (version.body.path,))
        # Publishing (kembar/feeds.py, sitemap.py, opendata.py, search.py).
        page(("search",), "search/", "search.html")
        page(("data",), "data/", "data.html", {"listed": everything})
        pages.append(feed_page(updates, lang, site.config.languages))
    pages.append(Page(("404",), None, "404.html", "404.html", {}))
    return pages


def pages_by_key(pages: list[Page]) -> dict[tuple, dict[str | None, Page]]:
    """Each page's versions (language -> page): its alternates and language switch."""
    by_key: dict[tuple, dict[str | None, Page]] = {}
    for page in pages:
        by_key.setdefault(page.key, {})[page.lang] = page
    return by_key


# The pages an edit to a partnership's text can change (the dev server makes them again alone).

def partnership_page(p, lang: str) -> Page:
    return Page(("partnership", p.slug), lang, f"{lang}/partnerships/{p.slug}/", "partnership.html", {"p": p},
                lang in p.summary.values, (p.path, *(m.path for m in p.narrative.values())))


def translations_page(todo: dict, lang: str) -> Page:
    return Page(("translations",), lang, f"{lang}/translations/", "translations.html", {"todo": todo})


def feed_page(updates: tuple, lang: str, languages: tuple[str, ...]) -> Page:
    return Page(("feed",), lang, f"{lang}/feed.xml", "feed.xml",
                {"entries": updates, "updated": feeds.feed_updated(updates),
                 "text_in": functools.partial(feeds.pick, lang=lang, languages=languages)})
