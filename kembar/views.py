"""The small view objects that page contexts are made of (kembar/plan.py puts them
together): a partnership as lists show it (`Entry`), a page of a long list (`Pager`),
the Indonesian province each partnership belongs to, the stages a partnership went
through, and the map of a set of partnerships.

Templates own every UI string; these functions take the words they need (map
title and description) from the template and the names from the content.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
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
    sort: dict = field(default_factory=dict, compare=False)  # lang -> its key in name order (sort_key)

    @property
    def slug(self) -> str:
        return self.p.slug


def entries(site: Site, provinces: dict[str, Province | None], fresh: Freshness | None = None) -> dict[str, Entry]:
    found = {}
    default = site.config.default_lang
    for slug, p in site.partnerships.items():
        a, b = site.places[p.parties[0]], site.places[p.parties[1]]
        keys = {lang: place_key(a, lang, default) + SORT_SEPARATOR + place_key(b, lang, default)
                for lang in site.config.languages}
        found[slug] = Entry(p, a, b, provinces[slug], fresh.since(slug, p.as_of) if fresh else None, keys)
    return found


# -- name order -------------------------------------------------------------------------------
# Lists are in name order: the Indonesian party's name, then the partner's, in the page's
# language. The server sorts by sort_key and writes each card's key into data-sort, and
# directory.js compares those keys as strings, so a list never jumps when the script
# re-sorts it. Keys compare by UTF-16 code units, as JavaScript's < does (by_name).
SORT_SEPARATOR = "\t"  # below every character a key holds: "Bali" sorts before "Bali Utara"
SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖ", "あいうえおつやゆよわかけ")
VOWELS = {c: v for v, row in zip("あいうえお", ("あかさたなはまやらわ", "いきしちにひみり", "うくすつぬふむゆる",
                                                 "えけせてねへめれ", "おこそとのほもよろを"))
          for c in row}


def sort_key(name: str, lang: str) -> str:
    """The key a name sorts by in a language. Latin script: case, accents and punctuation
    ignored ("Ōsaka" with "Osaka"). Japanese: gojūon order of the kana (katakana as
    hiragana, small kana as large, ー as the vowel it lengthens, voiced marks only to break
    ties); a name in kanji sorts by its reading (Place.reading), else after the kana."""
    text = unicodedata.normalize("NFKC", name)
    if lang == "ja":
        return _kana_key(text)
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _kana_key(text: str) -> str:
    hira = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)  # katakana -> hiragana
    primary, last = [], ""
    for c in unicodedata.normalize("NFD", hira).translate(SMALL_KANA):
        if c in "\u3099\u309a" or c in "・ 　":  # voiced marks (the tie-break keeps them), separators
            continue
        if c == "ー":
            c = VOWELS.get(last, c)
        primary.append(c)
        last = c
    return "".join(primary) + " " + unicodedata.normalize("NFC", hira)  # the full kana breaks ties


def place_key(place: Place, lang: str, default: str) -> str:
    """A place's sort key in lang: its reading if it has one, else its name (as shown)."""
    shown = lang if place.names.values.get(lang) else default
    return sort_key(place.reading.get(shown) or plain(place.names, lang, default), shown)


def by_name(listed, lang: str) -> tuple:
    """Entries in name order in lang (what directory.js's "Name" order gives)."""
    return tuple(sorted(listed, key=lambda e: e.sort[lang].encode("utf-16-be")))


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


# A name's own disambiguation: "Montana (Bulgaria)", "モンタナ（ブルガリア）".
QUALIFIER = re.compile(r"\s*(?:\([^()]*\)|（[^（）]*）)$")


def unqualified(name: str) -> str:
    """The name without its trailing disambiguation in brackets, where the page adds its own
    (the country, or the region and country): "Montana (Bulgaria)" -> "Montana", so no
    label reads "Montana (Bulgaria) (Bulgaria)". A name that is only a bracket stays."""
    return QUALIFIER.sub("", name) or name


def unqualified_text(text: Text) -> Text:
    return Text({lang: unqualified(value) for lang, value in text.values.items()}, text.pos)


def _bare(name: str) -> str:
    return PROVINCE_WORDS.sub("", name.strip()).casefold()


def province_index(site: Site) -> dict[str, Province | None]:
    """Each partnership's Indonesian province, computed once per build: the party itself when
    it is a province or special region, else its region, matched to a province place by name
    in any language (a lookup table, not a scan of every place per partnership)."""
    by_name = _provinces_by_name(site)
    return {slug: place_province(site, site.places[p.parties[0]], by_name) for slug, p in site.partnerships.items()}


def _provinces_by_name(site: Site) -> dict[tuple[str, str], Place]:
    by_name: dict[tuple[str, str], Place] = {}
    for place in site.places.values():
        if place.kind in PROVINCE_KINDS:
            for name in place.names.values.values():
                by_name.setdefault((place.country, _bare(name)), place)
    return by_name


def place_province(site: Site, party: Place, by_name) -> Province | None:
    """The province of a place: itself when it is one, else its region's."""
    if party.kind in PROVINCE_KINDS:
        return Province(party.slug, party.names, party.slug)
    if party.region is None:
        return None
    for name in party.region.values.values():
        place = by_name.get((party.country, _bare(name))) if name else None
        if place is not None:
            return Province(place.slug, place.names, place.slug)
    name = plain(party.region, site.config.default_lang, site.config.default_lang)
    return Province(region_key(name), party.region, None)


