"""What a newcomer hit (issue 17, items 3 to 5): hub pages and a page per province, a
language switch that keeps the query, one name order for the server and the script,
"Suggest a correction", names that carry their own disambiguation, Japanese punctuation,
the map on a phone and Japanese search excerpts."""
from __future__ import annotations

import re
import textwrap
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from kembar import github, views, worldmap
from reader_site import LANGS
from test_validate import check

SVG = "{http://www.w3.org/2000/svg}"
SITE_YAML = textwrap.dedent("""\
    title: {id: Kota Kembar Uji, en: Test Sister Cities, ja: テスト姉妹都市}
    description: {id: Situs uji., en: A test site., ja: テスト用のサイトです。}
    languages: [id, en, ja]
    base_url: https://example.github.io/kota-kembar/
    """)
HUBS = ("places/", "provinces/", "countries/", "sectors/", "status/", "types/")


def crumbs(html):
    nav = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)">', nav)


def cards(html):
    return re.findall(r'<h\d class="card-title"><a href="/kota-kembar/\w+/partnerships/([^/]+)/"', html)


# -- 3. hubs, provinces, the language switch, the order -----------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_hub_exists_is_linked_from_the_directory_and_is_in_the_sitemap(reader_site, lang):
    directory = reader_site.page(f"{lang}/partnerships/")
    sitemap = (reader_site.out / "sitemap.xml").read_text(encoding="utf-8")
    for hub in HUBS:
        assert (reader_site.out / lang / hub / "index.html").is_file(), hub
        assert f'href="/kota-kembar/{lang}/{hub}"' in directory, hub
        assert f"<loc>https://example.github.io/kota-kembar/{lang}/{hub}</loc>" in sitemap, hub


def test_a_term_hub_gives_each_term_its_label_definition_and_count(reader_site):
    html = reader_site.page("en/sectors/")
    hub = re.search(r'<dl class="hub">(.*?)</dl>', html, re.S).group(1)
    assert ('<dt><a href="/kota-kembar/en/sectors/tourism/">Tourism</a> (3 partnerships)</dt>\n'
            '  <dd>Definition of Tourism.</dd>') in hub
    assert hub.count("<dt>") == 15  # every sector of the vocabulary, also one no partnership names
    labels = re.findall(r"<dt><a [^>]+>(?:<span[^>]*>)?([^<]+)", hub)
    assert labels == sorted(labels, key=str.casefold)  # sectors by label; statuses keep the lifecycle
    statuses = re.findall(r'<dt><a href="/kota-kembar/ja/status/([^/]+)/"', reader_site.page("ja/status/"))
    assert statuses[:3] == ["exploring", "loi-signed", "in-approval"]
    assert "</a>（1件の提携）</dt>" in reader_site.page("ja/types/")  # full-width brackets, no space, in Japanese


def test_the_places_hub_groups_indonesia_by_province_and_the_rest_by_country(reader_site):
    html = reader_site.page("en/places/")
    headings = re.findall(r"<h([23])>(?:<a [^>]*>)?([^<]+)", html)
    assert headings == [
        ("2", "In Indonesia"), ("3", "Bali Province"), ("3", "Central Java"), ("3", "South Sulawesi"),
        ("3", "Special Region of Yogyakarta"), ("3", "West Java Province"),
        ("2", "Abroad"), ("3", "Australia"), ("3", "Cambodia"), ("3", "Germany"), ("3", "Japan")]
    bali = re.search(r"Bali Province</a></h3>\s*<ul[^>]*>(.*?)</ul>", html, re.S).group(1)
    assert re.findall(r"places/([^/]+)/", bali) == ["badung", "bali"]
    assert '<a href="/kota-kembar/en/provinces/sulawesi-selatan/">South Sulawesi</a>' in html
    japan = re.search(r"Japan</a></h3>\s*<ul[^>]*>(.*?)</ul>", html, re.S).group(1)
    assert re.findall(r"places/([^/]+)/", japan) == ["fujisawa", "kumamoto", "kyoto", "yokohama"]


