"""/<lang>/feed.xml: valid, localized Atom of partnership updates with stable ids and content dates."""
from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import feedparser
import pytest

from kembar import feeds
from kembar.model import Event, PartialDate

from publishing import BASE_URL, FIXTURE, build, write_fixture

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def feed(built, lang):
    data = (built.out / lang / "feed.xml").read_bytes()
    return data, ET.fromstring(data)


@pytest.mark.parametrize("lang", ["id", "en", "ja"])
def test_every_feed_is_atom_that_feedparser_reads_without_error(built, lang):
    data, root = feed(built, lang)
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    # structure: the feed and every entry have id, updated, title and a link
    assert root.tag == ATOM + "feed" and root.get(XML_LANG) == lang
    for element in (root, *root.findall(ATOM + "entry")):
        for child in ("id", "updated", "title"):
            assert (element.findtext(ATOM + child) or "").strip(), f"{lang}: <{child}> missing"
        assert element.find(ATOM + "link").get("href").startswith(BASE_URL)
    assert root.find(ATOM + "link[@rel='self']").get("href") == f"{BASE_URL}{lang}/feed.xml"
    assert root.find(ATOM + "author/" + ATOM + "name").text
    entries = parsed.entries
    assert len(entries) == min(100, sum(len(p.timeline) for p in built.site.partnerships.values()))
    updated = [e.updated for e in entries]
    assert updated == sorted(updated, reverse=True), "entries are not newest first"
    assert len({e.id for e in entries}) == len(entries), "entry ids are not unique"


def test_dates_come_from_the_content(fixture_site):
    _, root = feed(fixture_site, "en")
    assert root.findtext(ATOM + "updated") == "2025-06-12T00:00:00Z"  # the newest event, not the clock
    by_id = {e.findtext(ATOM + "id"): e for e in root.findall(ATOM + "entry")}
    talks = by_id[BASE_URL + "en/partnerships/badung-fujisawa/#event-2024-10"]
    assert talks.findtext(ATOM + "updated") == "2024-10-01T00:00:00Z"  # "2024-10": its first day
    signed = by_id[BASE_URL + "en/partnerships/surabaya-kochi/#event-1997"]
    assert signed.findtext(ATOM + "published") == "1997-01-01T00:00:00Z"


def test_ids_are_the_page_url_plus_a_date_fragment(fixture_site):
    _, root = feed(fixture_site, "ja")
    ids = [e.findtext(ATOM + "id") for e in root.findall(ATOM + "entry")]
    page = BASE_URL + "ja/partnerships/badung-fujisawa/"
    # newest first; two events on one day: the later one first, each with its own id
    assert ids == [page + "#event-2025-06-12-2", page + "#event-2025-06-12", page + "#event-2024-10",
                   BASE_URL + "ja/partnerships/jepara-cambodia/#event-2019-12",
                   BASE_URL + "ja/partnerships/surabaya-kochi/#event-1997"]


def test_ids_stay_when_an_older_event_is_added(fixture_site, tmp_path):
    text = FIXTURE["partnerships/badung-fujisawa.yaml"].replace(
        '          - date: "2024-10"\n',
        '          - date: "2023"\n            text: {id: Surat., en: A letter., ja: 書簡。}\n'
        '          - date: "2024-10"\n')
    assert text != FIXTURE["partnerships/badung-fujisawa.yaml"]
    content = write_fixture(tmp_path / "content", {**FIXTURE, "partnerships/badung-fujisawa.yaml": text})
    again = build(content, tmp_path / "site", "--no-search")
    before = {e.findtext(ATOM + "id") for e in feed(fixture_site, "en")[1].findall(ATOM + "entry")}
    after = {e.findtext(ATOM + "id") for e in feed(again, "en")[1].findall(ATOM + "entry")}
    assert after - before == {BASE_URL + "en/partnerships/badung-fujisawa/#event-2023"}
    assert before < after


def test_every_string_is_localized_and_fallbacks_are_marked(fixture_site):
    _, root = feed(fixture_site, "ja")
    assert root.findtext(ATOM + "title") == "提携の更新情報 · テスト姉妹都市"
    entries = {e.findtext(ATOM + "id").rsplit("/", 2)[-2] + e.findtext(ATOM + "id").rsplit("#")[-1]: e
               for e in root.findall(ATOM + "entry")}
    signed = entries["badung-fujisawaevent-2025-06-12"]
    assert signed.findtext(ATOM + "title") == "バドゥン県 – 藤沢市：意向書締結"
    assert signed.find(ATOM + "summary").text == "意向書が送られました。"
    assert signed.find(ATOM + "summary").get(XML_LANG) is None  # the feed's own language
    assert [c.get("label") for c in signed.findall(ATOM + "category")] == ["文化", "観光"]
    # no stage: the title names the date, formatted for the language
    assert entries["badung-fujisawaevent-2025-06-12-2"].findtext(ATOM + "title") == "バドゥン県 – 藤沢市：2025年6月12日"
    # no Japanese text: the Indonesian one, marked as such
    untranslated = entries["jepara-cambodiaevent-2019-12"].find(ATOM + "summary")
    assert untranslated.text == "Kunjungan pertama." and untranslated.get(XML_LANG) == "id"
    _, indonesian = feed(fixture_site, "id")
    assert indonesian.findtext(ATOM + "title") == "Kabar terbaru kerja sama · Kota Kembar Uji"


def test_pages_link_their_language_feed(fixture_site):
    for lang in ("id", "en", "ja"):
        html = (fixture_site.out / lang / "index.html").read_text(encoding="utf-8")
        assert f'type="application/atom+xml" href="/kota-kembar/{lang}/feed.xml"' in html


def test_entry_links_lead_to_the_timeline_of_a_built_page(built):
    _, root = feed(built, "en")
    for entry in root.findall(ATOM + "entry"):
        href = entry.find(ATOM + "link").get("href")
        page, fragment = href[len(BASE_URL):].split("#")
        html = (built.out / page / "index.html").read_text(encoding="utf-8")
        assert f'id="{fragment}"' in html, href


def test_the_newest_updates_are_those_a_stable_sort_of_every_event_gives(fixture_site):
    """feeds.updates picks the newest without sorting every event: the same entries in the
    same order as a stable sort, so ties (one date, or partial dates) keep slug order and a
    partnership's later event comes first."""
    site = fixture_site.site
    template = next(iter(site.partnerships.values()))
    dates = [PartialDate(2020), PartialDate(2020, 5), PartialDate(2020, 5, 1), PartialDate(2019, 12, 31)]
    partnerships = {f"p{n:02d}": dataclasses.replace(template, slug=f"p{n:02d}", timeline=tuple(
        Event(dates[(n + k) % 4], None, template.timeline[0].text) for k in range(4))) for n in range(30)}
    site = dataclasses.replace(site, partnerships=partnerships)
    one_by_one = [u for p in partnerships.values()
                  for u in feeds.updates(dataclasses.replace(site, partnerships={p.slug: p}))]
    assert feeds.updates(site, limit=50) == tuple(sorted(one_by_one, key=lambda u: u.event.date, reverse=True)[:50])