def region_key(name: str) -> str:
    """A province's key from its name (it is a URL segment, /<lang>/provinces/<key>/): kebab-case
    ASCII, at most 60 characters; a name with no such letters, or a longer one, ends in a
    short hash of itself, so two such names never share a page."""
    key = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")
    if key and len(key) <= 60:
        return key
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{key[:50].rstrip('-') or 'region'}-{digest}"


def provinces(index: dict[str, Province | None]) -> dict[str, Province]:
    """Every province that has a partnership, by key."""
    return {p.key: p for p in sorted((p for p in index.values() if p), key=lambda p: p.key)}


def by_province(province_index: dict[str, Province | None]) -> dict[str, tuple[str, ...]]:
    """Province key -> its partnerships' slugs (in slug order): every province the
    directory's filter offers gets a page of them (kembar/plan.py)."""
    found: dict[str, list[str]] = {}
    for slug, province in province_index.items():
        if province:
            found.setdefault(province.key, []).append(slug)
    return {key: tuple(slugs) for key, slugs in sorted(found.items())}


@dataclass(frozen=True)
class HubRow:
    """One line of a hub page: a term (with its label and definition), a country or a province, and its count."""
    key: str
    count: int
    term: object = None  # model.Term, for sectors, statuses and types
    province: Province | None = None


HOME_COUNTRY = "ID"  # the places hub groups this country's places by province, the others by country


@dataclass(frozen=True)
class PlaceRow:
    """A place as the places hub lists it, under its group: an Indonesian province, or a country."""
    place: Place
    count: int  # its partnerships
    province: Province | None  # for a place in Indonesia; None: a place abroad, or one with no province
    country: str


def place_rows(site: Site, index, lang: str) -> tuple[PlaceRow, ...]:
    """Every place that has a partnership, Indonesia's first by province, then the rest by
    country, each group and each place in name order in lang."""
    default, by_name = site.config.default_lang, _provinces_by_name(site)
    countries = country_names(lang)
    rows = []
    for slug, place in site.places.items():
        if not index.by_place.get(slug):
            continue
        province = place_province(site, place, by_name) if place.country == HOME_COUNTRY else None
        rows.append(PlaceRow(place, len(index.by_place[slug]), province, place.country))

    def order(row: PlaceRow):
        if row.country == HOME_COUNTRY:
            group = (0, sort_key(plain(row.province.names, lang, default), lang) if row.province else "\uffff")
        else:
            group = (1, country_key(row.country, lang, countries))
        return group, place_key(row.place, lang, default).encode("utf-16-be"), row.place.slug

    return tuple(sorted(rows, key=order))


# CLDR's Japanese names of these countries are in kanji: their readings, for gojūon order.
COUNTRY_READINGS_JA = {"JP": "にほん", "CN": "ちゅうごく", "KR": "かんこく", "KP": "きたちょうせん", "TW": "たいわん",
                       "HK": "ほんこん", "MO": "まかお", "GB": "いぎりす", "ZA": "みなみあふりか", "CF": "ちゅうおうあふりか",
                       "TL": "ひがしてぃもーる", "SS": "みなみすーだん", "US": "あめりかがっしゅうこく"}


def country_names(lang: str) -> dict[str, str]:
    from babel import Locale
    return dict(Locale.parse(lang).territories)


def country_key(cc: str, lang: str, names: dict[str, str]) -> bytes:
    reading = COUNTRY_READINGS_JA.get(cc) if lang == "ja" else None
    return sort_key(reading or names.get(cc, cc), lang).encode("utf-16-be")


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
                    title: str, desc: str, highlight: str | None = None, land_href: str | None = None,
                    place_label: str = "%(place)s (%(where)s)", line_label: str = "%(partnership)s: %(step)s",
                    focus: bool = False) -> str:
    """Inline SVG map of the given entries: a dot per party with a location (linked to
    its place page), a line per partnership (linked to its page), named in the page's language.
    place_label, line_label: the patterns of the names, from the page's catalog (Japanese
    writes them with full-width brackets and colon). land_href: URL of the shared world.svg
    whose outlines the map <use>s (see kembar/worldmap.py). focus: the closer view of where
    most partnerships are, which a phone shows in place of a world map (worldmap.render_map)."""
    # Words from the templates arrive as Markup (escaped); the map escapes them itself.
    title, desc = (Markup(w).striptags() if hasattr(w, "__html__") else str(w) for w in (title, desc))
    points, lines = {}, []
    for entry in listed:
        parties = (entry.a, entry.b)
        for place in parties:
            if place.location and place.slug not in points:
                points[place.slug] = {
                    "key": place.slug, "lat": place.location[0], "lon": place.location[1],
                    "label": place_label % {"place": unqualified(plain(place.names, lang, default)),
                                            "where": country_name(place.country)},
                    "href": url("place", place.slug),
                }
        if entry.a.location and entry.b.location:
            a, b = (plain(place.names, lang, default) for place in parties)
            lines.append({"from": entry.a.slug, "to": entry.b.slug, "status": entry.p.status,
                          "label": line_label % {"partnership": f"{a} – {b}", "step": status_label(entry.p.status)},
                          "href": url("partnership", entry.slug)})
    shared = {"land_href": land_href} if land_href else {}  # without it the map embeds its outlines
    return worldmap.render_map(list(points.values()), lines, title=title, desc=desc, highlight=highlight,
                               focus=focus, **shared)
