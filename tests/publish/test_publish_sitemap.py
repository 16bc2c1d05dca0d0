"""/sitemap.xml and /robots.txt: every indexable page, reciprocal alternates, dates from the content."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from publishing import BASE_URL

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def read_sitemap(built) -> dict[str, dict]:
    """loc -> {'lastmod': str | None, 'alternates': {hreflang: href}}"""
    root = ET.fromstring((built.out / "sitemap.xml").read_bytes())
    assert root.tag == f"{{{NS['s']}}}urlset"
    found = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc not in found, f"{loc} is listed twice"
        links = url.findall("x:link", NS)
        assert all(link.get("rel") == "alternate" for link in links)
        alternates = {link.get("hreflang"): link.get("href") for link in links}
        assert len(alternates) == len(links), f"{loc}: an hreflang is repeated"
        found[loc] = {"lastmod": url.findtext("s:lastmod", namespaces=NS), "alternates": alternates}
    return found


def page_url(built, file) -> str:
    path = file.relative_to(built.out).as_posix()
    return BASE_URL + (path[: -len("index.html")] if path.endswith("index.html") else path)


def head_alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_lists_every_indexable_html_page_and_nothing_else(built):
    sitemap = read_sitemap(built)
    expected = set()
    for file in built.html_pages():
        html = file.read_text(encoding="utf-8")
        if '<meta name="robots" content="noindex">' not in html:
            expected.add(page_url(built, file))
    assert set(sitemap) == expected
    assert all(loc.startswith(BASE_URL) for loc in sitemap)


def test_alternates_are_reciprocal_and_match_the_page_heads(built):
    sitemap = read_sitemap(built)
    languages = set(built.site.config.languages)
    for loc, entry in sitemap.items():
        alternates = entry["alternates"]
        assert "x-default" in alternates, loc
        assert set(alternates) - {"x-default"} <= languages, loc
        assert loc in alternates.values(), f"{loc} does not list itself"
        for code, href in alternates.items():
            assert href in sitemap, f"{loc} -> {code} {href}, which is not an indexable page"
            assert sitemap[href]["alternates"] == alternates, f"{loc} and {href} disagree on their alternates"
        file = built.out / loc[len(BASE_URL):] / "index.html"
        assert head_alternates(file.read_text(encoding="utf-8")) == alternates, loc


def test_fallback_pages_are_left_out_and_not_named_as_alternates(fixture_site):
    sitemap = read_sitemap(fixture_site)
    for lang in ("en", "ja"):
        fallback = f"{BASE_URL}{lang}/partnerships/jepara-cambodia/"
        assert (fixture_site.out / lang / "partnerships" / "jepara-cambodia" / "index.html").is_file()
        assert fallback not in sitemap
    original = sitemap[f"{BASE_URL}id/partnerships/jepara-cambodia/"]["alternates"]
    assert original == {"id": f"{BASE_URL}id/partnerships/jepara-cambodia/",
                        "x-default": f"{BASE_URL}id/partnerships/jepara-cambodia/"}


def test_the_language_chooser_is_the_x_default_of_the_homes(fixture_site):
    sitemap = read_sitemap(fixture_site)
    homes = {"id": BASE_URL + "id/", "en": BASE_URL + "en/", "ja": BASE_URL + "ja/", "x-default": BASE_URL}
    for loc in homes.values():
        assert sitemap[loc]["alternates"] == homes


def test_lastmod_comes_from_the_content(fixture_site):
    sitemap = read_sitemap(fixture_site)
    lastmod = {loc: entry["lastmod"] for loc, entry in sitemap.items()}
    # a partnership: its newest timeline date
    assert lastmod[BASE_URL + "en/partnerships/badung-fujisawa/"] == "2025-06-12"
    assert lastmod[BASE_URL + "ja/partnerships/surabaya-kochi/"] == "1997-01-01"  # "1997" -> first day
    # a listing: the newest date among what it lists
    assert lastmod[BASE_URL + "id/places/kochi/"] == "1997-01-01"
    assert lastmod[BASE_URL + "id/status/exploring/"] == "2019-12-01"
    assert lastmod[BASE_URL + "en/"] == lastmod[BASE_URL] == "2025-06-12"
    # no dated content, no date (never the build clock)
    assert lastmod[BASE_URL + "en/explainers/what-is-a-sister-city/"] is None
    assert lastmod[BASE_URL + "ja/search/"] is None
    content_dates = {"2024-10-01", "2025-06-12", "1997-01-01", "2019-12-01", None}
    assert set(lastmod.values()) <= content_dates


def test_robots_txt_points_to_the_sitemap(built):
    robots = (built.out / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {BASE_URL}sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots.splitlines()
    assert "Disallow: /" not in robots.splitlines()
