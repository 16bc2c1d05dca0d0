"""WCAG 2.2 AA in a real browser: axe-core on every page type in every language, in the
light and the dark colour scheme, plus the checks axe cannot make on its own (one h1,
headings in order, a skip link that works, visible focus, the language switch)."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from reader_site import LANGS

# One page of each type ({lang} is filled in). The partnership pages cover a stage in
# progress (with a caution and a narrative), an expired one and a fallback to Indonesian.
PAGE_TYPES = [
    "{lang}/", "{lang}/partnerships/", "{lang}/partnerships/badung-fujisawa/",
    "{lang}/partnerships/bali-kumamoto/", "{lang}/partnerships/jepara-cambodia/",
    "{lang}/places/badung/", "{lang}/places/cambodia/", "{lang}/sectors/tourism/",
    "{lang}/status/active/", "{lang}/types/sister-city/", "{lang}/countries/jp/",
    "{lang}/explainers/", "{lang}/explainers/what-is-a-sister-city/",
    "{lang}/explainers/how-to-read-this-site/", "{lang}/statistics/", "{lang}/freshness/unconfirmed/",
]
# Made by other parts of the build; checked as soon as the build makes them.
OPTIONAL = ["{lang}/search/", "{lang}/data/", "{lang}/translations/"]


def pages_for(site, lang: str) -> list[str]:
    paths = [p.format(lang=lang) for p in PAGE_TYPES]
    paths += [p.format(lang=lang) for p in OPTIONAL if (site.out / p.format(lang=lang) / "index.html").is_file()]
    return paths


def report(found: dict[str, list]) -> str:
    lines = []
    for path, violations in found.items():
        for v in violations:
            lines.append(f"{path}: {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    {n}" for n in v["nodes"]]
    return "\n".join(lines)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_any_page_type(reader_site, reader_browser, lang, dark):
    browser = reader_browser.set(width=1280, dark=dark, js=True)
    found = {}
    for path in pages_for(reader_site, lang):
        browser.get(reader_site.url(path))
        violations = browser.axe()
        if violations:
            found[path] = violations
    assert not found, "\n" + report(found)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_axe_on_the_chooser_and_404_and_on_a_phone(reader_site, reader_browser, dark):
    """The pages outside the language folders, and a phone-sized screen (where the
    layout changes: the step indicator is vertical, the filters stack)."""
    browser = reader_browser.set(width=360, dark=dark, js=True)
    paths = ["", "en/partnerships/", "ja/partnerships/badung-fujisawa/", "id/places/badung/", "ja/statistics/"]
    if (reader_site.out / "404.html").is_file():
        paths.append("404.html")
    found = {}
    for path in paths:
        browser.get(reader_site.url(path))
        violations = browser.axe()
        if violations:
            found[path] = violations
    browser.set(width=1280)
    assert not found, "\n" + report(found)


def test_headings_landmarks_and_language(reader_site, reader_browser):
    """One h1, no skipped heading level, main/nav/header/footer landmarks, a lang on <html>."""
    browser = reader_browser.set(width=1280, dark=False, js=True)
    for lang in LANGS:
        for path in pages_for(reader_site, lang):
            d = browser.get(reader_site.url(path))
            levels = d.execute_script(
                "return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.offsetParent !== null || h.closest('details'))"
                ".map(h => +h.tagName[1])")
            assert levels.count(1) == 1 and levels[0] == 1, (path, levels)
            for before, after in zip(levels, levels[1:]):
                assert after <= before + 1, (path, levels)
            assert d.execute_script("return document.documentElement.lang") == lang, path
            for selector in ("header", "main#main", "footer", "nav[aria-label]"):
                assert d.find_elements(By.CSS_SELECTOR, selector), (path, selector)


def test_skip_link_is_first_and_moves_focus_to_main(reader_site, reader_browser):
    d = reader_browser.set(width=1280, dark=False, js=True).get(reader_site.url("en/partnerships/badung-fujisawa/"))
    body = d.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = d.switch_to.active_element
    assert skip.get_attribute("class") == "skip-link"
    assert skip.is_displayed() and skip.rect["x"] >= 0  # it shows itself when focused
    skip.send_keys(Keys.ENTER)
    assert d.switch_to.active_element.get_attribute("id") == "main"


def test_focus_is_visible_on_links_buttons_and_selects(reader_site, reader_browser):
    """Every focusable control draws an outline or a box shadow when focused from the keyboard."""
    d = reader_browser.set(width=1280, dark=False, js=True).get(reader_site.url("en/partnerships/"))
    body = d.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    seen = set()
    for _ in range(40):  # the directory: header, hub links, statistics link, then the filters
        el = d.switch_to.active_element
        tag = el.tag_name
        style = d.execute_script(
            "const s = getComputedStyle(arguments[0]);"
            "return [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor];", el)
        visible = (style[0] != "none" and style[1] not in ("0px", "")) or style[2] != "none"
        assert visible, (tag, el.get_attribute("outerHTML")[:120], style)
        seen.add(tag)
        el.send_keys(Keys.TAB)
    assert {"a", "select", "button"} <= seen


def test_the_language_switch_names_each_language_in_itself(reader_site):
    html = reader_site.page("ja/partnerships/")
    assert '<a href="/kota-kembar/id/partnerships/" lang="id" hreflang="id">Bahasa Indonesia</a>' in html
    assert '<a href="/kota-kembar/en/partnerships/" lang="en" hreflang="en">English</a>' in html
    assert 'lang="ja" hreflang="ja" aria-current="true">日本語</a>' in html


def test_fallback_passages_carry_their_language(reader_site):
    """Jepara has only Indonesian texts: on the Japanese page each of them is marked lang="id"."""
    html = reader_site.page("ja/partnerships/jepara-cambodia/")
    assert '<span lang="id">Kabupaten Jepara</span>' in html
    assert '<p class="lead"><span lang="id">Jepara dan Kerajaan Kamboja menandatangani MoU.</span></p>' in html
    assert "このページの一部はまだ翻訳されていないため" in html