def test_every_province_the_filter_offers_has_a_page_that_needs_no_javascript(reader_site):
    html = reader_site.page("en/partnerships/")
    offered = re.findall(r'<option value="([^"]+)"', re.search(r'<select id="filter-province".*?</select>', html, re.S).group(0))
    counts = dict(re.findall(r'href="/kota-kembar/en/provinces/([^/]+)/">[^<]*\((\d+)\)</a>', html))
    assert sorted(counts) == sorted(offered) and sum(map(int, counts.values())) == 8  # every partnership
    for key in offered:
        page = reader_site.page(f"en/provinces/{key}/")
        assert len(cards(page)) == int(counts[key]), key
    # A province that is only a region's name (no place page): its partnerships, its places.
    page = reader_site.page("en/provinces/sulawesi-selatan/")
    assert "<h1>South Sulawesi</h1>" in page and cards(page) == ["makassar-yokohama"]
    assert 'href="/kota-kembar/en/places/makassar/"' in page
    # Bali's page lists Badung's partnership as well as the province's own.
    assert sorted(cards(reader_site.page("en/provinces/bali/"))) == ["badung-fujisawa", "bali-kumamoto"]


def test_breadcrumbs_lead_to_the_hubs(reader_site):
    for path, hub in (("en/sectors/tourism/", "sectors/"), ("en/status/active/", "status/"),
                      ("en/types/friendship/", "types/"), ("en/countries/jp/", "countries/"),
                      ("en/places/badung/", "places/"), ("en/provinces/bali/", "provinces/")):
        assert crumbs(reader_site.page(path))[-1] == f"/kota-kembar/en/{hub}", path


def test_the_language_switch_keeps_the_query_and_the_fragment(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("en/partnerships/?sector=education&country=au#results"))
    d.find_element(By.CSS_SELECTOR, '.lang-switch a[hreflang="id"]').click()
    WebDriverWait(d, 10).until(lambda d: "/id/partnerships/" in d.current_url)
    parts = urlsplit(d.current_url)
    assert parts.path == "/kota-kembar/id/partnerships/"
    assert parse_qs(parts.query) == {"sector": ["education"], "country": ["au"]} and parts.fragment == "results"
    assert Select(d.find_element(By.ID, "filter-sector")).first_selected_option.get_attribute("value") == "education"
    assert [li.get_attribute("data-sort") is not None for li in d.find_elements(By.CSS_SELECTOR, "#results > li")]
    visible = d.execute_script("return [...document.querySelectorAll('#results > li')].filter(li => !li.hidden).length")
    assert visible == 1  # West Java - South Australia
    # A filter chosen on the page (the script rewrites the URL) goes along too.
    Select(d.find_element(By.ID, "filter-sector")).select_by_value("trade")
    d.find_element(By.CSS_SELECTOR, '.lang-switch a[hreflang="ja"]').click()
    WebDriverWait(d, 10).until(lambda d: "/ja/partnerships/" in d.current_url)
    assert parse_qs(urlsplit(d.current_url).query) == {"sector": ["trade"], "country": ["au"]}
    # Without JavaScript the switch is a plain link to the same page.
    html = reader_site.page("en/partnerships/")
    assert '<a href="/kota-kembar/id/partnerships/" lang="id" hreflang="id">' in html


@pytest.mark.parametrize("lang", LANGS)
def test_the_server_lists_in_the_order_the_script_sorts(reader_site, reader_browser, lang):
    served = cards(reader_site.page(f"{lang}/partnerships/"))
    d = reader_browser.set(width=1280, js=True).get(reader_site.url(f"{lang}/partnerships/?sort=newest"))
    Select(d.find_element(By.ID, "filter-sort")).select_by_value("name")  # the script sorts by name again
    sorted_by_script = d.execute_script(
        "return [...document.querySelectorAll('#results > li')].map(li => li.querySelector('.card-title a')"
        ".getAttribute('href').split('/').slice(-2, -1)[0])")
    assert sorted_by_script == served


