"""Stage 5, render: Jinja templates (autoescaped, StrictUndefined) with Babel catalogs
and CLDR formatting, Markdown through Python-Markdown, sanitized by nh3.

`build` is the one render path: `build`, `check`, `serve`, the benchmark and the tests
all call it, and kembar/write.py consumes what it yields. One Jinja environment per
language: the language is fixed when the environment is made, so no page can render with
another page's catalog. A template reads its page's context (kembar/plan.py), the site's
settings and vocabulary, and the pure helpers of `Renderer.make_env`: nothing else.
"""
from __future__ import annotations

import functools
import hashlib
import html as html_text
import multiprocessing
import re
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.meta
import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString
import nh3
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup

from . import catalogs, charts, feeds, opendata, sitemap, urls, views, worldmap
from .errors import ContentError
from .model import Markdown as MarkdownDoc, PartialDate, Site, Text
from .plan import Page, pages_by_key
from .project import OWN_NAMES, Project
from .resolve import Index

FALLBACK_SLOT = "<!--kembar:fallback-->"
LINK_HREF = re.compile(r'href="(partnership|place|explainer|sector|status|type|country):([^"]*)"')
# What Markdown may produce; anything else (raw HTML from an editor) is removed.
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
                "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "abbr", "sup", "sub",
                "dl", "dt", "dd", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"},
                      **{f"h{n}": {"id"} for n in range(2, 7)}}


@functools.lru_cache(maxsize=65536)  # a pure function; each date appears on many cards
def format_partial_date(date: PartialDate, lang: str) -> str:
    """'23 Oktober 1989', 'October 1989', '1989年': never more precise than the source."""
    if date.day:
        return format_date(date.first_day(), "long", locale=lang)
    if date.month:
        return format_skeleton("yMMMM", date.first_day(), locale=lang)
    return format_skeleton("y", date.first_day(), locale=lang)


# The ids the templates (and their scripts) give parts of a page; tests/test_render.py
# checks this list against templates/. A Markdown heading never takes one of them.
TEMPLATE_IDS = frozenset({"main", "stage", "map", "timeline", "background", "sources", "partnerships", "latest",
                          "guides", "files", "fields", "licence", "search", "search-unavailable", "search-input",
                          "results", "result-count", "filter-sort", "land", "borders", "correction",
                          "correction-title"})
TEMPLATE_ID_PREFIXES = ("filter-", "todo-", "wm-", "chart-", "stats-")


def heading_id(value: str, separator: str) -> str:
    """A Markdown heading's id: its slug, as Python-Markdown makes it, unless a template uses
    that id on the same page; then 's-' + the slug ('## Background' -> id="s-background").
    Stable: it depends on the heading's text only."""
    slug = slugify_unicode(value, separator)
    return f"s-{slug}" if slug in TEMPLATE_IDS or slug.startswith(TEMPLATE_ID_PREFIXES) else slug


MARKDOWN_OPTIONS = {"extensions": ["tables", "sane_lists", "toc"],
                    "extension_configs": {"toc": {"slugify": heading_id}}}
# The Python-Markdown releases QuickInline was checked against (pyproject bounds markdown to them).
QUICK_INLINE_VERSIONS = ((3, 5), (3, 11))


def quick_inline_fits() -> bool:
    """QuickInline overrides a private method of Python-Markdown: only on the releases it was
    checked against, and only while that method is still there; elsewhere the stock pass runs."""
    version = tuple(int(n) for n in re.findall(r"\d+", markdown.__version__)[:2])
    first, last = QUICK_INLINE_VERSIONS
    return (first <= version <= last and hasattr(InlineProcessor, "_InlineProcessor__handleInline")
            and hasattr(InlineProcessor, "_InlineProcessor__applyPattern"))


class Markdowner:
    """One Python-Markdown instance, reset between documents (much cheaper than one each)."""

    def __init__(self):
        self.md = markdown.Markdown(**MARKDOWN_OPTIONS)
        self.quick = quick_inline_fits()
        if self.quick:
            self.md.treeprocessors.register(QuickInline(self.md), "inline", 20)  # in place of Python-Markdown's own

    def convert(self, text: str) -> str:
        return self.md.reset().convert(text)  # Memo.html keeps the result for every page that shows it


