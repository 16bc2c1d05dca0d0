"""Search: Pagefind's own index, one per language, queried in a real headless Chromium
from the site served under /kota-kembar/; the search page without JavaScript and without
an index; the index step of the build (atomic, deterministic, never run by `check`)."""
from __future__ import annotations

import json
import re
import time

import pytest

from kembar import search
from kembar.cli import main
from publishing import BASE_URL, build

QUERY = """
const [lang, term, filters, done] = arguments;
(async () => {
  const pagefind = await import(document.querySelector("#search").dataset.bundle + "pagefind.js");
  await pagefind.options({baseUrl: document.querySelector("#search").dataset.base});
  const found = await pagefind.search(term, filters ? {filters} : {});
  const pages = await Promise.all(found.results.map(r => r.data()));
  done({urls: pages.map(p => p.url), filters: await pagefind.filters()});
})().catch(e => done({error: String(e)}));
"""


def query(browser, server, lang, term, filters=None):
    """Open the language's search page and ask Pagefind (in the page) for `term`."""
    if browser.current_url != server.url(f"{lang}/search/"):
        browser.get(server.url(f"{lang}/search/"))
    result = browser.execute_async_script(QUERY, lang, term, filters)
    assert "error" not in result, result
    return result


def test_there_is_one_index_per_language(built):
    entry = json.loads((built.out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert sorted(entry["languages"]) == sorted(built.site.config.languages)
    for lang, info in entry["languages"].items():
        assert info["page_count"] > 0
        assert (built.out / "pagefind" / f"pagefind.{info['hash']}.pf_meta").is_file()
    # only the main content of partnership, place and explainer pages is indexed
    expected = len(built.site.partnerships) + len(built.site.places) + len(built.site.explainers)
    assert {info["page_count"] for info in entry["languages"].values()} == {expected}


def test_pagefind_reads_exactly_the_pages_that_have_something_to_index(built):
    """index_site runs Pagefind on search.indexed_glob(lang) alone: it must name every page
    base.html marks data-pagefind-body, and no other."""
    indexed = re.compile(f"({'|'.join(built.site.config.languages)})/({'|'.join(search.INDEXED_SECTIONS)})/[^/]+/index.html")
    for path in sorted(built.out.rglob("*.html")):
        name = path.relative_to(built.out).as_posix()
        assert ("data-pagefind-body" in path.read_text(encoding="utf-8")) == bool(indexed.fullmatch(name)), name
    assert search.indexed_glob("ja") == "ja/{partnerships,places,explainers}/*/index.html"


@pytest.mark.parametrize("lang, term, expected, absent", [
    ("ja", "友好提携", "badung-fujisawa", "surabaya-kochi"),   # Japanese, matched without spaces
    ("ja", "高知県", "surabaya-kochi", "badung-fujisawa"),
    ("id", "pembelajaran", "badung-fujisawa", "surabaya-kochi"),  # Indonesian stemming: the page says "belajar"
    ("en", "cooperation", "badung-fujisawa", "surabaya-kochi"),  # English stemming: "cooperate"
])
def test_fixture_queries_find_the_expected_partnership(fixture_site, served, browser, lang, term, expected, absent):
    found = query(browser, served(fixture_site.out), lang, term)["urls"]
    assert f"/kota-kembar/{lang}/partnerships/{expected}/" in found
    assert f"/kota-kembar/{lang}/partnerships/{absent}/" not in found
    assert all(url.startswith(f"/kota-kembar/{lang}/") for url in found), "another language's page was found"


def test_filters_by_sector_status_and_country_in_the_page_language(fixture_site, served, browser):
    server = served(fixture_site.out)
    result = query(browser, server, "ja", None)  # no term: every page, with the filter counts
    assert result["filters"]["分野"] == {"文化": 1, "観光": 1, "教育": 1}
    assert result["filters"]["状況"] == {"意向書締結": 1, "提携中": 1, "協議中": 1}
    assert result["filters"]["相手国"] == {"日本": 2, "カンボジア": 1}
    only = query(browser, server, "ja", None, {"状況": "提携中"})["urls"]
    assert only == ["/kota-kembar/ja/partnerships/surabaya-kochi/"]
    indonesian = query(browser, server, "id", None, {"Negara mitra": "Kamboja"})
    assert indonesian["urls"] == ["/kota-kembar/id/partnerships/jepara-cambodia/"]


def test_bundled_site_answers_japanese_and_indonesian_queries(bundled_site, served, browser):
    server = served(bundled_site.out)
    # the page says 藤沢市の訪問団: the query, without spaces or の, still finds it
    assert "/kota-kembar/ja/partnerships/badung-fujisawa/" in query(browser, server, "ja", "藤沢市訪問団")["urls"]
    assert "/kota-kembar/id/partnerships/badung-fujisawa/" in query(browser, server, "id", "delegasi Fujisawa")["urls"]


def test_what_every_partnership_page_shows_is_not_what_a_query_finds(fixture_site, served, browser):
    """The step indicator names every stage on every partnership page ("Stage reached",
    "(not reached)", 意向書締結, ...), and the map and breadcrumbs repeat themselves too: the
    index leaves them out, so a query finds the pages whose own text says it."""
    server = served(fixture_site.out)
    assert query(browser, server, "en", "reached")["urls"] == []
    found = query(browser, server, "ja", "意向書")["urls"]  # and the places whose cards show its status
    assert [url for url in found if "/partnerships/" in url] == ["/kota-kembar/ja/partnerships/badung-fujisawa/"]
    assert query(browser, server, "id", "Beranda")["urls"] == []  # the breadcrumbs' "Home"


def test_the_search_page_shows_results_under_the_base_path(fixture_site, served, browser):
    server = served(fixture_site.out)
    browser.get(server.url("ja/search/?q=高知県"))
    deadline = time.monotonic() + 15
    links = []
    while time.monotonic() < deadline and not links:
        links = [a.get_attribute("href") for a in browser.find_elements("css selector", ".pagefind-ui__result-link")]
        time.sleep(0.1)
    assert server.url("ja/partnerships/surabaya-kochi/") in links
    assert browser.find_element("id", "search-unavailable").is_displayed() is False
    placeholder = browser.find_element("css selector", ".pagefind-ui__search-input").get_attribute("placeholder")
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", placeholder), f"the UI is not in Japanese: {placeholder}"


def test_without_an_index_the_search_page_says_so(fixture_site, served, browser, tmp_path):
    """The dev server (and build --no-search) write no index: the page explains instead of failing."""
    out = build(fixture_site.content, tmp_path / "site", "--no-search").out
    assert not (out / "pagefind").exists()
    browser.get(served(out).url("id/search/"))
    deadline = time.monotonic() + 10
    notice = browser.find_element("id", "search-unavailable")
    while time.monotonic() < deadline and not notice.is_displayed():
        time.sleep(0.1)
    assert notice.is_displayed()
    assert "Pencarian belum siap" in notice.text
    assert notice.find_element("tag name", "a").get_attribute("href") == served(out).url("id/partnerships/")


def test_without_javascript_the_search_page_links_to_the_directory(built):
    for lang in built.site.config.languages:
        html = (built.out / lang / "search" / "index.html").read_text(encoding="utf-8")
        noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S).group(1)
        assert f'href="/kota-kembar/{lang}/partnerships/"' in noscript
        assert '<div id="search" class="search" data-bundle="/kota-kembar/pagefind/" data-base="/kota-kembar/"></div>' in html


def test_check_does_not_run_pagefind(fixture_site, monkeypatch, capsys):
    def refuse(folder, languages):
        raise AssertionError("check ran the search indexer")
    monkeypatch.setattr(search, "index_site", refuse)
    assert main(["check", "--content", str(fixture_site.content)]) == 0
    assert "ok" in capsys.readouterr().out


def test_a_failed_index_leaves_the_previous_site_untouched(fixture_site, monkeypatch, tmp_path):
    out = build(fixture_site.content, tmp_path / "site", "--no-search").out
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(search, "executable", lambda: "/bin/false")  # Pagefind exits 1
    assert main(["build", "--content", str(fixture_site.content), "--out", str(out), "--base-url", BASE_URL]) == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != ".cache"]  # .cache: the warm-build record
    assert leftovers == ["site"], "a temporary folder was left behind"


def test_the_build_with_its_search_index_is_byte_for_byte_deterministic(fixture_site, tmp_path):
    again = build(fixture_site.content, tmp_path / "again").out
    files = sorted(p.relative_to(fixture_site.out) for p in fixture_site.out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert [f for f in files if (fixture_site.out / f).read_bytes() != (again / f).read_bytes()] == []
    assert any(f.parts[:2] == ("pagefind", "filter") for f in files)
