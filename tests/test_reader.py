"""The reader's experience: the directory's filters, the step indicator, the maps, phones
(360 px, no JavaScript, no external requests), size budgets, dark mode and print."""
from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kembar import pipeline, views
from kembar.load import load
from kembar.validate import validate
from reader_site import BASE_PATH, BASE_URL, LANGS, ROOT, write_content

PAGE_TYPES = [
    "", "{lang}/", "{lang}/partnerships/", "{lang}/partnerships/badung-fujisawa/",
    "{lang}/partnerships/bali-kumamoto/", "{lang}/places/badung/", "{lang}/places/cambodia/",
    "{lang}/sectors/tourism/", "{lang}/status/active/", "{lang}/types/sister-city/",
    "{lang}/countries/jp/", "{lang}/explainers/", "{lang}/explainers/what-is-a-sister-city/",
    "{lang}/search/", "{lang}/data/", "{lang}/translations/", "{lang}/statistics/", "404.html",
]
SVG = "{http://www.w3.org/2000/svg}"
JS_BUDGET = 10 * 1024  # bytes, our own JavaScript, uncompressed
PARTNERSHIP_BUDGET = 30 * 1024  # bytes, a partnership page's HTML + CSS, gzip-compressed


def existing(site, lang):
    """The page types of PAGE_TYPES this build makes (search, data and translations come
    from other stages of the build)."""
    paths = [p.format(lang=lang) for p in PAGE_TYPES]
    return [p for p in paths if (site.out / (p + "index.html" if p.endswith("/") or not p else p)).is_file()]


# -- the directory's filters --------------------------------------------------------------

def visible_cards(d):
    return d.execute_script(
        "return [...document.querySelectorAll('#results > li')].filter(li => !li.hidden && li.offsetParent !== null)"
        ".map(li => li.querySelector('.card-title a').getAttribute('href').split('/').slice(-2, -1)[0])")


def query(d):
    return {k: v[0] for k, v in parse_qs(urlsplit(d.current_url).query).items()}


def test_filters_narrow_the_list_announce_the_count_and_keep_the_url(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("en/partnerships/"))
    form = d.find_element(By.CSS_SELECTOR, "form[data-filters]")
    assert form.is_displayed()
    assert not d.find_element(By.CSS_SELECTOR, "details[data-browse]").is_displayed()
    count = d.find_element(By.ID, "result-count")
    assert count.get_attribute("aria-live") == "polite"
    assert count.text == "8 partnerships"
    everything = visible_cards(d)
    assert len(everything) == 8

    Select(d.find_element(By.ID, "filter-sector")).select_by_value("tourism")
    assert sorted(visible_cards(d)) == ["badung-fujisawa", "bali-kumamoto", "yogyakarta-kyoto"]
    assert count.text == "Showing 3 of 8 partnerships"
    assert query(d) == {"sector": "tourism"}

    Select(d.find_element(By.ID, "filter-status")).select_by_value("active")
    assert visible_cards(d) == ["yogyakarta-kyoto"]
    assert query(d) == {"sector": "tourism", "status": "active"}

    Select(d.find_element(By.ID, "filter-country")).select_by_value("de")
    assert visible_cards(d) == []
    assert count.text == "Showing 0 of 8 partnerships"
    assert d.find_element(By.CSS_SELECTOR, "[data-empty]").is_displayed()

    d.find_element(By.CSS_SELECTOR, "form[data-filters] button[type=reset]").click()
    # The script applies a reset on the next tick (the form clears its fields first).
    WebDriverWait(d, 10).until(lambda d: len(visible_cards(d)) == 8)
    assert count.text == "8 partnerships"
    assert query(d) == {}
    assert not d.find_element(By.CSS_SELECTOR, "[data-empty]").is_displayed()