class QuickInline(InlineProcessor):
    """Python-Markdown's inline pass, skipping the patterns that cannot match a text: each
    built-in pattern needs a certain character (a link "[", an entity "&", emphasis one of
    the delimiters), and most paragraphs of a narrative have none of them. A pattern
    skipped is one that would not have matched, so the output is the same. The inline pass
    was half of a conversion, and conversions the largest part of a cold build's rendering.
    (Python-Markdown has no public hook for this: the method below is its private one.)"""

    NEEDS = {"backtick": ("`",), "escape": ("\\",), "autolink": ("<",), "automail": ("<",), "html": ("<",),
             "linebreak": ("  \n",), "entity": ("&",), "not_strong": ("*", "_"), "em_strong": ("*",),
             "em_strong2": ("_",),  # the last three: emphasis before Python-Markdown 3.11
             **dict.fromkeys(["reference", "link", "image_link", "image_reference", "short_reference",
                              "short_image_ref"], ("[",))}  # pattern name -> what a match contains (one of)

    def run(self, tree, ancestors=None):
        patterns = self.md.inlinePatterns
        needs = {patterns[name]: signs for name, signs in self.NEEDS.items() if name in patterns}
        delimiters = getattr(self.md, "delimiters", None)  # emphasis since 3.11: *, _ and any an extension adds
        if "em_strong" in patterns and patterns["em_strong"] is delimiters:
            needs[delimiters] = tuple(delimiters.tokens)
        self.plan = [(pattern, needs.get(pattern)) for pattern in patterns]  # None: an unknown pattern, always tried
        self.signs = {sign for signs in needs.values() for sign in signs}
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        """InlineProcessor.__handleInline, with the skip."""
        if isinstance(data, AtomicString):
            return data
        present = {sign for sign in self.signs if sign in data}  # a match puts a placeholder (no sign) in its place
        start = 0
        while patternIndex < len(self.plan):
            pattern, needs = self.plan[patternIndex]
            if needs is not None and present.isdisjoint(needs):
                patternIndex, start = patternIndex + 1, 0
                continue
            data, matched, start = self._InlineProcessor__applyPattern(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


RAW_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
CODE = re.compile(r"^(```|~~~).*?^\1|`[^`\n]*`", re.M | re.S)  # fenced blocks and code spans show tags as text


def markdown_bodies(site: Site) -> list[MarkdownDoc]:
    """Every narrative and explainer body of the site."""
    return ([m for p in site.partnerships.values() for m in p.narrative.values()]
            + [v.body for e in site.explainers.values() for v in e.versions.values()])


def removed_html(bodies) -> list[ContentError]:
    """A warning at each raw HTML tag in these Markdown bodies that sanitize() will remove
    (<script>, <iframe>, <img>, ...): the editor would otherwise not know it is gone."""
    found = []
    for doc in bodies:
        text = CODE.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), doc.text)  # same lines and columns, no code
        for n, line in enumerate(text.split("\n")):
            for match in RAW_TAG.finditer(line):
                tag = match[1].lower()
                if tag not in ALLOWED_TAGS:
                    found.append(ContentError(doc.path, doc.line + n, match.start() + 1,
                                              f"<{tag}> is removed from the page: Markdown bodies may not hold raw "
                                              f"HTML (see docs/raw-html.md)", doc.text.split("\n")[n].strip()))
    return found


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


