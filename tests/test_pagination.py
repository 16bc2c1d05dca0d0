"""Long lists are split into pages that work without JavaScript; the directory's filters,
with JavaScript, fetch every card (cards.json) and filter them all."""
from __future__ import annotations

import functools
import http.server
import threading
import time

import pytest

from kembar import pipeline
from kembar.write import write

BASE = "/kota-kembar/"


def more(slug: str, status: str) -> str:
    """A partnership of Badung with Fujisawa under another slug (the same parties, another status)."""
    return f"""\
        parties: [badung, fujisawa]
        type: sister-city
        status: {status}
        sectors: [culture]
        summary: {{id: Ringkasan {slug}., en: Summary of {slug}., ja: {slug}の概要。}}
        timeline:
          - date: "2020-01-0{len(slug) % 9 + 1}"
            text: {{id: Peristiwa., en: An event., ja: 出来事。}}
        sources:
          - title: Source
            publisher: Publisher
            url: https://example.org/{slug}
        """


@pytest.fixture
def paged_site(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr("kembar.views.PAGE_SIZE", 1)  # three partnerships: three directory pages
    content = make_site({"content/partnerships/badung-fujisawa-two.yaml": more("two", "active"),
                         "content/partnerships/badung-fujisawa-three.yaml": more("three", "exploring")})
    _, outputs, errors = pipeline.in_memory(content)
    assert errors == []
    root = tmp_path / "served"
    write(outputs, root / BASE.strip("/"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield outputs, f"http://127.0.0.1:{server.server_address[1]}{BASE}"
    server.shutdown()


def test_lists_are_pages_that_link_each_other(paged_site):
    outputs, _ = paged_site
    first = outputs["en/partnerships/index.html"].decode()
    second = outputs["en/partnerships/page/2/index.html"].decode()
    assert first.count('class="card"') == 1 and second.count('class="card"') == 1
    assert 'href="/kota-kembar/en/partnerships/page/2/" rel="next"' in first
    assert 'href="/kota-kembar/en/partnerships/" rel="prev"' in second
    assert "Page 2 of 3" in second and "Halaman 2 dari 3" in outputs["id/partnerships/page/2/index.html"].decode()
    assert "3 partnerships" in second  # the count is the whole list's
    assert 'data-cards="/kota-kembar/en/partnerships/cards.json"' in first
    assert outputs["en/partnerships/cards.json"].decode().count("class=\\\"card\\\"") == 3
    assert "en/places/badung/page/3/index.html" in outputs  # every long list, not only the directory


def test_the_directory_filters_every_card_with_javascript(paged_site, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import Select, WebDriverWait

    _, url = paged_site
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        driver.get(url + "en/partnerships/")
        shown = lambda d: [c.find_element("css selector", ".card-title a").get_attribute("href").split("/")[-2]  # noqa: E731
                           for c in d.find_elements("css selector", "#results .card") if c.is_displayed()]
        assert len(shown(driver)) == 1
        Select(driver.find_element("id", "filter-status")).select_by_value("active")
        WebDriverWait(driver, 10).until(lambda d: shown(d) == ["badung-fujisawa-two"])  # a card of another page
        assert not driver.find_element("css selector", "[data-pager]").is_displayed()
        Select(driver.find_element("id", "filter-status")).select_by_value("")
        Select(driver.find_element("id", "filter-sort")).select_by_value("newest")
        WebDriverWait(driver, 10).until(lambda d: len(shown(d)) == 3)  # every card, newest first
        Select(driver.find_element("id", "filter-sort")).select_by_value("name")
        WebDriverWait(driver, 10).until(lambda d: len(shown(d)) == 1)  # this page's own again
        assert driver.find_element("css selector", "[data-pager]").is_displayed()
    finally:
        driver.quit()
