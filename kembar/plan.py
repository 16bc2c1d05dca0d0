"""Stage 4, plan: list every output page with its language, path, template and context.

A page's context is built here from named records and small view objects (kembar/views.py),
and it is all its template may read: the templates get no whole-site globals, only the
site's settings and vocabulary (which every page shows, so an edit to them touches every
page) and pure helpers (kembar/render.py). So the context is also the page's declared
inputs: the dev server renders a page again exactly when its context, its template or
its language's catalog changed. Plan does no I/O.

`key` names the same page across languages, so the language switch and the hreflang
alternates are computed once from the plan; its first item is the page's kind in
kembar/urls.py.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import statistics, urls, views
from .model import Site
from .resolve import Index

READING_GUIDE = "how-to-read-this-site"  # the explainer the footer links to, when there is one


@dataclass(frozen=True)
class Page:
    key: tuple  # the same for every language version of a page: (kind,), (kind, key) or (kind, key, number)
    lang: str | None  # None: language-neutral (the root chooser, the 404 page)
    path: str  # URL path under the base URL: '' or 'en/partnerships/x/'
    template: str
    context: dict = field(compare=False)
    translated: bool = True  # False: the main text falls back to the default language
    sources: tuple[str, ...] = ()  # content files the page is made from (for errors)

    @functools.cached_property
    def file(self) -> str:
        return urls.file_of(self.path)


def plan(site: Site, index: Index, todo: dict, updates: tuple) -> list[Page]:
    """`todo`: what each language still lacks (kembar/i18n.py); `updates`: the feed's
    entries (kembar/feeds.py)."""
    provinces = views.province_index(site)
    entries = views.entries(site, provinces, index.freshness)
    listed = lambda slugs: tuple(entries[s] for s in slugs)  # noqa: E731
    everything = listed(site.partnerships)
    newest = listed(index.newest_first)
    guides = tuple(site.explainers.values())
    common = {"reading_guide": READING_GUIDE in site.explainers}
    stats = statistics.statistics(site, index, provinces, index.freshness)
    stale = tuple(entry for entry in everything if entry.unconfirmed_since)
    fresh = tuple(entry for entry in everything if not entry.unconfirmed_since)
    freshness_counts = {"years": index.freshness.years, "fresh": len(fresh), "stale": len(stale)}
    pages = [Page(("chooser",), None, "", "chooser.html", {})]
    for lang in site.config.languages:
        def page(key, template, context, translated=True, sources=()):
            path = urls.path(*key[:2], lang=lang, number=key[2] if len(key) > 2 else 1)
            pages.append(Page(key, lang, path, template, {**common, **context}, translated, sources))

        def paged(kind, key, template, items, context, translated=True, sources=()):
            for shown, pager in views.paginate(items, kind, key):
                page_key = (kind, key) if pager.number == 1 else (kind, key, pager.number)
                page(page_key, template, {**context, "listed": shown, "pager": pager}, translated, sources)

        page(("home",), "home.html", {"latest": newest[:6], "mapped": newest[:views.MAP_LIMIT], "total": len(newest),
                                      "countries": len(index.by_country), "guides": guides})
        paged("directory", "", "directory.html", everything, {"counts": views.facets(index, provinces),
                                                               "freshness": freshness_counts})
        if len(everything) > views.PAGE_SIZE:  # the directory's filters need every card: they fetch them
            page(("cards",), "cards.json", {"listed": everything})
        for entry in everything:
            p = entry.p
            steps, end = views.steps(p, site.vocabulary.statuses)
            page(("partnership", p.slug), "partnership.html", {"entry": entry, "steps": steps, "end": end},
                 lang in p.summary.values, (p.path, *(m.path for m in p.narrative.values())))
        for slug, place in site.places.items():
            mine = listed(index.by_place[slug])
            paged("place", slug, "place.html", mine, {"place": place, "mapped": mine[:views.MAP_LIMIT],
                                                      "country_page": place.country in index.by_country},
                  lang in place.names.values, (place.path,))
        for section, by in (("sectors", index.by_sector), ("statuses", index.by_status), ("types", index.by_type)):
            for term, slugs in by.items():
                paged(section, term, "term.html", listed(slugs),
                      {"section": section, "term_entry": getattr(site.vocabulary, section)[term]})
        for country, slugs in index.by_country.items():
            paged("countries", country, "country.html", listed(slugs), {"country": country})
        # Statistics, and the lists its freshness counts lead to (also the directory's no-JS filter).
        page(("statistics",), "statistics.html", {"stats": stats})
        for key, shown in (("confirmed", fresh), ("unconfirmed", stale)):
            paged("freshness", key, "freshness.html", shown, {"freshness": freshness_counts})
        page(("explainers",), "explainers.html", {"guides": guides})
        page(("translations",), "translations.html", translations_context(site, todo, entries))
        for slug, explainer in site.explainers.items():
            version = explainer.versions.get(lang) or explainer.versions[site.config.default_lang]
            page(("explainer", slug), "explainer.html", {"explainer": explainer, "version": version},
                 lang in explainer.versions, (version.body.path,))
        # Publishing (kembar/feeds.py, sitemap.py, opendata.py, search.py).
        page(("search",), "search.html", {})
        page(("data",), "data.html", {"total": len(everything), "newest": newest[0].p.as_of if newest else None})
        page(("feed",), "feed.xml", {"entries": tuple((u, entries[u.partnership.slug]) for u in updates)})
    pages.append(Page(("404",), None, "404.html", "404.html", {}))
    return pages


def translations_context(site: Site, todo: dict, entries: dict) -> dict:
    """The translations page names each record that lacks a text: it gets those records."""
    records = {}
    for entry in todo.values():
        for r in entry["records"]:
            if r.kind == "partnership":
                records[r.kind, r.slug] = entries[r.slug]
            elif r.kind == "place":
                records[r.kind, r.slug] = site.places[r.slug]
            elif r.kind == "explainer":
                records[r.kind, r.slug] = site.explainers[r.slug]
            elif r.kind == "term":
                section, key = r.slug.split("/")
                records[r.kind, r.slug] = getattr(site.vocabulary, section)[key]
    return {"todo": todo, "records": records}


def pages_by_key(pages: list[Page]) -> dict[tuple, dict[str | None, Page]]:
    """Each page's versions (language -> page): its alternates and language switch."""
    by_key: dict[tuple, dict[str | None, Page]] = {}
    for page in pages:
        by_key.setdefault(page.key, {})[page.lang] = page
    return by_key
