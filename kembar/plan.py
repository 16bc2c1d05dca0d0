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
    by_province = views.by_province(provinces)
    province_of = {province.key: province for province in provinces.values() if province}
    entries = views.entries(site, provinces, index.freshness)
    listed = lambda slugs: tuple(entries[s] for s in slugs)  # noqa: E731
    everything = listed(site.partnerships)
    newest = listed(index.newest_first)
    guides = tuple(site.explainers.values())
    common = {"reading_guide": READING_GUIDE in site.explainers}
    default = site.config.default_lang
    counts = views.facets(index, provinces)
    steps = {slug: views.steps(p, site.vocabulary.statuses) for slug, p in site.partnerships.items()}
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
        by_name = functools.partial(views.by_name, lang=lang)  # every list is in name order, as directory.js sorts
        paged("directory", "", "directory.html", by_name(everything), {"counts": counts, "freshness": freshness_counts})
        if len(everything) > views.PAGE_SIZE:  # the directory's filters need every card: they fetch them
            page(("cards",), "cards.json", {"listed": by_name(everything)})
        for entry in everything:
            p = entry.p
            story = p.narrative.get(lang) or p.narrative.get(default)  # Markdown: render.build converts it
            page(("partnership", p.slug), "partnership.html", {"entry": entry, "steps": steps[p.slug][0],
                                                               "end": steps[p.slug][1], "story": story},
                 lang in p.summary.values, (p.path, *(m.path for m in p.narrative.values())))
        for slug, place in site.places.items():
            mine = by_name(listed(index.by_place[slug]))
            paged("place", slug, "place.html", mine, {"place": place, "mapped": mine[:views.MAP_LIMIT],
                                                      "country_page": place.country in index.by_country},
                  lang in place.names.values, (place.path,))
        for section, by in (("sectors", index.by_sector), ("statuses", index.by_status), ("types", index.by_type)):
            for term, slugs in by.items():
                paged(section, term, "term.html", by_name(listed(slugs)),
                      {"section": section, "term_entry": getattr(site.vocabulary, section)[term]})
            terms = getattr(site.vocabulary, section)
            rows = tuple(views.HubRow(term, len(by.get(term, ())), terms[term]) for term in terms)  # vocabulary order
            if section == "sectors":  # statuses and types keep the vocabulary's order (the lifecycle)
                rows = tuple(sorted(rows, key=lambda r: views.sort_key(views.plain(r.term.label, lang, default), lang)
                                    .encode("utf-16-be")))
            page((section,), "hub.html", {"section": section, "rows": rows})
        for country, slugs in index.by_country.items():
            paged("countries", country, "country.html", by_name(listed(slugs)), {"country": country})
        countries = views.country_names(lang)
        page(("countries",), "hub.html", {"section": "countries", "rows": tuple(
            views.HubRow(cc, len(index.by_country[cc])) for cc in
            sorted(index.by_country, key=lambda cc: views.country_key(cc, lang, countries)))})
        # The places hub (Indonesia's places by province, the others by country) and a page per
        # province the directory's filter offers, whether or not the province has a place page.
        place_rows = views.place_rows(site, index, lang)
        for rows, pager in views.paginate(place_rows, "places"):
            page(("places",) if pager.number == 1 else ("places", "", pager.number), "places.html",
                 {"rows": rows, "pager": pager})
        for key, slugs in by_province.items():
            paged("provinces", key, "province.html", by_name(listed(slugs)), {
                "province": province_of[key],
                "places": tuple(r for r in place_rows if r.province and r.province.key == key)})
        page(("provinces",), "hub.html", {"section": "provinces", "rows": tuple(
            views.HubRow(key, len(by_province[key]), province=province_of[key]) for key in
            sorted(by_province, key=lambda k: views.sort_key(views.plain(province_of[k].names, lang, default), lang)
                   .encode("utf-16-be")))})
        # Statistics, and the lists its freshness counts lead to (also the directory's no-JS filter).
        page(("statistics",), "statistics.html", {"stats": stats})
        for key, shown in (("confirmed", fresh), ("unconfirmed", stale)):
            paged("freshness", key, "freshness.html", by_name(shown), {"freshness": freshness_counts})
        page(("explainers",), "explainers.html", {"guides": guides})
        page(("translations",), "translations.html", translations_context(site, todo, entries))
        for slug, explainer in site.explainers.items():
            version = explainer.versions.get(lang) or explainer.versions[default]
            page(("explainer", slug), "explainer.html", {"explainer": explainer, "version": version,
                                                          "story": version.body},
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