def test_a_shared_url_restores_the_filters_and_the_order(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("ja/partnerships/?province=bali&sort=newest"))
    assert Select(d.find_element(By.ID, "filter-province")).first_selected_option.get_attribute("value") == "bali"
    assert Select(d.find_element(By.ID, "filter-sort")).first_selected_option.get_attribute("value") == "newest"
    # Badung lies in Bali; Bali Province is a party itself. Newest as-of date first.
    assert visible_cards(d) == ["badung-fujisawa", "bali-kumamoto"]
    assert d.find_element(By.ID, "result-count").text == "全8件のうち2件の提携を表示しています"

    # A province without a page of its own is a filter all the same (JavaScript only).
    d.get(reader_site.url("en/partnerships/?province=sulawesi-selatan&type=thematic-cooperation"))
    assert visible_cards(d) == ["makassar-yokohama"]
    # Values the page does not offer are ignored rather than hiding everything.
    d.get(reader_site.url("en/partnerships/?sector=nonsense&country=jp"))
    assert Select(d.find_element(By.ID, "filter-sector")).first_selected_option.get_attribute("value") == ""
    assert sorted(visible_cards(d)) == ["badung-fujisawa", "bali-kumamoto", "bandung-yokohama", "makassar-yokohama",
                                        "yogyakarta-kyoto"]


def test_on_a_phone_the_list_comes_first_unless_a_filter_is_on(reader_site, reader_browser):
    browser = reader_browser.set(width=360, js=True)
    try:
        d = browser.get(reader_site.url("en/partnerships/"))
        panel = d.find_element(By.CSS_SELECTOR, "[data-filter-panel]")
        assert panel.get_attribute("open") is None
        assert not d.find_element(By.ID, "filter-sector").is_displayed()
        d.find_element(By.CSS_SELECTOR, "[data-filter-panel] summary").click()
        assert d.find_element(By.ID, "filter-sector").is_displayed()
        d = browser.get(reader_site.url("en/partnerships/?status=active"))
        assert d.find_element(By.CSS_SELECTOR, "[data-filter-panel]").get_attribute("open") == "true"
        assert sorted(visible_cards(d)) == ["bandung-braunschweig", "yogyakarta-kyoto"]
    finally:
        browser.set(width=1280)


def test_sorting_by_name_and_by_date(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("en/partnerships/"))
    titles = lambda: d.execute_script(  # noqa: E731
        "return [...document.querySelectorAll('#results .card-title')].map(h => h.textContent.trim())")
    assert titles() == sorted(titles(), key=str.casefold)
    Select(d.find_element(By.ID, "filter-sort")).select_by_value("oldest")
    assert visible_cards(d)[0] == "bandung-braunschweig"  # 1960
    assert query(d) == {"sort": "oldest"}
    Select(d.find_element(By.ID, "filter-sort")).select_by_value("newest")
    assert visible_cards(d)[:2] == ["badung-fujisawa", "jawa-barat-south-australia"]  # 2025-06-12, 2024-03
    Select(d.find_element(By.ID, "filter-sort")).select_by_value("name")
    assert query(d) == {}


def test_without_javascript_the_filters_are_links_to_the_term_pages(reader_site):
    html = reader_site.page("en/partnerships/")
    browse = re.search(r'<details class="browse" data-browse>(.*?)</details>', html, re.S).group(1)
    for href in ("/kota-kembar/en/sectors/tourism/", "/kota-kembar/en/status/active/",
                 "/kota-kembar/en/types/sister-city/", "/kota-kembar/en/countries/jp/",
                 "/kota-kembar/en/provinces/bali/", "/kota-kembar/en/provinces/jawa-barat/",
                 "/kota-kembar/en/provinces/yogyakarta/"):
        assert f'href="{href}"' in browse, href
    # Every province the filter offers has a page, also one that is only a region's name.
    options = re.findall(r'<option value="([^"]+)"', re.search(r'<select id="filter-province".*?</select>', html, re.S).group(0))
    assert sorted(options) == ["bali", "jawa-barat", "jawa-tengah", "sulawesi-selatan", "yogyakarta"]
    for key in options:
        assert f'href="/kota-kembar/en/provinces/{key}/"' in browse, key
    assert '<option value="sulawesi-selatan">South Sulawesi</option>' in html
    # A label that falls back to Indonesian says so, in the options and in the links.
    assert '<option value="msme" lang="id">UMKM</option>' in html
    assert '<a class="tag" href="/kota-kembar/en/sectors/msme/"><span lang="id">UMKM</span> (1)</a>' in browse
    assert re.search(r'<form class="filters" data-filters hidden', html)
    # Every card carries what the filters need.
    assert ('data-sectors="culture arts heritage tourism education labour vocational-training labour-placement msme '
            'infrastructure environment waste transport" data-status="loi-signed" data-type="sister-city" '
            'data-country="jp" data-province="bali" data-asof="2025-06-12"') in html