class SharedBytecode(jinja2.BytecodeCache):
    """Compile each template once for all languages: the environments differ only in
    their globals, so the compiled code is the same."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


@dataclass(frozen=True)
class Card:
    html: Markup  # with an h3 title (CARD_LEVEL)
    fallbacks: tuple  # the texts it showed in another language: the page gets the notice

    def at(self, level: int) -> Markup:
        """The card with its title at another heading level (a card has no other heading)."""
        if level == CARD_LEVEL:
            return self.html
        html = str(self.html)  # Markup.replace would escape the new tags
        return Markup(html.replace(f'<h{CARD_LEVEL} class="card-title">', f'<h{level} class="card-title">', 1)
                      .replace(f"</h{CARD_LEVEL}>", f"</h{level}>", 1))


CARD_LEVEL = 3


@dataclass
class Memo:
    """What a render may reuse from an earlier render of the same site: the dev server
    keeps one across rebuilds and drops the cards of the partnerships an edit touched."""

    markdown: Markdowner = field(default_factory=Markdowner)
    html: dict[tuple, Markup] = field(default_factory=dict)  # (Markdown text, lang, base path) -> sanitized HTML
    cards: dict[tuple, Card] = field(default_factory=dict)  # (lang, slug) -> card
    bytecode: "SharedBytecode" = field(default_factory=lambda: SharedBytecode())  # compiled templates



class Renderer:
    """Renders planned pages of one site; holds one Jinja environment per language."""

    def __init__(self, site: Site, pages: list[Page], project: Project, base_url: str | None = None,
                 memo: Memo | None = None):
        self.site, self.project = site, project
        self.base_url = (base_url or site.config.base_url).rstrip("/") + "/"
        self.base_path = "/" + self.base_url.split("://", 1)[-1].split("/", 1)[1]
        self.by_key = pages_by_key(pages)
        self.memo = memo or Memo()
        self.fallbacks: list = []  # texts the page being rendered shows in another language
        self.assets = read_assets(project)
        self.asset_urls = {name.removeprefix("static/"): self.href(name) + "?v=" + hashlib.sha256(data).hexdigest()[:10]
                           for name, data in self.assets.items()}  # a content hash: browsers never keep a stale copy
        self.envs = {lang: self.make_env(lang) for lang in site.config.languages}
        self.envs[None] = self.make_env(site.config.default_lang)

    def href(self, path: str) -> str:
        """The URL of a path under the base URL, as links inside the site write it."""
        return self.base_path + path

    def abs_url(self, path: str) -> str:
        return self.base_url + path

    # -- environment ------------------------------------------------------------------
    def make_env(self, lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.project.templates),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            bytecode_cache=self.memo.bytecode,
            auto_reload=False,  # a template never changes during one render (the dev server makes new environments)
        )
        translations = catalogs.translations(self.project, lang)
        env.install_gettext_translations(translations, newstyle=True)
        site, vocab, default = self.site.config, self.site.vocabulary, self.site.config.default_lang
        locale = Locale.parse(lang)
        translated: dict[str, Markup] = {}

        @jinja2.pass_eval_context
        def _(eval_ctx, string: str, **variables):
            """Jinja's newstyle `_()` (translate, mark safe, %-format), without its two extra
            layers of calls: templates call it ~50 times a page (a tenth of the render)."""
            if not eval_ctx.autoescape:
                return translations.gettext(string) % variables
            markup = translated.get(string)
            if markup is None:
                markup = translated[string] = Markup(translations.gettext(string))
            return markup % variables if variables or "%" in markup else markup  # "a" % {} is "a"

        def t(text: Text | None):
            """The text in the page's language, or the default language marked with its lang."""
            if text is None:
                return ""
            if text.values.get(lang):
                return text.values[lang]
            self.fallbacks.append(text)
            for other in site.languages:
                if text.values.get(other):
                    return Markup('<span lang="{}">{}</span>').format(other, text.values[other])
            return ""

        def url(kind: str, key: str = "", lang: str = lang, number: int = 1) -> str:
            return self.href(urls.path(kind, key, lang, number))

        def country_name(cc: str) -> str:
            return locale.territories.get(cc, cc)

        def card(entry: views.Entry, heading_level: int) -> Markup:
            """A partnership's card: the same on every list of a language, so rendered once."""
            found = self.card_for(lang, entry)
            self.fallbacks.extend(found.fallbacks)
            return found.at(heading_level)

        # Everything here is a pure function of its arguments, the language, the site's
        # settings and vocabulary, and the project's files: no content beyond the page's context.
        env.globals.update(
            _=_, lang=lang, site=site, vocab=vocab, t=t, url=url, href=self.href, abs_url=self.abs_url, card=card,
            asset=self.asset_urls.__getitem__, term=lambda section, key: getattr(vocab, section)[key],
            date=lambda d: format_partial_date(d, lang) if d else "",
            number=lambda n: format_decimal(n, locale=lang),
            country_name=country_name,
            own_name=lambda code: OWN_NAMES.get(code) or Locale.parse(code).get_display_name(code),
            markdown=lambda doc: self.render_markdown(doc, lang),
            # A fragment rendered in another language's catalog (the root 404 shows all three).
            render_in=lambda code, name: Markup(self.render_apart(self.envs[code].get_template(name))[0]),
            partnership_map=lambda listed, **kw: Markup(views.partnership_map(
                listed, lang=lang, default=default, url=url, country_name=country_name,
                status_label=lambda s: views.plain(vocab.statuses[s].label, lang, default),
                place_label=translations.gettext("%(place)s (%(where)s)"),
                line_label=translations.gettext("%(partnership)s: %(step)s"),
                land_href=self.asset_urls.get("world.svg"), **kw)),
            # A place's name where the page adds where it is: without its own bracket (views.unqualified).
            unqualified=lambda text: t(views.unqualified_text(text)) if text is not None else "",
            bar_chart=lambda rows, **kw: Markup(charts.bar_chart(rows, number=lambda n: format_decimal(n, locale=lang), **kw)),
            chart_swatch=lambda series: Markup(charts.swatch(series)),
            map_samples=lambda statuses: [(s, Markup(svg)) for s, svg in worldmap.legend_items(statuses)],
            # Markdown under a page's own h2 (a partnership's narrative): its ## become h3.
            demote=lambda html: Markup(re.sub(r"<(/?)h([2-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", str(html))),
            path=lambda kind, key="", number=1: urls.path(kind, key, lang, number),  # for absolute URLs: abs_url(path(...))
            text_in=lambda text: feeds.pick(text, lang, site.languages), feed_updated=feeds.feed_updated,
            list_of=lambda items: Markup(format_list([Markup.escape(i) for i in items], locale=lang)) if items else "",
        )
        return env

    def card_for(self, lang: str, entry: views.Entry) -> Card:
        key = (lang, entry.slug)
        if key not in self.memo.cards:
            html, fallbacks = self.render_apart(self.envs[lang].get_template("_card.html"), entry=entry,
                                                heading_level=CARD_LEVEL)
            self.memo.cards[key] = Card(Markup(html), fallbacks)
        return self.memo.cards[key]

    def render_apart(self, template: jinja2.Template, **context) -> tuple[str, tuple]:
        """A fragment (a card, another language's text) with its own list of fallbacks."""
        outer, self.fallbacks = self.fallbacks, []
        try:
            return template.render(fallbacks=self.fallbacks, **context), tuple(self.fallbacks)
        finally:
            self.fallbacks = outer

    def render_markdown(self, doc: MarkdownDoc, lang: str) -> Markup:
        key = (doc.text, lang, self.base_path)  # what the HTML depends on
        if key not in self.memo.html:
            try:
                html = self.memo.markdown.convert(doc.text)
            except Exception as e:  # validate bounds nesting and length; this is the last guard
                raise ContentError(doc.path, doc.line, 1, f"cannot convert this Markdown ({type(e).__name__})") from None
            html = LINK_HREF.sub(lambda m: f'href="{self.link_target(m[1], m[2], lang)}"', html)
            self.memo.html[key] = Markup(sanitize(html))
        return self.memo.html[key]

    def link_target(self, scheme: str, target: str, lang: str) -> str:
        return self.href(urls.path(urls.LINK_SCHEMES[scheme], target, lang))

    # -- pages ----------------------------------------------------------------------------
    def render(self, page: Page) -> bytes:
        env = self.envs[page.lang]
        versions = self.by_key[page.key]
        default = versions.get(self.site.config.default_lang)
        context = {
            "page": page,
            "fallbacks": [],
            "alternates": [(lang, self.abs_url(p.path)) for lang, p in versions.items() if lang and p.translated],
            "x_default": self.abs_url("" if page.key == ("home",) or default is None else default.path),
            "switch": [(lang, self.href(p.path)) for lang, p in versions.items() if lang],
            **page.context,
        }
        self.fallbacks = context["fallbacks"]  # t() and card() add to it
        try:
            html = env.get_template(page.template).render(context)
            if context["fallbacks"] and page.lang:  # in the try: the notice's template can fail too
                html = html.replace(FALLBACK_SLOT, env.get_template("_fallback.html").render(page=page))
        except jinja2.TemplateSyntaxError as e:
            raise self.template_error(e.filename, e.lineno, f"template syntax error: {e.message}") from None
        except ContentError:  # from the content a template showed (a Markdown body)
            raise
        except Exception as e:  # a bug in a template: point at its line, not at Python
            name, line = template_frame(sys.exc_info()[2], self.project.templates)
            raise self.template_error(name, line, f"template error: {type(e).__name__}: {e}") from None
        return html.replace(FALLBACK_SLOT, "").encode("utf-8")

    def template_error(self, filename, line, message) -> ContentError:
        path = Path(filename or "templates").resolve()
        try:
            shown = path.relative_to(self.project.root.resolve()).as_posix()
        except ValueError:
            shown = str(path)
        lines = path.read_text(encoding="utf-8").split("\n") if path.is_file() else []
        source = lines[line - 1] if line and 0 < line <= len(lines) else ""
        return ContentError(shown, line or 1, 1, message, source.strip())


