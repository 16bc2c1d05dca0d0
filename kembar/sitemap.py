"""/sitemap.xml and /robots.txt.

The sitemap lists every indexable page (fallback pages, which carry noindex, are left
out) with absolute URLs, an xhtml:link alternate for every language the page really
exists in plus x-default, and a lastmod taken from the content: the newest timeline date
of the partnerships the page is about or lists. A partial date stands for the first day
of its period. Pages with no dated content (explainers, search) get no lastmod.
"""
from __future__ import annotations

import datetime
from xml.sax.saxutils import quoteattr, escape

from .model import Site
from .plan import Page, pages_by_key

NOT_LISTED = {("404",)}  # pages that exist but are not content
SITE_WIDE = ("chooser", "home", "data")  # pages about every partnership: dated by the newest


def indexable(page: Page) -> bool:
    return page.translated and page.file.endswith(".html") and page.key not in NOT_LISTED


def alternates(page: Page, by_key: dict, default_lang: str) -> list[tuple[str, str]]:
    """(hreflang, path under the base URL) for each translated version of the page, then
    x-default: the same rule as the <link rel=alternate> in the pages' heads."""
    key = ("home",) if page.key == ("chooser",) else page.key  # the chooser is the homes' x-default
    versions = by_key.get(key, {})
    found = [(lang, p.path) for lang, p in versions.items() if lang and p.translated]
    if key == ("home",):
        found.append(("x-default", ""))
    elif default_lang in versions:
        found.append(("x-default", versions[default_lang].path))
    return found


def lastmod(page: Page, as_of: dict[str, tuple]) -> str | None:
    """as_of: (year, month, day) of each partnership's as-of date, as first_day() reads it."""
    context = page.context
    if "entry" in context:
        day = as_of[context["entry"].slug]
    else:
        slugs = as_of if page.key[0] in SITE_WIDE else (entry.slug for entry in context.get("listed", ()))
        day = max(map(as_of.__getitem__, slugs), default=None)  # tuples compare quicker than dates
    return day and datetime.date(*day).isoformat()


def sitemap(site: Site, pages: list[Page], base_url: str) -> bytes:
    by_key = pages_by_key(pages)
    attr = {page.path: quoteattr(base_url + page.path) for page in pages}  # each made once, used by every version
    as_of = {slug: (d.year, d.month or 1, d.day or 1) for slug, p in site.partnerships.items() for d in [p.as_of]}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in pages:
        if not indexable(page):
            continue
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(base_url + page.path)}</loc>")
        date = lastmod(page, as_of)
        if date:
            lines.append(f"    <lastmod>{date}</lastmod>")
        for code, path in alternates(page, by_key, site.config.default_lang):
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{code}" href={attr[path]}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(base_url: str) -> bytes:
    return ("# Crawlers read robots.txt only at the root of a host: this file takes effect when the\n"
            "# site is served there (a user site or a custom domain), not under a project path.\n"
            "User-agent: *\n"
            "Allow: /\n"
            f"Sitemap: {base_url}sitemap.xml\n").encode("utf-8")