def open_data(site) -> list[dict]:
    return json.loads((site.out / "data" / "partnerships.json").read_text(encoding="utf-8"))["partnerships"]


def stale_in_open_data(site) -> set[str]:
    return {p["slug"] for p in open_data(site) if p["stale"]}


def test_the_freshness_filter_with_javascript(reader_site, reader_browser):
    """The select keeps the statuses confirmed within the threshold, or the others (issue 19)."""
    stale = stale_in_open_data(reader_site)
    everything = {p["slug"] for p in open_data(reader_site)}
    assert stale and stale < everything  # the fixture's dates fall on both sides of the cutoff
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("en/partnerships/"))
    select = Select(d.find_element(By.ID, "filter-fresh"))
    assert [o.text for o in select.options] == ["At any time", "In the last 5 years", "Not in the last 5 years"]
    select.select_by_value("stale")
    assert set(visible_cards(d)) == stale
    assert query(d) == {"fresh": "stale"}
    assert d.find_element(By.ID, "result-count").text == f"Showing {len(stale)} of {len(everything)} partnerships"
    select.select_by_value("fresh")
    assert set(visible_cards(d)) == everything - stale
    # Shared, and combined with another filter.
    d.get(reader_site.url("ja/partnerships/?fresh=stale&country=jp"))
    shown = set(visible_cards(d))
    assert shown and shown <= stale
    assert all("以降は未確認" in d.find_element(By.CSS_SELECTOR, f'#results a[href$="/{slug}/"]')
               .find_element(By.XPATH, "ancestor::li").text for slug in shown)


def test_the_freshness_filter_without_javascript(reader_site, reader_browser):
    """The panel of links leads to a list of the stale statuses and one of the others."""
    stale = stale_in_open_data(reader_site)
    browser = reader_browser.set(width=1280, js=False)
    try:
        d = browser.get(reader_site.url("en/partnerships/"))
        assert not d.find_element(By.CSS_SELECTOR, "form[data-filters]").is_displayed()
        d.find_element(By.CSS_SELECTOR, "details[data-browse] summary").click()
        d.find_element(By.LINK_TEXT, f"Not in the last 5 years ({len(stale)})").click()
        assert d.current_url.endswith("/en/freshness/unconfirmed/")
        listed = {a.get_attribute("href").split("/")[-2] for a in d.find_elements(By.CSS_SELECTOR, ".card-title a")}
        assert listed == stale
        d.find_element(By.LINK_TEXT, "See the statuses confirmed recently").click()
        listed = {a.get_attribute("href").split("/")[-2] for a in d.find_elements(By.CSS_SELECTOR, ".card-title a")}
        assert listed and not listed & stale
    finally:
        browser.set(js=True)


# -- the partnership page -----------------------------------------------------------------

def steps(html):
    ol = re.search(r'<ol class="steps"[^>]*>(.*?)</ol>', html, re.S).group(1)
    return [(m.group(1), bool(m.group(2)), re.sub(r"<[^>]+>", "", m.group(3)).split())
            for m in re.finditer(r'<li class="step step-(\w+)"( aria-current="step")?>(.*?)</li>', ol, re.S)]