# The fragments Renderer renders itself, beside what a page's template names.
RENDERER_TEMPLATES = ("_card.html", "_fallback.html", "_404_title.html", "_404_message.html")


def template_closure(templates: dict[str, str]) -> dict[str, set[str]]:
    """Each template -> itself, what it extends, includes or imports (all the way down),
    and the fragments render.py adds to pages."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    direct = {}
    for name, source in templates.items():
        try:
            direct[name] = {n for n in jinja2.meta.find_referenced_templates(env.parse(source)) if n}
        except jinja2.TemplateSyntaxError:
            direct[name] = set(templates)  # the render reports the error; meanwhile assume it uses them all
    closure = {}
    for name in templates:
        seen, stack = {name, *RENDERER_TEMPLATES}, [name]
        while stack:
            for used in direct.get(stack.pop(), ()):
                if used not in seen:
                    seen.add(used)
                    stack.append(used)
        closure[name] = seen
    return closure


def error_page(errors: list[ContentError], lang: str, project: Project) -> bytes:
    """Every error as `path:line:col: message` with its source line, in the page's language."""
    errors = sorted(set(errors))
    try:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates), autoescape=True,
                                 extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined)
        env.install_gettext_translations(catalogs.translations(project, lang), newstyle=True)
        return env.get_template("_errors.html").render(lang=lang, errors=errors).encode("utf-8")
    except Exception as e:  # the error page must show even when the templates or catalogs are broken
        items = "".join(f"<li><pre>{html_text.escape(err.format())}</pre></li>" for err in errors)
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Content errors</title></head>'
                f"<body><h1>{len(errors)} content error(s)</h1><ol>{items}</ol>"
                f"<p>(The error page itself failed: {html_text.escape(str(e))})</p></body></html>").encode("utf-8")


