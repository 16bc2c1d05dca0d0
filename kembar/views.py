"""The small view objects that page contexts are made of (kembar/plan.py puts them
together): a partnership as lists show it (`Entry`), a page of a long list (`Pager`),
the Indonesian province each partnership belongs to, the stages a partnership went
through, and the map of a set of partnerships.

Templates own every UI string; these functions take the words they need (map
title and description) from the template and the names from the content.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup

from . import worldmap
from .freshness import Freshness
from .model import PartialDate, Partnership, Place, Site, Text

PROVINCE_KINDS = ("province", "special-region")
# Words that name the level of government, not the province: "Provinsi Bali" is "Bali".
PROVINCE_WORDS = re.compile(r"^(provinsi|province of)\s+|\s+(province)$", re.IGNORECASE)


@dataclass(frozen=True)
class Province:
    key: str  # a filter value: the province's place slug, or the kebab-cased region name
    names: Text
    place: str | None  # slug of the province's place page, if the site has one


@dataclass(frozen=True)
class Entry:
    """A partnership as a card, a map line or a feed entry shows it: the record and its two places."""
    p: Partnership
    a: Place
    b: Place
    province: Province | None
    unconfirmed_since: PartialDate | None = None  # the status's evidence is older than site.yaml's threshold (kembar/freshness.py)

    @property
    def slug(self) -> str:
        return self.p.slug


def entries(site: Site, provinces: dict[str, Province | None], fresh: Freshness | None = None) -> dict[str, Entry]:
    return {slug: Entry(p, site.places[p.parties[0]], site.places[p.parties[1]], provinces[slug],
                        fresh.since(slug, p.as_of) if fresh else None)
            for slug, p in site.partnerships.items()}


PAGE_SIZE = 100  # cards on one page of a list: ~15 KB compressed, however big the site


@dataclass(frozen=True)
class Pager:
    """Page `number` of `count` of a list (kind and key name the list's pages: kembar/urls.py)."""
    kind: str
    key: str
    number: int
    count: int
    total: int  # items on all pages


def paginate(items: tuple, kind: str, key: str = "") -> list[tuple[tuple, Pager]]:
    """The items split into pages, each with its pager; an empty list is one empty page."""
    count = max(1, -(-len(items) // PAGE_SIZE))
    return [(items[n * PAGE_SIZE:(n + 1) * PAGE_SIZE], Pager(kind, key, n + 1, count, len(items)))
            for n in range(count)]


MAP_LIMIT = 300  # lines on one map: a map of the whole site shows the latest this many


# The official stages (PP 28/2018, Permendagri 25/2020), shown as a step indicator.
STAGES = ("exploring", "loi-signed", "in-approval", "mou-signed", "active")


@dataclass(frozen=True)
class Step:
    stage: str
    state: str  # done | current | todo
    date: PartialDate | None  # when the timeline first reached it


def steps(p: Partnership, statuses) -> tuple[list[Step], Step | None]:
    """The official stages in the vocabulary's order (`statuses`), each with its state and
    date; and for a partnership that has expired, gone dormant or ended, that end as the
    last step. Such a partnership shows the furthest stage it reached as done."""
    stages = [s for s in statuses if s in STAGES]
    ended = p.status not in stages
    reached = max((stages.index(e.stage) for e in p.timeline if e.stage in stages), default=-1)
    if not ended:
        reached = stages.index(p.status)
    found = []
    for i, stage in enumerate(stages):
        state = "done" if i < reached or (ended and i == reached) else "current" if i == reached else "todo"
        found.append(Step(stage, state, next((e.date for e in p.timeline if e.stage == stage), None)))
    if not ended:
        return found, None
    return found, Step(p.status, "current", next((e.date for e in p.timeline if e.stage == p.status), p.as_of))


def plain(text: Text, lang: str, default: str) -> str:
    """The text in lang, else the default language: for attributes, where no lang mark fits."""
    return text.values.get(lang) or text.values.get(default) or next(iter(text.values.values()), "")


def _bare(name: str) -> str:
    return PROVINCE_WORDS.sub("", name.strip()).casefold()


def province_index(site: Site) -> dict[str, Province | None]:
    """Each partnership's Indonesian province, computed once per build: the party itself when
    it is a province or special region, else its region, matched to a province place by name
    in any language (a lookup table, not a scan of every place per partnership)."""
    by_name: dict[tuple[str, str], object] = {}
    for place in site.places.values():
        if place.kind in PROVINCE_KINDS:
            for name in place.names.values.values():
                by_name.setdefault((place.country, _bare(name)), place)
    return {slug: _province(site, p, by_name) for slug, p in site.partnerships.items()}


def _province(site: Site, partnership: Partnership, by_name) -> Province | None:
    party = site.places[partnership.parties[0]]
    if party.kind in PROVINCE_KINDS:
        return Province(party.slug, party.names, party.slug)
    if party.region is None:
        return None
    for name in party.region.values.values():
        place = by_name.get((party.country, _bare(name))) if name else None
        if place is not None:
            return Province(place.slug, place.names, place.slug)
    name = plain(party.region, site.config.default_lang, site.config.default_lang)
    key = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "region"
    return Province(key, party.region, None)


def provinces(index: dict[str, Province | None]) -> dict[str, Province]:
    """Every province that has a partnership, by key."""
    return {p.key: p for p in sorted((p for p in index.values() if p), key=lambda p: p.key)}


def facets(index, province_index: dict[str, Province | None]) -> dict:
    """The directory's filters: how many partnerships each term, country and province has
    (terms with none are left out; statuses and types keep the vocabulary's order)."""
    counts: dict[str, int] = {}
    for province in province_index.values():
        if province:
            counts[province.key] = counts.get(province.key, 0) + 1
    count = lambda by: {key: len(slugs) for key, slugs in by.items() if slugs}  # noqa: E731
    return {"statuses": count(index.by_status), "types": count(index.by_type), "sectors": count(index.by_sector),
            "countries": count(index.by_country),
            "provinces": tuple((province, counts[key]) for key, province in provinces(province_index).items())}


def partnership_map(listed, *, lang: str, default: str, url: Callable[..., str],
                    country_name: Callable[[str], str], status_label: Callable[[str], str],
                    title: str, desc: str, highlight: str | None = None, land_href: str | None = None) -> str:
    """Inline SVG map of the given entries: a dot per party with a location (linked to
    its place page), a line per partnership (linked to its page), named in the page's language.
    land_href: URL of the shared world.svg whose outlines the map <use>s (see kembar/worldmap.py)."""
    # Words from the templates arrive as Markup (escaped); the map escapes them itself.
    title, desc = (Markup(w).striptags() if hasattr(w, "__html__") else str(w) for w in (title, desc))
    points, lines = {}, []
    for entry in listed:
        parties = (entry.a, entry.b)
        for place in parties:
            if place.location and place.slug not in points:
                points[place.slug] = {
                    "key": place.slug, "lat": place.location[0], "lon": place.location[1],
                    "label": f"{plain(place.names, lang, default)} ({country_name(place.country)})",
                    "href": url("place", place.slug),
                }
        if entry.a.location and entry.b.location:
            a, b = (plain(place.names, lang, default) for place in parties)
            lines.append({"from": entry.a.slug, "to": entry.b.slug, "status": entry.p.status,
                          "label": f"{a} – {b}: {status_label(entry.p.status)}",
                          "href": url("partnership", entry.slug)})
    shared = {"land_href": land_href} if land_href else {}  # without it the map embeds its outlines
    return worldmap.render_map(list(points.values()), lines, title=title, desc=desc, highlight=highlight, **shared)