def test_step_indicator_of_a_partnership_in_progress(reader_site):
    shown = steps(reader_site.page("en/partnerships/badung-fujisawa/"))
    assert [(state, current) for state, current, _ in shown] == [
        ("done", False), ("current", True), ("todo", False), ("todo", False), ("todo", False)]
    assert " ".join(shown[0][2]) == "Exploring (completed) October 2024"
    assert " ".join(shown[1][2]) == "Letter of intent signed (current stage) June 12, 2025"
    assert " ".join(shown[2][2]) == "Under approval (not reached)"
    ja = steps(reader_site.page("ja/partnerships/badung-fujisawa/"))
    assert " ".join(ja[1][2]) == "意向書締結 (現在の段階) 2025年6月12日"


def test_step_indicator_of_an_expired_partnership_shows_the_stage_reached_and_the_end(reader_site):
    shown = steps(reader_site.page("en/partnerships/bali-kumamoto/"))
    assert [(state, current) for state, current, _ in shown] == [
        ("done", False), ("done", False), ("done", False), ("done", False), ("todo", False), ("end", True)]
    assert " ".join(shown[3][2]) == "MoU signed (completed) February 8, 2016"
    assert " ".join(shown[5][2]) == "Expired (current stage) February 8, 2021"
    ended = steps(reader_site.page("id/partnerships/bandung-yokohama/"))
    assert [s for s, _, _ in ended] == ["done", "todo", "todo", "todo", "todo", "end"]
    assert " ".join(ended[5][2]) == "Diakhiri (tahap saat ini) 2012"


def test_partnership_page_parts(reader_site):
    html = reader_site.page("en/partnerships/badung-fujisawa/")
    assert '<a href="/kota-kembar/en/places/badung/">Badung Regency</a> (Bali, Indonesia)' in html
    assert '<a href="/kota-kembar/en/places/fujisawa/">Fujisawa City</a> (Japan)' in html
    assert '<a href="/kota-kembar/en/types/sister-city/">Sister city</a>' in html
    assert '<a class="tag" href="/kota-kembar/en/sectors/waste/"' in html
    assert 'class="notice notice-caution" role="note"' in html
    # The narrative's ## headings sit under the page's "Background" h2.
    assert '<h2 id="background">Background</h2>' in html and "<h3" in html.split('id="background"')[1]
    sources = re.search(r'<ol class="sources">(.*?)</ol>', html, re.S).group(1)
    assert 'ANTARA Bali · October 2024' in sources and sources.count("<li>") == 3
    ja = reader_site.page("ja/partnerships/badung-fujisawa/")
    assert '<a href="/kota-kembar/ja/places/badung/">バドゥン県</a>（インドネシア・バリ州）' in ja
    assert "2025年6月12日時点" in ja and "ANTARA Bali · 2024年10月" in ja


# -- maps -------------------------------------------------------------------------------------

def svg_of(html):
    return ET.fromstring(re.search(r"<svg[^>]*class=\"wm\".*?</svg>", html, re.S).group(0))