def test_japanese_names_sort_in_gojuon_order_by_their_reading(reader_site):
    # 西ジャワ州 has the reading にしじゃわしゅう: among the な names, not after every kana name
    # as its kanji's code point would put it. "Kabupaten Jepara" has no Japanese name: Latin first.
    assert cards(reader_site.page("ja/partnerships/")) == [
        "jepara-cambodia", "yogyakarta-kyoto", "jawa-barat-south-australia", "badung-fujisawa", "bali-kumamoto",
        "bandung-braunschweig", "bandung-yokohama", "makassar-yokohama"]


def test_sort_keys():
    key = views.sort_key
    assert sorted(["東松島市", "バンダ・アチェ市", "まのまち", "アペルドールン"], key=lambda n: key(n, "ja")) == [
        "アペルドールン", "バンダ・アチェ市", "まのまち", "東松島市"]
    assert key("ガーナ", "ja") < key("カナダ", "ja") < key("ガボン", "ja")  # ー is the vowel it lengthens; voicing breaks ties only
    assert key("Ōsaka", "en") == key("osaka", "en")
    assert key("Bali", "id") + views.SORT_SEPARATOR < key("Bali Utara", "id")


def test_a_reading_must_be_kana(make_site):
    content = make_site({"content/places/fujisawa.yaml": """\
        names: {id: Kota Fujisawa, en: Fujisawa City, ja: 藤沢市}
        reading: {ja: 藤沢, de: Fujisawa}
        kind: city
        country: JP
        """})
    _, errors = check(content)
    assert any(e.endswith("the 'ja' reading must be written in kana (hiragana or katakana), not '藤沢'") for e in errors), errors
    assert any("unknown key 'de' in reading" in e for e in errors), errors
    site, errors = check(make_site({"content/places/fujisawa.yaml": """\
        names: {id: Kota Fujisawa, en: Fujisawa City, ja: 藤沢市}
        reading: {ja: ふじさわし}
        kind: city
        country: JP
        """}))
    assert errors == [] and site.places["fujisawa"].reading == {"ja": "ふじさわし"}


# -- 4. suggest a correction ---------------------------------------------------------------

@pytest.mark.parametrize("path, file", [
    ("en/partnerships/badung-fujisawa/", "partnerships/badung-fujisawa.yaml"),
    ("ja/places/badung/", "places/badung.yaml"),
    ("id/explainers/what-is-a-sister-city/", "explainers/what-is-a-sister-city.id.md"),
    ("ja/explainers/what-is-a-sister-city/", "explainers/what-is-a-sister-city.id.md"),  # the version shown
])
def test_record_pages_link_to_their_file_and_to_a_prefilled_issue(reader_site, path, file):
    html = reader_site.page(path)
    box = re.search(r'<aside class="correction" id="correction".*?</aside>', html, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)"', box)
    assert f"https://github.com/example/kota-kembar/edit/main/content/{file}" in links
    issue = next(u for u in links if "/issues/new?" in u)
    query = parse_qs(urlsplit(issue.replace("&amp;", "&")).query)
    assert f"https://example.github.io/kota-kembar/{path}" in query["body"][0]
    assert query["title"][0].startswith(("Correction: ", "Koreksi: ", "訂正："))
    assert "https://github.com/example/kota-kembar/issues" in links  # site.yaml's contact


def test_the_reading_guide_links_its_words_to_the_box(reader_bundled):
    for lang in LANGS:
        html = reader_bundled.page(f"{lang}/explainers/how-to-read-this-site/")
        assert '<a href="#correction">' in html, lang
        assert 'id="correction"' in html


def test_ci_supplies_the_repository_when_site_yaml_names_none(make_site):
    env = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "owner/kota", "GITHUB_SERVER_URL": "https://github.com"}
    assert github.repository(env) == "https://github.com/owner/kota"
    assert github.repository({**env, "GITHUB_ACTIONS": ""}) is None  # a local build invents nothing
    site, errors = check(make_site())
    assert errors == [] and site.config.repository is None
    assert github.with_repository(site, env).config.repository == "https://github.com/owner/kota"
    named, _ = check(make_site({"content/site.yaml": SITE_YAML + "repository: https://github.com/me/mine/\n"}))
    assert github.with_repository(named, env).config.repository == "https://github.com/me/mine"  # site.yaml wins