def read_assets(project: Project) -> dict[str, bytes]:
    static = project.templates / "static"
    assets = {"static/" + p.relative_to(static).as_posix(): p.read_bytes()
              for p in sorted(static.rglob("*")) if p.is_file()}
    # One stylesheet request per page: the map's styles ride along with the site's.
    if "static/map.css" in assets and "static/site.css" in assets:
        assets["static/site.css"] += b"\n" + assets.pop("static/map.css")
    return assets


def template_frame(tb, templates: Path) -> tuple[str | None, int | None]:
    """The innermost traceback frame inside a template (Jinja maps it to template lines)."""
    found = (None, None)
    root = str(templates.resolve())
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(root):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def build(site: Site, index: Index, pages: list[Page], project: Project, base_url: str | None = None,
          jobs: int = 1, memo: Memo | None = None, only: list[Page] | None = None,
          assets: bool = True, data: bool = True) -> Iterator[tuple[str, bytes]]:
    """The one render path: the site's files as (path, bytes): the static files, then the
    pages in plan order, then the sitemap and open data. `only`: render just these of the
    planned `pages` (the dev server's pages an edit changed; it keeps its `memo` across
    rebuilds). With jobs > 1 the cards, then the pages, are rendered by forked processes;
    the order and the bytes are the same whatever the number of jobs."""
    check_paths(pages)
    renderer = Renderer(site, pages, project, base_url, memo)
    rendered = pages if only is None else only
    if assets:
        yield from renderer.assets.items()
    # Templates compiled here, before any process is forked: each inherits them (and a
    # dev server's next build finds them in its memo).
    try:
        for lang, name in sorted({(page.lang or "", page.template) for page in rendered}):
            for template in (name, "_card.html", "_fallback.html"):
                renderer.envs[lang or None].get_template(template)
    except jinja2.TemplateSyntaxError as e:
        raise renderer.template_error(e.filename, e.lineno, f"template syntax error: {e.message}") from None
    # Every Markdown body (a page's "story") and every card first, shared out, so that no two
    # processes convert or render the same one; the pages' processes are forked after and
    # inherit them all (and the dev server keeps them for its next build).
    stories = {(page.context["story"].text, page.lang, renderer.base_path): (page.context["story"], page.lang)
               for page in rendered if page.context.get("story")}
    todo = [key for key in stories if key not in renderer.memo.html]
    renderer.memo.html.update(zip(todo, in_order(lambda key: renderer.render_markdown(*stories[key]), todo, jobs)))
    listed = {(page.lang, entry.slug): entry for page in rendered for entry in page.context.get("listed", ())}
    todo = [key for key in listed if key not in renderer.memo.cards]
    renderer.memo.cards.update(zip(todo, in_order(lambda key: renderer.card_for(key[0], listed[key]), todo, jobs)))
    for page, html in zip(rendered, in_order(renderer.render, rendered, jobs)):
        yield page.file, html
    if data:
        yield "sitemap.xml", sitemap.sitemap(site, pages, renderer.base_url)
        yield "robots.txt", sitemap.robots(renderer.base_url)
        yield from opendata.files(site, index, renderer.base_url).items()