def test_home_map_links_every_located_partnership_with_a_localized_name(reader_site):
    for lang, label in (("en", "Badung Regency – Fujisawa City: Letter of intent signed"),
                        ("ja", "バドゥン県 – 藤沢市：意向書締結"),  # full-width colon in Japanese
                        ("id", "Kabupaten Badung – Kota Fujisawa: Pernyataan Kehendak (LoI) ditandatangani")):
        html = reader_site.page(f"{lang}/")
        svg = svg_of(html)
        links = {a.get("aria-label"): a.get("href") for a in svg.iter(f"{SVG}a")}
        assert links[label] == f"/kota-kembar/{lang}/partnerships/badung-fujisawa/"
        lines = [a for a in svg.iter(f"{SVG}a") if "/partnerships/" in a.get("href")]
        assert len(lines) == 7  # Cambodia has no location: its partnership is in the table only
        table = re.search(r'<details class="map-table">(.*?)</details>', html, re.S).group(1)
        assert table.count("<tr>") == 1 + 8
    legend = re.search(r'<ul class="legend"[^>]*>(.*?)</ul>', reader_site.page("en/"), re.S).group(1)
    # The key names every status drawn, next to a sample of its line (colour and dashes);
    # no partnership is at "exploring" now, so the key leaves it out.
    assert "Exploring" not in legend
    for key, label in (("loi-signed", "Letter of intent signed"),
                       ("in-approval", "Under approval"), ("mou-signed", "MoU signed"), ("active", "Active"),
                       ("expired", "Expired"), ("dormant", "Dormant"), ("ended", "Ended")):
        assert re.search(rf'<path class="wm-line status-{key}"[^>]*/></svg> {label}</li>', legend), key


def test_place_and_partnership_pages_map_their_own_partnerships(reader_site):
    html = reader_site.page("en/places/bandung/")
    svg = svg_of(html)
    lines = sorted(a.get("href") for a in svg.iter(f"{SVG}a") if "/partnerships/" in a.get("href"))
    assert lines == ["/kota-kembar/en/partnerships/bandung-braunschweig/", "/kota-kembar/en/partnerships/bandung-yokohama/"]
    assert svg.find(f".//{SVG}circle[@class='wm-dot wm-here']") is not None
    assert "</svg> This place</li>" in html
    page = reader_site.page("ja/partnerships/yogyakarta-kyoto/")
    names = [a.get("aria-label") for a in svg_of(page).iter(f"{SVG}a")]
    assert "ジョクジャカルタ特別州 – 京都府：提携中" in names
    assert "京都府（日本）" in names
    assert svg_of(page).find(f"{SVG}title").text == "ジョクジャカルタ特別州 – 京都府の地図"


def test_the_map_styles_come_with_the_one_stylesheet(reader_site):
    html = reader_site.page("en/partnerships/badung-fujisawa/")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(sheets) == 1 and sheets[0].startswith("/kota-kembar/static/site.css?v=")
    css = (reader_site.out / "static" / "site.css").read_text(encoding="utf-8")
    assert ".wm-line" in css and ".status-expired" in css
    assert not (reader_site.out / "static" / "map.css").exists()


# -- phones, slow networks, no JavaScript -----------------------------------------------------

def test_nothing_scrolls_sideways_at_360_pixels(reader_site, reader_bundled, reader_browser):
    """Every page type of the fixture site, and the busiest pages of the bundled content,
    with every <details> (the map tables, the browse panel) open."""
    bundled = [f"{lang}/{path}" for lang in LANGS for path in (
        "", "partnerships/", "partnerships/badung-fujisawa/", "partnerships/banda-aceh-higashimatsushima/",
        "places/bandung/", "sectors/culture/", "explainers/how-partnerships-form/", "statistics/")]
    browser = reader_browser.set(width=360, js=True)
    wide = []
    try:
        for site, paths in ((reader_site, [p for lang in LANGS for p in existing(reader_site, lang)]),
                            (reader_bundled, [p for p in bundled if (reader_bundled.out / p / "index.html").is_file()])):
            for path in paths:
                d = browser.get(site.url(path))
                d.execute_script("document.querySelectorAll('details').forEach(e => e.open = true)")
                width = d.execute_script("return document.documentElement.scrollWidth")
                if width > 360:
                    wide.append((site.url(path), width))
    finally:
        browser.set(width=1280)
    assert wide == []