def test_contact_may_be_an_email_address(make_site):
    base = SITE_YAML
    site, errors = check(make_site({"content/site.yaml": base + "contact: mailto:redaksi@example.org\n"}))
    assert errors == [] and site.config.contact == "mailto:redaksi@example.org"
    _, errors = check(make_site({"content/site.yaml": base + "contact: mailto:nobody\nedit_uri: /edit/main/\n"}))
    assert any("contact must be an http(s):// address or mailto: and an email address" in e for e in errors), errors
    assert any("edit_uri is a path inside the repository" in e for e in errors), errors


# -- 5. details ------------------------------------------------------------------------------

def test_a_name_that_carries_its_disambiguation_gets_no_second_one(reader_bundled):
    assert views.unqualified("Montana (Bulgaria)") == "Montana"
    assert views.unqualified("モンタナ（ブルガリア）") == "モンタナ"
    assert views.unqualified("(Montana)") == "(Montana)"
    for lang, dot, card in (("en", "Montana (Bulgaria)", "Montana (Montana Province, Bulgaria)"),
                            ("ja", "モンタナ（ブルガリア）", "モンタナ（ブルガリア・モンタナ州）")):
        home = reader_bundled.page(f"{lang}/")
        labels = re.findall(r'aria-label="([^"]*)"', home)
        assert dot in labels and not any(l.count("ブルガリア") > 1 or l.count("Bulgaria") > 1 for l in labels)
        assert card in reader_bundled.page(f"{lang}/partnerships/")
        assert card in reader_bundled.page(f"{lang}/partnerships/surakarta-montana/").replace(
            '<a href="/kota-kembar/' + lang + '/places/montana/">', "").replace("</a>", "")


def test_japanese_map_labels_use_full_width_brackets_and_colon(reader_bundled):
    for path in ("ja/", "ja/places/bandung/", "ja/partnerships/badung-fujisawa/"):
        labels = re.findall(r'aria-label="([^"]*)"', reader_bundled.page(path))
        mapped = [l for l in labels if "（" in l or "：" in l]
        assert mapped, path
        assert not [l for l in labels if re.search(r"[():]", l)], path
    assert "更新情報（Atomフィード）" in reader_bundled.page("ja/")


def test_a_world_map_has_a_closer_view_for_phones():
    points = [{"key": k, "lat": lat, "lon": lon, "label": k, "href": f"/{k}/"} for k, lat, lon in (
        ("bandung", -6.9, 107.6), ("bali", -8.6, 115.2), ("tokyo", 35.7, 139.7), ("osaka", 34.7, 135.5),
        ("seoul", 37.6, 127.0), ("liverpool", 53.4, -3.0), ("st-louis", 38.6, -90.2))]
    lines = [{"from": a, "to": b, "status": "active", "label": f"{a}-{b}", "href": f"/{a}-{b}/"} for a, b in (
        ("bandung", "tokyo"), ("bali", "osaka"), ("bandung", "seoul"), ("bali", "liverpool"), ("bandung", "st-louis"))]
    world = worldmap.render_map(points, lines, title="t", desc="d")
    closer = worldmap.render_map(points, lines, title="t", desc="d", focus=True)
    view = lambda svg: ET.fromstring(svg).get("viewBox")  # noqa: E731
    dots = lambda svg: {c.get("cx") for c in ET.fromstring(svg).iter(f"{SVG}circle")}  # noqa: E731
    assert view(world) != view(closer)
    assert ET.fromstring(closer).find(f"{SVG}title").get("id") != ET.fromstring(world).find(f"{SVG}title").get("id")
    # Java and Japan are further apart on the closer view: the distance between Bandung and Tokyo, in viewBox units.
    def spread(svg):
        root = ET.fromstring(svg)
        xy = {a.get("href"): next(a.iter(f"{SVG}circle")) for a in root.iter(f"{SVG}a") if next(a.iter(f"{SVG}circle"), None) is not None}
        (x1, y1), (x2, y2) = ((float(xy[k].get("cx")), float(xy[k].get("cy"))) for k in ("/bandung/", "/tokyo/"))
        return ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5
    assert spread(closer) > 2 * spread(world)
    # A map that is not of the whole world needs no closer view.
    assert worldmap.render_map(points[:3], lines[:1], title="t", desc="d", focus=True) == ""


