"""/data/: JSON valid against its schema, CSV and GeoJSON, all three agreeing with the records."""
from __future__ import annotations

import copy
import csv
import io
import json
import re

import jsonschema
import pytest

from publishing import BASE_URL


def data(built, name):
    return (built.out / "data" / name).read_bytes()


@pytest.fixture(scope="module")
def validator():
    def make(built):
        schema = json.loads(data(built, "partnerships.schema.json"))
        jsonschema.Draft202012Validator.check_schema(schema)
        return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return make


def text(value):
    return dict(value.values) if value is not None else None


def test_json_validates_against_its_schema(built, validator):
    document = json.loads(data(built, "partnerships.json"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(built).iter_errors(document)]
    assert errors == []
    assert document["$schema"] == BASE_URL + "data/partnerships.schema.json"
    assert document["licence"]["id"] == "CC-BY-4.0"


@pytest.mark.parametrize("path, value", [
    (("partnerships", 0, "status"), "signed-maybe"),          # not a status of the vocabulary
    (("partnerships", 0, "timeline", 0, "date"), "2019-12-5"),  # not YYYY, YYYY-MM or YYYY-MM-DD
    (("partnerships", 0, "summary", "fr"), "Résumé"),         # not a language of the site
    (("partnerships", 0, "parties", 0, "location"), [95, 10]),  # not a latitude
    (("partnerships", 0, "surprise"), 1),                     # not a field
])
def test_the_schema_refuses_what_the_records_could_not_say(fixture_site, validator, path, value):
    document = json.loads(data(fixture_site, "partnerships.json"))
    broken = copy.deepcopy(document)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(validator(fixture_site).iter_errors(document)) == []
    assert list(validator(fixture_site).iter_errors(broken)) != []


def test_json_agrees_with_the_records(built):
    document = json.loads(data(built, "partnerships.json"))
    site = built.site
    records = {r["slug"]: r for r in document["partnerships"]}
    assert list(records) == list(site.partnerships)
    for slug, p in site.partnerships.items():
        r = records[slug]
        assert [party["slug"] for party in r["parties"]] == list(p.parties)
        assert (r["type"], r["status"], r["as_of"], r["sectors"]) == (p.type, p.status, p.as_of.iso, list(p.sectors))
        assert r["summary"] == text(p.summary) and r["caution"] == text(p.caution)
        assert r["timeline"] == [{"date": e.date.iso, "stage": e.stage, "text": text(e.text)} for e in p.timeline]
        assert [s["url"] for s in r["sources"]] == [s.url for s in p.sources]
        for party in r["parties"]:
            place = site.places[party["slug"]]
            assert party["names"] == text(place.names) and party["country"] == place.country
            assert party["location"] == (list(place.location) if place.location else None)
        assert r["url"] == {lang: f"{BASE_URL}{lang}/partnerships/{slug}/" for lang in site.config.languages}
        for url in r["url"].values():
            assert (built.out / url[len(BASE_URL):] / "index.html").is_file()
    assert set(document["vocabulary"]["statuses"]) == set(site.vocabulary.statuses)


def test_csv_is_utf8_without_bom_with_a_column_per_language(built):
    raw = data(built, "partnerships.csv")
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    header = next(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    for field in ("summary", "caution", "partner_name", "url"):
        assert [f"{field}_{lang}" for lang in built.site.config.languages] == [h for h in header if re.fullmatch(f"{field}_[a-z]+", h)]
    site = built.site
    assert [row["slug"] for row in rows] == list(site.partnerships)
    for row in rows:
        p = site.partnerships[row["slug"]]
        for lang in site.config.languages:
            assert row[f"summary_{lang}"] == p.summary.values.get(lang, "")
            assert row[f"partner_name_{lang}"] == site.places[p.parties[1]].names.values.get(lang, "")
        assert (row["status"], row["as_of"], row["first_date"]) == (p.status, p.as_of.iso, p.timeline[0].date.iso)
        assert row["sectors"].split(";") == list(p.sectors) or (row["sectors"] == "" and not p.sectors)
        assert row["indonesian_party"] == p.parties[0] and row["partner_country"] == site.places[p.parties[1]].country
        assert row["source_urls"].split(" ") == [s.url for s in p.sources]


def test_csv_leaves_missing_translations_empty(fixture_site):
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(data(fixture_site, "partnerships.csv").decode("utf-8")))}
    row = rows["jepara-cambodia"]
    assert (row["summary_id"], row["summary_en"], row["summary_ja"]) == ("Jepara menjajaki kerja sama dengan Kamboja.", "", "")
    assert rows["surabaya-kochi"]["summary_ja"] == "スラバヤ市と高知県は1997年に姉妹都市になりました。"


def test_geojson_has_one_point_per_located_place_with_its_partnerships(built):
    collection = json.loads(data(built, "partnerships.geojson"))
    assert collection["type"] == "FeatureCollection"
    site = built.site
    located = [slug for slug, place in site.places.items() if place.location]
    assert [f["id"] for f in collection["features"]] == located
    for feature in collection["features"]:
        place = site.places[feature["id"]]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]  # RFC 7946: longitude first
        assert (lat, lon) == place.location
        props = feature["properties"]
        assert props["names"] == text(place.names) and props["country"] == place.country
        mine = [slug for slug, p in site.partnerships.items() if feature["id"] in p.parties]
        assert [p["slug"] for p in props["partnerships"]] == mine
        for listed in props["partnerships"]:
            p = site.partnerships[listed["slug"]]
            assert listed["partner"] in p.parties and listed["partner"] != feature["id"]
            assert listed["status"] == p.status


def test_fixture_geojson_leaves_out_places_without_a_location(fixture_site):
    collection = json.loads(data(fixture_site, "partnerships.geojson"))
    ids = [f["id"] for f in collection["features"]]
    assert "cambodia" not in ids and "jepara" in ids
    jepara = next(f for f in collection["features"] if f["id"] == "jepara")
    assert jepara["geometry"]["coordinates"] == [110.67, -6.59]
    assert [p["partner"] for p in jepara["properties"]["partnerships"]] == ["cambodia"]


@pytest.mark.parametrize("lang, licence", [("id", "Lisensi"), ("en", "Licence"), ("ja", "ライセンス")])
def test_the_data_page_documents_the_files_and_the_licence(built, lang, licence):
    html = (built.out / lang / "data" / "index.html").read_text(encoding="utf-8")
    for name in ("partnerships.json", "partnerships.schema.json", "partnerships.csv", "partnerships.geojson"):
        assert f'href="/kota-kembar/data/{name}"' in html
        assert (built.out / "data" / name).is_file()
    assert f"<h2 id=\"licence\">{licence}</h2>" in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in html
    assert "CC BY 4.0" in html
    footer = html[html.index('<footer'):]
    assert f'href="/kota-kembar/{lang}/data/"' in footer
