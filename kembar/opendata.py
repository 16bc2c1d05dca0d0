"""Open data: /data/partnerships.json (+ its JSON Schema), .csv and .geojson.

The files hold what the records say, not what a page shows: a translated field lists
only the languages it was written in (no fallback), dates keep the precision of the
source (YYYY, YYYY-MM or YYYY-MM-DD). One field is worked out rather than written:
`stale`, true when a status's as-of date is older than site.yaml's stale_after_years
before the build's "now" (kembar/freshness.py), which the document states under
`freshness`; the pages show such a status as "not confirmed since <year>". The schema is made from the site, so terms and
languages are checked against the vocabulary and site.yaml of this very build.
"""
from __future__ import annotations

import csv
import io
import json

from .freshness import Freshness
from .model import Partnership, Place, Site, Source, Text
from .resolve import Index

LICENCE = {"id": "CC-BY-4.0", "name": "Creative Commons Attribution 4.0 International",
           "url": "https://creativecommons.org/licenses/by/4.0/"}
FILES = ("partnerships.json", "partnerships.schema.json", "partnerships.csv", "partnerships.geojson")
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def text(value: Text | None) -> dict | None:
    return dict(value.values) if value is not None else None


def source(s: Source) -> dict:
    return {"title": s.title, "publisher": s.publisher, "url": s.url,
            "date": s.date.iso if s.date else None, "lang": s.lang}


def urls(site: Site, base_url: str, folder: str, slug: str) -> dict:
    return {lang: f"{base_url}{lang}/{folder}/{slug}/" for lang in site.config.languages}


def place_record(site: Site, base_url: str, place: Place) -> dict:
    return {"slug": place.slug, "names": text(place.names), "kind": place.kind, "country": place.country,
            "region": text(place.region),
            "location": list(place.location) if place.location else None,
            "url": urls(site, base_url, "places", place.slug)}


def partnership_record(site: Site, base_url: str, p: Partnership, stale: bool = False) -> dict:
    return {
        "slug": p.slug,
        "url": urls(site, base_url, "partnerships", p.slug),
        "parties": [place_record(site, base_url, site.places[slug]) for slug in p.parties],
        "type": p.type,
        "status": p.status,
        "as_of": p.as_of.iso,
        "stale": stale,
        "sectors": list(p.sectors),
        "summary": text(p.summary),
        "caution": text(p.caution),
        "timeline": [{"date": e.date.iso, "stage": e.stage, "text": text(e.text)} for e in p.timeline],
        "sources": [source(s) for s in p.sources],
    }


class Encoded(str):
    """JSON text made already: dump() puts it in as it is."""


def reuse(made: dict, kept: dict, key: tuple, made_from: tuple, make) -> str:
    """make(), or the text it gave last time if it was made from these very objects.
    validate() keeps the objects of the documents that did not change (the dev server's
    rebuilds), so after an edit only the lines of what it touched are made again. `kept`
    holds the last call's (made_from, text) by key; `made` collects this call's."""
    old = kept.get(key)
    if old is not None and len(old[0]) == len(made_from) and all(a is b for a, b in zip(old[0], made_from)):
        text = old[1]
    else:
        text = make()
    made[key] = (made_from, text)
    return text


def freshness_note(fresh: Freshness) -> dict:
    return {"now": fresh.now.isoformat(), "now_from": "SOURCE_DATE_EPOCH" if fresh.from_epoch else "content",
            "stale_after_years": fresh.years, "cutoff": fresh.cutoff.isoformat()}


def document(site: Site, base_url: str, made: dict, kept: dict, fresh: Freshness) -> dict:
    vocab = site.vocabulary
    dates = [p.as_of for p in site.partnerships.values()]
    return {
        "$schema": base_url + "data/partnerships.schema.json",
        "title": text(site.config.title),
        "source": base_url,
        "licence": LICENCE,
        "languages": list(site.config.languages),
        "updated": max(dates).iso if dates else None,
        "freshness": freshness_note(fresh),
        "vocabulary": {section: {key: {"label": text(t.label), "definition": text(t.definition)}
                                 for key, t in getattr(vocab, section).items()}
                       for section in ("types", "statuses", "sectors", "place_kinds")},
        "partnerships": [reuse(made, kept, ("json", slug, base_url), line_of(site, p, fresh),
                               lambda p=p: Encoded(line(partnership_record(site, base_url, p, slug in fresh.stale))))
                         for slug, p in site.partnerships.items()],
    }


def line_of(site: Site, p: Partnership, fresh: Freshness) -> tuple:
    """What a partnership's line of open data is made from (True and False are the same
    objects each time, so `reuse` sees a change of freshness)."""
    return (p, *(site.places[slug] for slug in p.parties), site.config, p.slug in fresh.stale)


