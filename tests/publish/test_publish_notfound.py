"""/404.html: one page at the root that works at any depth under the base path, in the
language of the requested path, with every language shown when JavaScript is off."""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

NOT_FOUND = {"id": "Halaman tidak ditemukan", "en": "Page not found", "ja": "ページが見つかりません"}


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def test_there_is_one_404_page_at_the_root(built):
    assert [p.relative_to(built.out).as_posix() for p in built.out.rglob("404.html")] == ["404.html"]
    html = (built.out / "404.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in html
    # every URL is absolute under the base path, so it works at any depth
    for url in re.findall(r'(?:href|src)="([^"]+)"', html):
        assert url.startswith("/kota-kembar/"), url


def test_without_javascript_every_language_is_shown(fixture_site):
    html = (fixture_site.out / "404.html").read_text(encoding="utf-8")
    for lang, message in NOT_FOUND.items():
        section = re.search(rf'<section class="not-found" lang="{lang}" data-lang="{lang}">(.*?)</section>', html, re.S)
        assert section and message in section.group(1)
        assert f'href="/kota-kembar/{lang}/"' in section.group(1)
        assert f'href="/kota-kembar/{lang}/search/"' in section.group(1)
    assert " hidden" not in html


@pytest.mark.parametrize("lang, path", [("ja", "ja/partnerships/no-such-thing/deeper/still/"),
                                        ("id", "id/nope"),
                                        ("en", "en/places/x/y/z/index.html")])
def test_a_deep_missing_path_shows_its_language_with_working_assets_and_links(fixture_site, served, browser, lang, path):
    server = served(fixture_site.out)
    assert status_of(server.url(path)) == 404
    browser.get(server.url(path))
    assert browser.execute_script("return document.documentElement.lang") == lang
    visible = browser.execute_script(
        "return [...document.querySelectorAll('section[data-lang]')].filter(s => !s.hidden).map(s => s.lang)")
    assert visible == [lang]
    assert browser.find_element("css selector", f"section[lang={lang}] h1").text == NOT_FOUND[lang]
    assert browser.title == NOT_FOUND[lang]
    # the stylesheet loaded from the deep path and applies (its skip-link and wrap rules)
    sheets = browser.execute_script(
        "return [...document.styleSheets].map(s => [s.href, s.cssRules.length])")
    assert sheets and all(href.startswith(server.url("static/site.css")) and rules > 10 for href, rules in sheets)
    assert browser.execute_script("return getComputedStyle(document.querySelector('main')).maxWidth") != "none"
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", f"section[lang={lang}] a")]
    assert server.url(f"{lang}/") in links and server.url(f"{lang}/search/") in links
    for link in links:
        assert status_of(link) == 200, link


def test_a_path_without_a_language_keeps_every_language(fixture_site, served, browser):
    server = served(fixture_site.out)
    browser.get(server.url("no-such-page/"))
    visible = browser.execute_script(
        "return [...document.querySelectorAll('section[data-lang]')].filter(s => !s.hidden).map(s => s.lang)")
    assert visible == ["id", "en", "ja"]