class Refs(HTMLParser):
    """Every URL a page would fetch by itself: link, script, img, source, iframe, and the
    SVG <use> of a map's shared outlines."""

    def __init__(self):
        super().__init__()
        self.fetched = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") not in ("canonical", "alternate"):
            self.fetched.append(a.get("href"))
        elif tag in ("script", "img", "iframe", "source", "audio", "video") and a.get("src"):
            self.fetched.append(a["src"])
        elif tag in ("use", "image") and a.get("href"):
            self.fetched.append(a["href"])
        elif tag == "link":  # canonical and alternates name the site's own address
            assert a["href"].startswith((BASE_URL, BASE_PATH)), a


def test_no_page_fetches_anything_from_elsewhere(reader_site):
    for file in reader_site.out.rglob("*.html"):
        if "pagefind" in file.parts:
            continue
        refs = Refs()
        refs.feed(file.read_text(encoding="utf-8"))
        for url in refs.fetched:
            assert url and url.startswith(BASE_PATH) and "//" not in url, (file, url)
    css = (reader_site.out / "static" / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and not re.search(r"url\((?!['\"]?data:)", css)


def test_in_the_browser_every_request_stays_on_the_site(reader_site, reader_browser):
    browser = reader_browser.set(width=1280, js=True)
    for path in existing(reader_site, "ja"):
        d = browser.get(reader_site.url(path))
        fetched = d.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        # data: URLs (Pagefind's stylesheet draws its icons with them) never leave the page
        assert all(url.startswith((reader_site.origin + BASE_PATH, "data:")) for url in fetched), (path, fetched)


def test_main_content_is_there_without_javascript(reader_site, reader_browser):
    browser = reader_browser.set(width=360, js=False)
    try:
        for lang in LANGS:
            for path in existing(reader_site, lang):
                if path.endswith("search/"):
                    continue  # search is the one page that needs JavaScript; it says so in a <noscript>
                d = browser.get(reader_site.url(path))
                main = d.find_element(By.TAG_NAME, "main")
                assert main.find_element(By.TAG_NAME, "h1").is_displayed(), path
                assert len(main.text) > 40, path
        d = browser.get(reader_site.url("en/partnerships/"))
        assert len(visible_cards(d)) == 8
        assert d.find_element(By.ID, "result-count").text == "8 partnerships"
        assert not d.find_element(By.CSS_SELECTOR, "form[data-filters]").is_displayed()
        d.find_element(By.CSS_SELECTOR, "details[data-browse] summary").click()
        assert d.find_element(By.LINK_TEXT, "Tourism (3)").is_displayed()
        d = browser.get(reader_site.url("en/partnerships/bali-kumamoto/"))
        for selector in (".steps", ".map svg", ".timeline", ".sources", ".facts"):
            assert d.find_element(By.CSS_SELECTOR, selector).is_displayed(), selector
    finally:
        browser.set(width=1280, js=True)


def test_our_javascript_is_small_deferred_and_only_where_needed(reader_site):
    """Our own scripts: each under the budget, loaded with defer, on the directory only
    (and small inline ones elsewhere, e.g. the 404 page's); search loads Pagefind's UI."""
    scripts = sorted((ROOT / "templates" / "static").glob("*.js"))
    assert scripts
    for script in scripts:
        assert script.stat().st_size < JS_BUDGET, script
    for lang in LANGS:
        for path in existing(reader_site, lang):
            if path.endswith("search/"):
                continue
            html = reader_site.page(path)
            external = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html)
            inline = "".join(re.findall(r"<script>(.*?)</script>", html, re.S))
            if path.endswith("/partnerships/"):
                assert len(external) == 1 and re.fullmatch(r'<script src="[^"]*/directory\.js\?v=\w+" defer>', external[0])
            else:
                assert external == [], path
            assert len(inline.encode()) < JS_BUDGET, path