PARALLEL_FROM = 200  # items; fewer are rendered faster than processes start (measured: 66 pages, 35-230 ms forked, 40-60 ms not)


def in_order(function, items: list, jobs: int) -> Iterator:
    """function(item) for every item, in order. With jobs > 1, forked processes share the
    items (the k-th takes every jobs-th one), inheriting everything `function` needs, so
    nothing is copied on the way in; each result comes back pickled through a pipe, and
    they are read round the processes in turn, so the order is the items' order."""
    if jobs <= 1 or len(items) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, items)
        return
    fork = multiprocessing.get_context("fork")
    workers, pipes = [], []
    for k in range(jobs):
        receive, send = fork.Pipe(duplex=False)
        worker = fork.Process(target=work, args=(function, items[k::jobs], send), daemon=True)
        worker.start()
        send.close()
        workers.append(worker)
        pipes.append(receive)
    try:
        for i in range(len(items)):
            ok, value = pipes[i % jobs].recv()
            if not ok:
                raise value
            yield value
    finally:
        for worker in workers:
            worker.kill()
            worker.join()
        for pipe in pipes:
            pipe.close()


def work(function, items: list, pipe) -> None:
    """A forked process's share: each result, or the error that stopped it (then nothing more)."""
    for item in items:
        try:
            pipe.send((True, function(item)))
        except ContentError as error:
            pipe.send((False, error))
            return
        except Exception as error:  # a bug: the parent raises it with the worker's traceback
            pipe.send((False, RuntimeError("".join(traceback.format_exception(error)))))
            return
    pipe.close()


def check_paths(pages: list[Page]) -> None:
    """Refuse two pages on one output path."""
    seen: set[str] = set()
    for page in pages:
        if page.file in seen:
            raise ContentError(page.sources[0] if page.sources else "content", 1, 1,
                               f"two pages would be written to {page.file}")
        seen.add(page.file)
