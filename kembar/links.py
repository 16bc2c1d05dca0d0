"""Link integrity of a built site: every internal link, asset, #fragment and hreflang
target resolves to a file of the same build, under the base path.

Run on the rendered outputs (path -> bytes) before anything is written: by `check` and
`build` with --check-links or in strict mode, and by the tests. A dead link is a ContentError at
the content file that made the page (Page.sources), or at the page's template, or at the
line of a non-page output (feed, sitemap, open data) that holds it.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

from .errors import ContentError

# Attributes that hold a URL, per element ('*': any element).
URL_ATTRIBUTES = {"a": ("href",), "area": ("href",), "link": ("href",), "script": ("src",), "img": ("src", "srcset"),
                  "source": ("src", "srcset"), "iframe": ("src",), "audio": ("src",), "video": ("src", "poster"),
                  "track": ("src",), "form": ("action",), "object": ("data",), "use": ("href", "xlink:href"),
                  "image": ("href", "xlink:href")}
TOP = {"", "top"}  # fragments a browser resolves without an id
ROBOTS_SITEMAP = re.compile(r"^Sitemap:\s*(\S+)", re.M | re.I)


class Page(HTMLParser):
    """The ids and the links of one HTML (or SVG) document, with the line of each link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.twice: set[str] = set()  # ids used more than once: a link to them is ambiguous
        self.links: list[tuple[str, int, int]] = []  # (url, line, col)

    def handle_starttag(self, tag, attrs):
        line, col = self.getpos()
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                if value in self.ids:
                    self.twice.add(value)
                self.ids.add(value)
            elif name in URL_ATTRIBUTES.get(tag, ()):
                urls = [part.split()[0] for part in value.split(",") if part.strip()] if name == "srcset" else [value]
                self.links += [(url, line, col + 1) for url in urls]

    handle_startendtag = handle_starttag


def parse_html(data: bytes) -> Page:
    page = Page()
    page.feed(data.decode("utf-8", "replace"))
    page.close()
    return page