def schema(site: Site, base_url: str) -> dict:
    """JSON Schema (2020-12) of partnerships.json for this site's languages and vocabulary."""
    vocab = site.vocabulary
    languages = list(site.config.languages)
    terms = lambda section: {"enum": list(getattr(vocab, section))}  # noqa: E731
    nullable = lambda ref: {"oneOf": [{"$ref": ref}, {"type": "null"}]}  # noqa: E731
    obj = lambda props, required=None: {  # noqa: E731
        "type": "object", "additionalProperties": False, "properties": props,
        "required": list(props) if required is None else required}
    urls_ = {"type": "object", "additionalProperties": False, "required": languages,
             "properties": {lang: {"type": "string", "format": "uri"} for lang in languages}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base_url + "data/partnerships.schema.json",
        "title": "Sister-city partnerships of Indonesian regions",
        "description": "Facts compiled from the cited sources. Translated texts list only the languages "
                       "they were written in; dates are as precise as the source (YYYY, YYYY-MM or YYYY-MM-DD).",
        **obj({
            "$schema": {"type": "string"},
            "title": {"$ref": "#/$defs/text"},
            "source": {"type": "string", "format": "uri"},
            "licence": obj({"id": {"const": LICENCE["id"]}, "name": {"type": "string"},
                            "url": {"type": "string", "format": "uri"}}),
            "languages": {"const": languages},
            "updated": {"oneOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
            "freshness": {**obj({
                "now": {"type": "string", "format": "date"},
                "now_from": {"enum": ["SOURCE_DATE_EPOCH", "content"]},
                "stale_after_years": {"type": "integer", "minimum": 1},
                "cutoff": {"type": "string", "format": "date"},
            }), "description": "A status is stale when its as_of date (the whole period of a partial date) "
                               "lies before cutoff: stale_after_years before now. now is the build's "
                               "SOURCE_DATE_EPOCH, else the newest date in the content."},
            "vocabulary": obj({section: {"type": "object", "propertyNames": terms(section),
                                         "additionalProperties": {"$ref": "#/$defs/term"}}
                               for section in ("types", "statuses", "sectors", "place_kinds")}),
            "partnerships": {"type": "array", "items": {"$ref": "#/$defs/partnership"}},
        }),
        "$defs": {
            "text": {"type": "object", "minProperties": 1, "propertyNames": {"enum": languages},
                     "additionalProperties": {"type": "string", "minLength": 1}},
            "date": {"type": "string", "pattern": DATE_PATTERN},
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "term": obj({"label": {"$ref": "#/$defs/text"}, "definition": {"$ref": "#/$defs/text"}}),
            "place": obj({
                "slug": {"$ref": "#/$defs/slug"},
                "names": {"$ref": "#/$defs/text"},
                "kind": terms("place_kinds"),
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "region": nullable("#/$defs/text"),
                "location": {"oneOf": [{"type": "array", "prefixItems": [
                    {"type": "number", "minimum": -90, "maximum": 90},
                    {"type": "number", "minimum": -180, "maximum": 180}], "minItems": 2, "maxItems": 2},
                    {"type": "null"}], "description": "[latitude, longitude], WGS84"},
                "url": urls_,
            }),
            "source": obj({
                "title": {"type": "string", "minLength": 1},
                "publisher": {"type": "string", "minLength": 1},
                "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
                "date": {"oneOf": [{"$ref": "#/$defs/date"}, {"type": "null"}]},
                "lang": {"type": ["string", "null"]},
            }),
            "event": obj({
                "date": {"$ref": "#/$defs/date"},
                "stage": {"oneOf": [terms("statuses"), {"type": "null"}]},
                "text": {"$ref": "#/$defs/text"},
            }),
            "partnership": obj({
                "slug": {"$ref": "#/$defs/slug"},
                "url": urls_,
                "parties": {"type": "array", "items": {"$ref": "#/$defs/place"}, "minItems": 2, "maxItems": 2},
                "type": terms("types"),
                "status": terms("statuses"),
                "as_of": {"$ref": "#/$defs/date"},
                "stale": {"type": "boolean", "description": "as_of is older than freshness.cutoff: the site "
                                                           "shows 'not confirmed since' the year of as_of"},
                "sectors": {"type": "array", "items": terms("sectors"), "uniqueItems": True},
                "summary": {"$ref": "#/$defs/text"},
                "caution": nullable("#/$defs/text"),
                "timeline": {"type": "array", "items": {"$ref": "#/$defs/event"}, "minItems": 1},
                "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}, "minItems": 1},
            }),
        },
    }


def spreadsheet_safe(value: str) -> str:
    """A cell that starts like a formula is run by spreadsheets (OWASP: CSV injection);
    a leading apostrophe makes them show it as text."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def csv_table(site: Site, base_url: str, made: dict, kept: dict, fresh: Freshness) -> str:
    """One row per partnership; a translated field becomes one column per language."""
    languages = site.config.languages
    per_lang = lambda name: [f"{name}_{lang}" for lang in languages]  # noqa: E731
    header = (["slug", "type", "status", "as_of", "first_date", "sectors",
               "indonesian_party", *per_lang("indonesian_party_name"), "indonesian_party_country",
               "partner", *per_lang("partner_name"), "partner_country",
               *per_lang("summary"), *per_lang("caution"), *per_lang("url"), "source_urls", "stale"])
    cells = lambda value: [spreadsheet_safe(value.values.get(lang, "")) if value else "" for lang in languages]  # noqa: E731

    def row(p: Partnership) -> str:
        a, b = (site.places[slug] for slug in p.parties)
        return csv_row([
            p.slug, p.type, p.status, p.as_of.iso, p.timeline[0].date.iso, ";".join(p.sectors),
            a.slug, *cells(a.names), a.country,
            b.slug, *cells(b.names), b.country,
            *cells(p.summary), *cells(p.caution),
            *urls(site, base_url, "partnerships", p.slug).values(),
            " ".join(s.url for s in p.sources),
            "true" if p.slug in fresh.stale else "false",
        ])

    return csv_row(header) + "".join(reuse(made, kept, ("csv", slug, base_url), line_of(site, p, fresh), lambda p=p: row(p))
                                     for slug, p in site.partnerships.items())


def csv_row(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)  # RFC 4180
    return out.getvalue()


def geojson(site: Site, index: Index, base_url: str, made: dict, kept: dict) -> dict:
    """One Point per place that has a location ([lon, lat], RFC 7946), with its partnerships."""
    def feature(place: Place, partnerships: list[Partnership]) -> dict:
        lat, lon = place.location
        listed = []
        for p in partnerships:
            other = p.parties[1] if p.parties[0] == place.slug else p.parties[0]
            listed.append({"slug": p.slug, "partner": other, "type": p.type, "status": p.status,
                           "as_of": p.as_of.iso, "stale": p.slug in index.freshness.stale,
                           "url": urls(site, base_url, "partnerships", p.slug)})
        record = place_record(site, base_url, place)
        del record["location"]  # it is the geometry
        return {"type": "Feature", "id": place.slug, "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {**record, "partnerships": listed}}

    features = []
    for slug, place in site.places.items():
        if place.location:
            listed = [site.partnerships[p_slug] for p_slug in index.by_place.get(slug, ())]
            stale = tuple(p.slug in index.freshness.stale for p in listed)
            features.append(reuse(made, kept, ("geojson", slug, base_url), (place, *listed, site.config, *stale),
                                  lambda place=place, listed=listed: Encoded(line(feature(place, listed)))))
    return {"type": "FeatureCollection", "features": features}


def dump(value: dict) -> str:
    """A JSON object with each item of its lists and objects on a line of its own (one
    partnership, one place a line): readable and diffable, and written by json's C encoder
    (indent= takes the pure-Python one: seconds for a big site)."""
    def member(key: str, value) -> str:
        if isinstance(value, list) and value:
            items, brackets = [line(item) for item in value], "[]"
        elif isinstance(value, dict) and value:
            items, brackets = [f"{line(k)}: {line(v)}" for k, v in value.items()], "{}"
        else:
            return f"  {line(key)}: {line(value)}"
        return f"  {line(key)}: {brackets[0]}\n" + ",\n".join("    " + item for item in items) + f"\n  {brackets[1]}"

    return "{\n" + ",\n".join(member(key, item) for key, item in value.items()) + "\n}\n"


def line(value) -> str:
    return value if isinstance(value, Encoded) else json.dumps(value, ensure_ascii=False)


def files(site: Site, index: Index, base_url: str, kept: dict | None = None) -> dict[str, bytes]:
    """Output path -> bytes for the four files under data/. `kept` (the dev server's):
    the lines of the last call, to reuse; replaced by this call's."""
    made, kept = {}, {} if kept is None else kept
    out = {
        "data/partnerships.json": dump(document(site, base_url, made, kept, index.freshness)).encode("utf-8"),
        "data/partnerships.schema.json": (json.dumps(schema(site, base_url), ensure_ascii=False, indent=2)
                                          + "\n").encode("utf-8"),  # small, and read by people
        "data/partnerships.csv": csv_table(site, base_url, made, kept, index.freshness).encode("utf-8"),
        "data/partnerships.geojson": dump(geojson(site, index, base_url, made, kept)).encode("utf-8"),
    }
    kept.clear()
    kept.update(made)
    return out