def test_a_partnership_page_is_under_30_kb_compressed(reader_site):
    """HTML + CSS of every partnership page, gzip-compressed, in the fixture site and in the
    bundled content (built in memory)."""
    css = gzip.compress((reader_site.out / "static" / "site.css").read_bytes(), 9)
    for page in reader_site.out.glob("*/partnerships/*/index.html"):
        total = len(gzip.compress(page.read_bytes(), 9)) + len(css)
        assert total < PARTNERSHIP_BUDGET, (page, total)
    _, outputs, errors = pipeline.in_memory(ROOT / "content", base_url=BASE_URL)
    assert errors == []
    css = len(gzip.compress(outputs["static/site.css"], 9))
    largest = max((len(gzip.compress(data, 9)), name) for name, data in outputs.items()
                  if re.fullmatch(r"[a-z]+/partnerships/[^/]+/index\.html", name))
    assert largest[0] + css < PARTNERSHIP_BUDGET, largest


# -- fonts, dark mode, print ------------------------------------------------------------------

def test_japanese_pages_use_a_japanese_font(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("ja/partnerships/badung-fujisawa/"))
    family = d.execute_script("return getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Hiragino Sans"') and "Noto Sans CJK JP" in family
    d.get(reader_site.url("en/"))
    family = d.execute_script("return getComputedStyle(document.body).fontFamily")
    assert family.startswith("system-ui")


def test_dark_mode_follows_the_system_setting(reader_site, reader_browser):
    colours = {}
    for dark in (False, True):
        d = reader_browser.set(width=1280, dark=dark, js=True).get(reader_site.url("en/partnerships/bali-kumamoto/"))
        colours[dark] = d.execute_script(
            "return [getComputedStyle(document.body).backgroundColor, getComputedStyle(document.querySelector('.wm')).backgroundColor]")
    reader_browser.set(dark=False)
    assert colours[False][0] == "rgb(255, 255, 255)" and colours[True][0] == "rgb(18, 20, 23)"
    assert colours[False][1] != colours[True][1]  # the map has its own dark colours (map.css)


def test_print_shows_no_navigation_and_the_source_addresses(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("en/partnerships/badung-fujisawa/"))
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = d.execute_script("""
            const seen = s => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display !== 'none'; };
            return {nav: seen('.main-nav'), lang: seen('.lang-switch'), footer: seen('.site-footer'),
                    crumbs: seen('.breadcrumbs'), table: seen('.map-table'), h1: seen('h1'), steps: seen('.steps'),
                    after: getComputedStyle(document.querySelector('.sources a'), '::after').content};
        """)
    finally:
        d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        reader_browser.dark = None
        reader_browser.set(dark=False)
    assert shown["h1"] and shown["steps"]
    assert not any(shown[k] for k in ("nav", "lang", "footer", "crumbs", "table"))
    assert "https://bali.antaranews.com/berita/359749/" in shown["after"]


# -- the province facet (kembar/views.py) ------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_model(tmp_path_factory):
    docs, errors = load(write_content(tmp_path_factory.mktemp("reader-model") / "content"))
    site, more = validate(docs)
    assert errors + more == []
    return site


@pytest.mark.parametrize("slug, key, place", [
    ("badung-fujisawa", "bali", "bali"),  # region "Bali" is the place "Provinsi Bali"
    ("bali-kumamoto", "bali", "bali"),  # a province is its own province
    ("bandung-braunschweig", "jawa-barat", "jawa-barat"),  # "Jawa Barat" = "Provinsi Jawa Barat"
    ("jawa-barat-south-australia", "jawa-barat", "jawa-barat"),
    ("yogyakarta-kyoto", "yogyakarta", "yogyakarta"),  # a special region counts as a province
    ("makassar-yokohama", "sulawesi-selatan", None),  # no page for South Sulawesi
    ("jepara-cambodia", "jawa-tengah", None),
])
def test_the_province_of_a_partnership(fixture_model, slug, key, place):
    province = views.province_index(fixture_model)[slug]
    assert (province.key, province.place) == (key, place)


def test_provinces_lists_each_once(fixture_model):
    assert list(views.provinces(views.province_index(fixture_model))) == ["bali", "jawa-barat", "jawa-tengah", "sulawesi-selatan", "yogyakarta"]