def xml_links(data: bytes) -> list[tuple[str, int, int]]:
    """href attributes and <loc> texts of a feed or sitemap; their line (ElementTree
    gives none) is found when one is dead: (url, 0, 0)."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return []  # not XML after all; the publishing tests check well-formedness
    found = []
    for element in root.iter():
        urls = [v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "href"]
        if element.tag.rsplit("}", 1)[-1] == "loc" and element.text:
            urls.append(element.text.strip())
        found += [(url, 0, 0) for url in urls]
    return found


def json_links(data: bytes, base_url: str) -> list[tuple[str, int, int]]:
    """Strings of the open data that are addresses on this site, as (url, 0, 0)."""

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str) and value.startswith(base_url):
            yield value

    try:
        found = sorted(set(strings(json.loads(data))))
    except ValueError:
        return []
    return [(url, 0, 0) for url in found]


def line_col(text: str, needle: str) -> tuple[int, int]:
    at = text.find(needle)
    if at < 0:
        return 1, 1
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


class Target:
    """Resolves URLs found on one site to its output files."""

    def __init__(self, outputs: dict[str, bytes], base_url: str):
        self.outputs = outputs
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.base_path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self.parsed: dict[str, Page] = {}  # each document is parsed once, for its links and its ids
        self.seen: dict[str, str | None] = {}  # page-independent URL -> problem

    def page_url(self, name: str) -> str:
        return self.origin + self.base_path + (name[: -len("index.html")] if name.endswith("index.html") else name)

    def file(self, path: str) -> str | None:
        """The output file a site path leads to, as a web server would find it."""
        path = unquote(path)
        for name in (path, path + "index.html" if path.endswith("/") or not path else path + "/index.html"):
            if name in self.outputs:
                return name
        return None

    def problem(self, url: str, page_name: str) -> str | None:
        """None if `url`, found on output `page_name`, resolves; else what is wrong."""
        if url.startswith(("mailto:", "tel:", "data:", "javascript:")):
            return None
        if url.startswith(("/", "http:", "https:")) and not url.startswith("//"):  # the same from every page
            if url not in self.seen:
                self.seen[url] = self.resolve(url, page_name)
            return self.seen[url]
        return self.resolve(url, page_name)

    def resolve(self, url: str, page_name: str) -> str | None:
        parts = urlsplit(urljoin(self.page_url(page_name), url))
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None  # another site
        if not parts.path.startswith(self.base_path) and parts.path + "/" != self.base_path:
            return f"outside the base path {self.base_path}"
        name = self.file(parts.path[len(self.base_path):])
        if name is None:
            return "leads to no page or file of the site"
        fragment = unquote(parts.fragment)
        if fragment not in TOP and fragment not in self.ids_of(name):
            return f"#{fragment} is no id on {name}"
        return None

    def parse(self, name: str) -> Page:
        if name not in self.parsed:
            self.parsed[name] = parse_html(self.outputs[name]) if name.endswith((".html", ".svg")) else Page()
        return self.parsed[name]

    def ids_of(self, name: str) -> set[str]:
        return self.parse(name).ids


def check(site, outputs: dict[str, bytes], base_url: str | None = None, root: Path | None = None,
          pages=None) -> list[ContentError]:
    """Every dead internal link of a rendered site, one error per link and source.
    `root` is the content folder's parent: given, errors point at the line of the
    content file where the link is written, when it is written there. `pages`: the
    site's plan, when the caller has it."""
    if pages is None:
        from .pipeline import planned
        pages = planned(site).pages
    base_url = (base_url or site.config.base_url).rstrip("/") + "/"
    target = Target(outputs, base_url)
    pages = {page.file: page for page in pages}
    dead: dict[tuple, list[str]] = {}  # (path, line, col, url, problem or "twice") -> pages it is on
    for name in sorted(outputs):
        data = outputs[name]
        if name.endswith(".html"):
            parsed = target.parse(name)
            links = parsed.links
            for ident in sorted(parsed.twice):  # e.g. a Markdown heading named like a part of the page
                where = source_of(pages.get(name), "", None) or (name, 1, 1)
                dead.setdefault((*where, f"#{ident}", "twice"), []).append(name)
        elif name.endswith(".xml"):
            links = xml_links(data)
        elif name.endswith((".json", ".geojson")):
            links = json_links(data, base_url)
        elif name == "robots.txt":
            text = data.decode("utf-8", "replace")
            links = [(m.group(1), 0, 0) for m in ROBOTS_SITEMAP.finditer(text)]
        else:
            continue
        for url, line, col in links:
            problem = target.problem(url, name)
            if problem:
                if not line:  # found where it is only now: most outputs have no dead link
                    line, col = line_col(data.decode("utf-8", "replace"), url)
                where = source_of(pages.get(name), url, root) or (name, line, col)
                dead.setdefault((*where, url, problem), []).append(name)
    errors = []
    for (path, line, col, url, problem), on in sorted(dead.items()):
        shown = on[0].removesuffix("index.html")
        more = f" and {len(on) - 1} more" if len(on) > 1 else ""
        if problem == "twice":
            message = f"duplicate id {url[1:]!r} on {shown or '/'}{more}: a link to {url} cannot tell the two apart"
        else:
            message = f"dead link {url} on {shown or '/'}{more}: {problem}"
        errors.append(ContentError(path, line, col, message))
    return errors


def source_of(page, url: str, root: Path | None) -> tuple[str, int, int] | None:
    """Where a page's link comes from: the line of a content file that has it written out,
    else the page's first content file, else its template."""
    if page is None:
        return None
    if root is not None:
        for source in page.sources:
            try:
                text = (root / source).read_text(encoding="utf-8-sig")
            except (OSError, ValueError):
                continue
            for needle in (url, urlsplit(url).path):
                if needle and needle in text:
                    return (source, *line_col(text.replace("\r\n", "\n"), needle))
    if page.sources:
        return page.sources[0], 1, 1
    return f"templates/{page.template}", 1, 1