def test_the_home_map_is_usable_on_a_390_pixel_phone(reader_bundled, reader_browser, tmp_path):
    browser = reader_browser.set(width=390, js=True)
    try:
        for lang in ("ja", "id"):
            d = browser.get(reader_bundled.url(f"{lang}/"))
            shown = [svg for svg in d.find_elements(By.CSS_SELECTOR, ".map svg.wm") if svg.is_displayed()]
            assert len(shown) == 1
            svg = shown[0]
            assert svg.find_element(By.XPATH, "..").get_attribute("class") == "map-focus"
            # Dots are at least 8 px across and the Indonesian and Japanese dots are apart.
            rects = d.execute_script(
                "return [...arguments[0].querySelectorAll('a circle.wm-dot')].map(c => { const r = c.getBoundingClientRect();"
                " return [c.parentNode.getAttribute('href'), r.x + r.width / 2, r.y + r.height / 2, r.width]; })", svg)
            assert min(w for *_, w in rects) >= 8
            at = {href.rsplit("/", 2)[-2]: (x, y) for href, x, y, _ in rects}
            (bx, by), (tx, ty) = at["bandung"], at["tokyo"]
            assert ((bx - tx) ** 2 + (by - ty) ** 2) ** 0.5 > 150  # on the world map: about 70
            # The key is compact: two columns, at most four rows.
            legend = d.find_element(By.CSS_SELECTOR, ".map .legend")
            tops = {round(li.rect["y"]) for li in legend.find_elements(By.TAG_NAME, "li")}
            assert len(tops) <= 4, (lang, len(tops))
            assert d.execute_script("return document.documentElement.scrollWidth") <= 390
            svg.screenshot(str(tmp_path / f"map-{lang}.png"))
    finally:
        browser.set(width=1280)


def test_japanese_country_names_do_not_break_inside_a_word_on_a_phone(reader_bundled, reader_browser):
    browser = reader_browser.set(width=390, js=True)
    try:
        d = browser.get(reader_bundled.url("ja/"))
        d.execute_script("document.querySelectorAll('details').forEach(e => e.open = true)")
        broken = d.execute_script("""
            return [...document.querySelectorAll('.map-table td:nth-child(2)')].filter(td => {
              const range = document.createRange(); range.selectNodeContents(td);
              return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
            }).map(td => td.textContent)""")
        assert broken == []
        assert d.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        browser.set(width=1280)


def test_japanese_search_excerpts_start_and_end_at_a_clause(reader_site, reader_browser):
    d = reader_browser.set(width=1280, js=True).get(reader_site.url("ja/search/?q=藤沢市"))
    WebDriverWait(d, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-excerpt"))
    WebDriverWait(d, 20).until(lambda d: all(e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-excerpt")))
    results = d.execute_script(
        "return [...document.querySelectorAll('.pagefind-ui__result')].map(r => [r.querySelector('a').getAttribute('href'),"
        " r.querySelector('.pagefind-ui__result-excerpt').textContent.trim()])")
    assert "/kota-kembar/ja/partnerships/badung-fujisawa/" in dict(results)
    for url, text in results:
        assert ". " not in text, text  # blocks are joined as sentences
        assert not re.match(r"^[–、。)）]", text), text  # nor does one start with the end of a clause
        assert not re.search(r"[0-9０-９]$", text), text  # "…2024年10月から…", not "…、202"
        if "/partnerships/" in url:  # a long text: cut at a sentence's end, or marked as cut
            assert re.search(r"[。！？…]$", text), text
