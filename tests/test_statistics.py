"""The statistics page and the freshness of statuses (issue 19).

The page's numbers are checked against counts made here from the YAML records (read with
plain PyYAML, not through kembar) and from the open data; the freshness mark against a
threshold that splits the bundled records, with its own arithmetic on the dates."""
from __future__ import annotations

import calendar
import datetime
import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from kembar import charts, freshness, pipeline
from kembar.load import load
from kembar.model import PartialDate
from kembar.validate import validate

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
LANGS = ("id", "en", "ja")
PROVINCE_KINDS = ("province", "special-region")


# -- counts made from the records, without kembar ----------------------------------------

def read(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def date_of(value) -> tuple[int, int, int]:
    """A YAML date as (year, month, day), 0 for what the source leaves out."""
    if isinstance(value, datetime.date):
        return value.year, value.month, value.day
    parts = [int(p) for p in str(value).split("-")]
    return tuple(parts + [0] * (3 - len(parts)))


def end_of(d: tuple[int, int, int]) -> datetime.date:
    year, month, day = d
    month = month or 12
    return datetime.date(year, month, day or calendar.monthrange(year, month)[1])


def bare(name: str) -> str:
    return re.sub(r"^(provinsi|province of)\s+|\s+province$", "", name.strip(), flags=re.I).casefold()


class Records:
    """The bundled content as a reader of the YAML would count it."""

    def __init__(self, content: Path):
        self.places = {p.stem: read(p) for p in sorted((content / "places").glob("*.yaml"))}
        self.partnerships = {p.stem: read(p) for p in sorted((content / "partnerships").glob("*.yaml"))}
        self.vocabulary = read(content / "vocabulary.yaml")

    def label(self, section: str, key: str, lang: str) -> str:
        labels = self.vocabulary[section][key]["label"]
        return labels.get(lang) or labels["id"]

    def province(self, slug: str) -> str | None:
        """The English name of the Indonesian party's province."""
        party = self.places[self.partnerships[slug]["parties"][0]]
        if party["kind"] in PROVINCE_KINDS:
            return party["names"]["en"]
        region = party.get("region")
        if not region:
            return None
        for place in self.places.values():
            if place["kind"] in PROVINCE_KINDS and place["country"] == party["country"]:
                names = {bare(n) for n in place["names"].values()}
                if any(bare(n) in names for n in region.values()):
                    return place["names"]["en"]
        return region["en"]

    def newest_date(self) -> datetime.date:
        dates = [date_of(e["date"]) for p in self.partnerships.values() for e in p["timeline"]]
        dates += [date_of(s["date"]) for p in self.partnerships.values() for s in p["sources"] if s.get("date")]
        dates += [date_of(s["date"]) for p in self.places.values() for s in p.get("sources", ()) if s.get("date")]
        year, month, day = max(dates)
        return datetime.date(year, month or 1, day or 1)

    def stale(self, now: datetime.date, years: int) -> set[str]:
        cutoff = now.replace(year=now.year - years) if not (now.month == 2 and now.day == 29) else \
            datetime.date(now.year - years, 2, 28)
        return {slug for slug, p in self.partnerships.items() if end_of(date_of(p["timeline"][-1]["date"])) < cutoff}


def tables(page: str) -> dict[str, list[tuple[str, str | None, list[int]]]]:
    """Each chart's table on a page: caption -> [(label, link, numbers)]."""
    found = {}
    for caption, body in re.findall(r'<caption class="visually-hidden">(.*?)</caption>.*?<tbody>(.*?)</tbody>', page, re.S):
        rows = []
        for head, cells in re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', body, re.S):
            link = re.search(r'href="([^"]+)"', head)
            numbers = [int(re.sub(r"[^\d]", "", n)) for n in re.findall(r'<td class="num">([^<]*)</td>', cells)]
            rows.append((html.unescape(re.sub(r"<[^>]+>", "", head)), link and link.group(1), numbers))
        found[html.unescape(caption)] = rows
    return found


def chart_values(page: str) -> list[list[str]]:
    """The numbers each chart draws, chart by chart."""
    return [re.findall(r'<text class="chart-value"[^>]*>([^<]*)</text>', svg)
            for svg in re.findall(r'<svg class="chart".*?</svg>', page, re.S)]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled content built in memory, "now" taken from the content (no SOURCE_DATE_EPOCH)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        site, outputs, errors = pipeline.in_memory(CONTENT)
    assert errors == []
    return {name: data for name, data in outputs.items()}


def text(outputs, name: str) -> str:
    return outputs[name].decode("utf-8")


# -- the statistics page ----------------------------------------------------------------

def test_every_number_on_the_statistics_page_is_a_count_of_the_records(bundled):
    r = Records(CONTENT)
    shown = tables(text(bundled, "en/statistics/index.html"))
    counted = lambda rows: {label: numbers[0] for label, _, numbers in rows}  # noqa: E731

    statuses = Counter(p["status"] for p in r.partnerships.values())
    stage_rows = counted(shown["Partnerships by stage"])
    assert {re.sub(r"^\d+\. ", "", k): v for k, v in stage_rows.items()} == {
        r.label("statuses", s, "en"): statuses[s] for s in r.vocabulary["statuses"]}
    assert sum(stage_rows.values()) == len(r.partnerships) == 32

    countries = Counter(r.places[p["parties"][1]]["country"] for p in r.partnerships.values())
    assert sum(counted(shown["Partnerships by partner country"]).values()) == len(r.partnerships)
    assert counted(shown["Partnerships by partner country"])["Japan"] == countries["JP"] == 16
    assert len(shown["Partnerships by partner country"]) == len(countries)

    provinces = Counter(r.province(slug) for slug in r.partnerships)
    assert counted(shown["Partnerships by Indonesian province"]) == {k: v for k, v in provinces.items() if k}

    sectors = Counter(s for p in r.partnerships.values() for s in p.get("sectors", ()))
    assert counted(shown["Partnerships by sector"]) == {r.label("sectors", s, "en"): n for s, n in sectors.items()}

    types = Counter(p["type"] for p in r.partnerships.values())
    assert counted(shown["Partnerships by type"]) == {r.label("types", t, "en"): types[t] for t in r.vocabulary["types"]}

    decades = Counter(date_of(p["timeline"][0]["date"])[0] // 10 * 10 for p in r.partnerships.values())
    every = range(min(decades), max(decades) + 1, 10)
    assert counted(shown["Partnerships begun per decade"]) == {f"{d}s": decades[d] for d in every}

    stale = r.stale(r.newest_date(), 5)
    by_stage = {r.label("statuses", s, "en"): [sum(1 for slug, p in r.partnerships.items() if p["status"] == s and slug not in stale),
                                              sum(1 for slug, p in r.partnerships.items() if p["status"] == s and slug in stale),
                                              statuses[s]]
                for s in r.vocabulary["statuses"] if statuses[s]}
    assert {label: numbers for label, _, numbers in shown["Statuses confirmed recently and not, by stage"]} == by_stage
    page = text(bundled, "en/statistics/index.html")
    assert f"Confirmed in the last 5 years ({len(r.partnerships) - len(stale)})" in page
    assert f"Not confirmed in the last 5 years ({len(stale)})" in page


def test_the_statistics_page_agrees_with_the_open_data(bundled):
    data = json.loads(bundled["data/partnerships.json"])
    records = data["partnerships"]
    en = tables(text(bundled, "en/statistics/index.html"))
    label = lambda section, key: data["vocabulary"][section][key]["label"]["en"]  # noqa: E731
    by = lambda rows: {k: v[0] for k, _, v in rows}  # noqa: E731
    assert by(en["Partnerships by stage"]) == {
        f"{i}. {label('statuses', s)}" if i <= 5 else label("statuses", s): sum(p["status"] == s for p in records)
        for i, s in enumerate(data["vocabulary"]["statuses"], 1)}
    assert by(en["Partnerships by type"]) == {label("types", t): sum(p["type"] == t for p in records)
                                              for t in data["vocabulary"]["types"]}
    assert by(en["Partnerships by sector"]) == dict(Counter(label("sectors", s) for p in records for s in p["sectors"]))
    assert sum(by(en["Partnerships by partner country"]).values()) == len(records)
    assert sorted(by(en["Partnerships by partner country"]).values(), reverse=True) == sorted(
        Counter(p["parties"][1]["country"] for p in records).values(), reverse=True)
    fresh = {k: v[:2] for k, _, v in en["Statuses confirmed recently and not, by stage"]}
    for s in data["vocabulary"]["statuses"]:
        mine = [p for p in records if p["status"] == s]
        if mine:
            assert fresh[label("statuses", s)] == [sum(not p["stale"] for p in mine), sum(p["stale"] for p in mine)]
    assert data["freshness"]["now_from"] == "content" and data["freshness"]["stale_after_years"] == 5


def test_every_language_shows_the_same_numbers_and_each_chart_draws_its_table(bundled):
    pages = {lang: text(bundled, f"{lang}/statistics/index.html") for lang in LANGS}
    numbers = {lang: [row[2] for rows in tables(page).values() for row in rows] for lang, page in pages.items()}
    assert numbers["id"] == numbers["en"] == numbers["ja"]
    for lang, page in pages.items():
        drawn = chart_values(page)
        shown = list(tables(page).values())
        assert len(drawn) == len(shown) == 7
        for values, rows in zip(drawn, shown):
            # one bar per number, but the freshness table has a total column too
            assert [int(v.replace(".", "")) for v in values] == [n for _, _, ns in rows for n in ns[:2 if len(ns) == 3 else 1]]


def test_each_count_links_to_the_list_it_counts(bundled):
    rows = tables(text(bundled, "en/statistics/index.html"))
    links = {label: href for label, href, _ in rows["Partnerships by stage"]}
    assert links["5. Active"] == "/kota-kembar/en/status/active/"
    assert links["3. Under approval"] is None  # nothing to list
    assert dict((k, h) for k, h, _ in rows["Partnerships by partner country"])["Japan"] == "/kota-kembar/en/countries/jp/"
    provinces = {k: h for k, h, _ in rows["Partnerships by Indonesian province"]}
    assert provinces["West Java Province"] == "/kota-kembar/en/places/jawa-barat/"
    assert provinces["Aceh"] is None  # the site has no page for Aceh
    assert dict((k, h) for k, h, _ in rows["Partnerships by sector"])["Tourism"] == "/kota-kembar/en/sectors/tourism/"
    assert dict((k, h) for k, h, _ in rows["Partnerships by type"])["Sister city"] == "/kota-kembar/en/types/sister-city/"
    page = text(bundled, "en/statistics/index.html")
    # The same links in the chart, for a pointer, named for assistive technology.
    assert '<a href="/kota-kembar/en/countries/jp/" aria-label="Japan: 16">' in page


def test_the_page_is_reached_from_home_directory_and_footer_and_in_the_sitemap(bundled):
    for lang in LANGS:
        target = f'href="/kota-kembar/{lang}/statistics/"'
        assert target in text(bundled, f"{lang}/index.html").split("<footer")[0]
        assert target in text(bundled, f"{lang}/partnerships/index.html").split("<footer")[0]
        assert target in text(bundled, f"{lang}/explainers/index.html").split("<footer")[1]
        assert f"<loc>https://example.github.io/kota-kembar/{lang}/statistics/</loc>" in text(bundled, "sitemap.xml")


def test_numbers_words_and_punctuation_follow_the_page_language(bundled):
    ja = text(bundled, "ja/statistics/index.html")
    assert "<h1>統計</h1>" in ja and "1960年代" in ja and "日本：16件" in ja
    assert "2026年1月19日" in ja  # the newest date in the content, in Japanese
    assert re.search(r"。 [^<]", ja.split("<main")[1]) is None  # no space after a full stop
    id_ = text(bundled, "id/statistics/index.html")
    assert "1960-an" in id_ and "<h1>Statistik</h1>" in id_ and "19 Januari 2026" in id_


def test_charts_have_no_script_and_the_same_bytes_each_build(bundled):
    page = text(bundled, "ja/statistics/index.html")
    main = page.split("<main")[1].split("</main>")[0]
    assert "<script" not in main and "style=" not in main and "fill=" not in main  # colours come from CSS
    assert main.count('role="img"') == 7 and main.count("<desc id=") == 7
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        _, again, _ = pipeline.in_memory(CONTENT)
    assert again["ja/statistics/index.html"] == bundled["ja/statistics/index.html"]
    assert again["data/partnerships.json"] == bundled["data/partnerships.json"]


def test_a_chart_escapes_its_words_wraps_long_labels_and_draws_no_zero_bar():
    rows = [{"label": "<b>&", "bars": [(0, "")], "href": "/x?a=1&b=2", "name": "<b>&: 0"},
            {"label": "Nota Kesepahaman (MoU) ditandatangani dan sebuah label yang sangat panjang", "bars": [(3, "")]}]
    svg = charts.bar_chart(rows, ident="t", title="T & <t>", desc="d", number=str)
    assert "&lt;b&gt;&amp;" in svg and 'href="/x?a=1&amp;b=2"' in svg and "<title id=\"t-t\">T &amp; &lt;t&gt;</title>" in svg
    assert svg.count("<rect class=\"chart-bar") == 1  # the zero has its number, not a bar
    assert "<tspan" in svg  # the long label takes two lines
    assert charts.bar_chart(rows, ident="t", title="T", desc="d", number=str) == \
        charts.bar_chart(rows, ident="t", title="T", desc="d", number=str)
    assert charts.wrap("提携の模索・協議中・意向書の送付・署名・承認手続中・覚書（MOU）締結", 150)[0].endswith("・")


# -- freshness --------------------------------------------------------------------------

def test_now_is_source_date_epoch_else_the_newest_content_date(make_site):
    docs, _ = load(make_site())
    site, _ = validate(docs)
    assert freshness.freshness(site, {}).now == datetime.date(2025, 6, 12)
    assert freshness.freshness(site, {"SOURCE_DATE_EPOCH": "1751328000"}).now == datetime.date(2025, 7, 1)
    assert freshness.freshness(site, {"SOURCE_DATE_EPOCH": " "}).from_epoch is False
    assert freshness.freshness(site, {"SOURCE_DATE_EPOCH": "soon"}).now == datetime.date(2025, 6, 12)


def test_a_partial_date_is_stale_only_when_all_of_its_period_is():
    cutoff = datetime.date(2017, 6, 1)
    assert not freshness.is_stale(PartialDate(2017), cutoff)  # 2017 may be June 2017 or later
    assert freshness.is_stale(PartialDate(2017, 5), cutoff)
    assert not freshness.is_stale(PartialDate(2017, 6, 1), cutoff)
    assert freshness.is_stale(PartialDate(2016), cutoff)
    assert freshness.years_before(datetime.date(2024, 2, 29), 5) == datetime.date(2019, 2, 28)


def test_stale_after_years_is_read_from_site_yaml_and_checked(make_site):
    site_yaml = "content/site.yaml"
    base = ("title: {id: A, en: A, ja: A}\ndescription: {id: B, en: B, ja: B}\nlanguages: [id, en, ja]\n"
            "base_url: https://example.github.io/kota-kembar/\n")
    for value, expected in (("3", None), ("0", "stale_after_years must be between 1 and 100, not 0"),
                            ("five", "stale_after_years must be a whole number"),
                            ("2.5", "stale_after_years must be a whole number")):
        docs, errors = load(make_site({site_yaml: base + f"stale_after_years: {value}\n"}))
        site, more = validate(docs)
        messages = [e.message for e in errors + more]
        if expected is None:
            assert messages == [] and site.config.stale_after_years == 3
        else:
            assert messages == [expected], messages
    docs, _ = load(make_site())
    assert validate(docs)[0].config.stale_after_years == 5


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """The bundled records with a threshold of 7 years measured from 1 July 2025 (SOURCE_DATE_EPOCH):
    the cutoff, 1 July 2018, falls among them."""
    content = tmp_path_factory.mktemp("split") / "content"
    shutil.copytree(CONTENT, content)
    with (content / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("stale_after_years: 7\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1751328000")  # 2025-07-01T00:00:00Z
        _, outputs, errors = pipeline.in_memory(content)
    assert errors == []
    stale = Records(CONTENT).stale(datetime.date(2025, 7, 1), 7)
    assert 0 < len(stale) < len(Records(CONTENT).partnerships)  # the threshold splits the records
    return outputs, stale


def test_the_mark_is_on_exactly_the_stale_partnerships(split):
    outputs, stale = split
    r = Records(CONTENT)
    marks = {"id": "belum dikonfirmasi lagi sejak", "en": "not confirmed since", "ja": "以降は未確認"}
    for lang in LANGS:
        for slug, p in r.partnerships.items():
            page = text(outputs, f"{lang}/partnerships/{slug}/index.html")
            main = page.split("<main")[1].split("</main>")[0]
            has = '<span class="unconfirmed">' in main
            assert has == (slug in stale), (lang, slug)
            if has:
                year = date_of(p["timeline"][-1]["date"])[0]
                assert marks[lang] in main and str(year) in re.search(r'<span class="unconfirmed">(.*?)</span>', main).group(1)
                assert f'href="/kota-kembar/{lang}/statistics/#stats-freshness"' in main
        directory = text(outputs, f"{lang}/partnerships/index.html")
        cards = {slug: fresh for fresh, slug in re.findall(r'data-fresh="(\w+)">\s*<h2 class="card-title"><a href="[^"]*/partnerships/([^/]+)/"', directory)}
        assert cards == {slug: "stale" if slug in stale else "fresh" for slug in r.partnerships}
        marked = set(re.findall(r'/partnerships/([^/]+)/">[^<]*</a></h2>\s*<p class="card-parties">[^\n]*\n\s*<p class="card-meta">[^\n]*unconfirmed', directory))
        assert marked == stale
        listed = lambda name: set(re.findall(r'<h3 class="card-title"><a href="[^"]*/partnerships/([^/]+)/"', text(outputs, name)))  # noqa: E731
        assert listed(f"{lang}/freshness/unconfirmed/index.html") == stale
        assert listed(f"{lang}/freshness/confirmed/index.html") == set(r.partnerships) - stale
        # The map's table on the home page (every partnership fits on the map).
        home = text(outputs, f"{lang}/index.html")
        table = re.search(r'<details class="map-table">(.*?)</details>', home, re.S).group(1)
        rows = re.findall(r'<tr><td><a href="[^"]*/partnerships/([^/]+)/">.*?</tr>', table)
        flagged = {slug for slug, row in zip(rows, re.findall(r"<tr><td>.*?</tr>", table)) if "unconfirmed" in row}
        assert len(rows) == len(r.partnerships) and flagged == stale
    data = json.loads(outputs["data/partnerships.json"])
    assert {p["slug"] for p in data["partnerships"] if p["stale"]} == stale
    assert data["freshness"] == {"now": "2025-07-01", "now_from": "SOURCE_DATE_EPOCH", "stale_after_years": 7,
                                 "cutoff": "2018-07-01"}
    rows = outputs["data/partnerships.csv"].decode("utf-8").splitlines()
    assert rows[0].endswith(",stale")
    assert {row.split(",", 1)[0] for row in rows[1:] if row.endswith(",true")} == stale
    stats = text(outputs, "en/statistics/index.html")
    assert "Not confirmed in the last 7 years" in stats and "Ages are counted to July 1, 2025, the date of this version" in stats
