"""Stage 5, render: Jinja templates (autoescaped, StrictUndefined) with Babel catalogs
and CLDR formatting, Markdown through Python-Markdown, sanitized by nh3.

One Jinja environment per language: the language is fixed when the environment is
made, so no page can render with another page's catalog.
"""
from __future__ import annotations

import functools
import hashlib
import multiprocessing
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import jinja2
import markdown
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString
import nh3
from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from markupsafe import Markup

from . import views, worldmap
from . import opendata, sitemap
from .errors import ContentError
from .model import Markdown as MarkdownDoc, PartialDate, Site, Text
from .plan import Page, pages_by_key
from .resolve import Index

# Each language named in its own language, as the language switch shows it.
OWN_NAMES = {"id": "Bahasa Indonesia", "en": "English", "ja": "日本語"}
SECTION_FOLDERS = {"sectors": "sectors", "statuses": "status", "types": "types"}
FALLBACK_SLOT = "<!--kembar:fallback-->"
LINK_HREF = re.compile(r'href="(partnership|place|explainer|sector|status|type|country):([^"]*)"')
# What Markdown may produce; anything else (raw HTML from an editor) is removed.
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code", "pre",
                "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "abbr", "sup", "sub",
                "dl", "dt", "dd", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"},
                      **{f"h{n}": {"id"} for n in range(2, 7)}}


@dataclass(frozen=True)
class Project:
    """Where the engine's own files are: templates and catalogs (the content folder varies)."""

    templates: Path
    locales: Path

    @property
    def root(self) -> Path:
        return self.templates.parent


def load_translations(locales: Path, lang: str):
    """Read locales/<lang>/LC_MESSAGES/messages.po directly (no compiled .mo in the repo)."""
    po = locales / lang / "LC_MESSAGES" / "messages.po"
    if not po.is_file():
        return NullTranslations()  # the msgids are English
    return translations_from(po.read_bytes(), lang)


@functools.lru_cache(maxsize=16)  # the dev server makes new environments after every save
def translations_from(po: bytes, lang: str) -> Translations:
    buffer = BytesIO()
    write_mo(buffer, read_po(BytesIO(po), locale=lang))  # fuzzy entries are left out, as gettext does
    buffer.seek(0)
    return Translations(fp=buffer)


@functools.lru_cache(maxsize=65536)  # a pure function; each date appears on many cards
def format_partial_date(date: PartialDate, lang: str) -> str:
    """'23 Oktober 1989', 'October 1989', '1989年': never more precise than the source."""
    if date.day:
        return format_date(date.first_day(), "long", locale=lang)
    if date.month:
        return format_skeleton("yMMMM", date.first_day(), locale=lang)
    return format_skeleton("y", date.first_day(), locale=lang)


MARKDOWN_OPTIONS = {"extensions": ["tables", "sane_lists", "toc"],
                    "extension_configs": {"toc": {"slugify": slugify_unicode}}}


class Markdowner:
    """One Python-Markdown instance, reset between documents (much cheaper than one each)."""

    def __init__(self):
        self.md = markdown.Markdown(**MARKDOWN_OPTIONS)
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


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


PASS_EVAL_CONTEXT = jinja2.pass_eval_context(lambda eval_ctx: None).jinja_pass_arg


class Context(jinja2.runtime.Context):
    """Jinja's template context with a quicker call(): a page calls functions ~160 times,
    and for each call Jinja asks twice whether the function wants the context passed in
    (a quarter of a partnership page's time). A plain function or method that does not
    (no jinja_pass_arg) or wants only the evaluation context is called at once; anything
    else goes the usual way."""

    def call(__self, __obj, *args, **kwargs):
        function = __obj.__func__ if type(__obj) is types.MethodType else __obj
        if type(function) is not types.FunctionType:
            return super().call(__obj, *args, **kwargs)
        wants = function.__dict__.get("jinja_pass_arg")
        if wants is PASS_EVAL_CONTEXT:  # _(): ~50 calls a page
            args = (__self.eval_ctx, *args)
        elif wants is not None:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja does
            return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")


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
    reads: frozenset = frozenset()  # what it read, for the dev server

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
    keeps one across rebuilds and drops the cards an edit touched."""

    markdown: Markdowner = field(default_factory=Markdowner)
    html: dict[tuple, Markup] = field(default_factory=dict)  # (Markdown, lang, base path) -> sanitized HTML
    cards: dict[tuple, Card] = field(default_factory=dict)  # (lang, slug) -> card


class Renderer:
    """Renders planned pages of one site; holds one Jinja environment per language."""

    def __init__(self, site: Site, index: Index, pages: list[Page], project: Project, base_url: str | None = None,
                 memo: Memo | None = None, provinces: dict | None = None, by_key: dict | None = None):
        """`provinces` and `by_key`: views.province_index(site) and pages_by_key(pages), when the
        caller knows them already (the dev server after a small edit)."""
        self.site, self.index, self.project = site, index, project
        self.base_url = (base_url or site.config.base_url).rstrip("/") + "/"
        self.base_path = "/" + self.base_url.split("://", 1)[-1].split("/", 1)[1]
        self.by_key = pages_by_key(pages) if by_key is None else by_key
        self.memo = memo or Memo()
        self.fallbacks: list = []  # texts the page being rendered shows in another language
        self.bytecode = SharedBytecode()
        self.assets = self.read_assets()
        self.asset_urls: dict[str, str] = {}
        self.province_index = views.province_index(site) if provinces is None else provinces
        self.envs = {lang: self.make_env(lang) for lang in site.config.languages}
        self.envs[None] = self.make_env(site.config.default_lang)

    # -- assets ---------------------------------------------------------------------
    def read_assets(self) -> dict[str, bytes]:
        static = self.project.templates / "static"
        assets = {"static/" + p.relative_to(static).as_posix(): p.read_bytes()
                  for p in sorted(static.rglob("*")) if p.is_file()}
        # One stylesheet request per page: the map's styles ride along with the site's.
        if "static/map.css" in assets and "static/site.css" in assets:
            assets["static/site.css"] += b"\n" + assets.pop("static/map.css")
        return assets

    def asset(self, name: str) -> str:
        """URL of a static file, with a content hash so browsers never keep a stale copy."""
        if name not in self.asset_urls:  # hashed once: maps ask for world.svg on every page
            data = self.assets["static/" + name]
            self.asset_urls[name] = self.url("static/" + name) + "?v=" + hashlib.sha256(data).hexdigest()[:10]
        return self.asset_urls[name]

    # -- environment ------------------------------------------------------------------
    def make_env(self, lang: str) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.project.templates),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
            bytecode_cache=self.bytecode,
            auto_reload=False,  # a template never changes during one render (the dev server makes new environments)
        )
        env.context_class = Context
        translations = load_translations(self.project.locales, lang)
        env.install_gettext_translations(translations, newstyle=True)
        translated: dict[str, Markup] = {}

        # The functions templates call most take no page context: Jinja makes a new context
        # for each call of one that does from inside a loop or block. What they would have
        # put in the page's context (texts shown in another language) goes to self.fallbacks.
        @jinja2.pass_eval_context
        def _(eval_ctx, string: str, **variables):
            """Jinja's newstyle `_()` (translate, mark safe, always %-format), without its
            two extra layers of calls: templates call it ~50 times a page."""
            if not eval_ctx.autoescape:
                return translations.gettext(string) % variables
            markup = translated.get(string)
            if markup is None:
                markup = translated[string] = Markup(translations.gettext(string))
            return markup % variables if variables or "%" in markup else markup  # "a" % {} is "a"

        site, vocab = self.site, self.site.vocabulary
        locale = Locale.parse(lang)

        def t(text: Text | None):
            """The text in the page's language, or the default language marked with its lang."""
            if text is None:
                return ""
            if text.values.get(lang):
                return text.values[lang]
            self.fallbacks.append(text)
            for other in site.config.languages:
                if text.values.get(other):
                    return Markup('<span lang="{}">{}</span>').format(other, text.values[other])
            return ""

        def term(section: str, key: str):
            return getattr(vocab, section)[key]

        def term_url(section: str, key: str) -> str:
            return self.url(f"{lang}/{SECTION_FOLDERS[section]}/{key}/")

        env.globals.update(
            _=_, lang=lang, site=site.config, vocab=vocab, index=self.index,
            url=self.url, abs_url=self.abs_url, asset=self.asset, t=t, term=term, term_url=term_url,
            places=site.places, partnerships=site.partnerships, explainers=site.explainers,
            date=lambda d: format_partial_date(d, lang) if d else "",
            number=lambda n: format_decimal(n, locale=lang),
            country_name=lambda cc: locale.territories.get(cc, cc),
            own_name=lambda code: OWN_NAMES.get(code) or Locale.parse(code).get_display_name(code),
            markdown=lambda doc: self.render_markdown(doc, lang),
            # A fragment rendered in another language's catalog (the root 404 shows all three).
            render_in=lambda code, name: Markup(self.render_apart(self.envs[code].get_template(name))[0]),
            page_url=lambda key, to=lang: self.url(self.by_key[key][to].path),
            # Maps, their legend and the directory's province facet (kembar/views.py).
            partnership_map=lambda slugs, **kw: Markup(views.partnership_map(
                site, slugs, lang=lang, url=self.url, country_name=lambda cc: locale.territories.get(cc, cc),
                status_label=lambda s: views.plain(vocab.statuses[s].label, lang, site.config.default_lang),
                land_href=self.asset("world.svg") if "static/world.svg" in self.assets else None, **kw)),
            map_samples=lambda statuses: [(s, Markup(svg)) for s, svg in worldmap.legend_items(statuses)],
            province_of=self.province_index.get,
            stage_steps=lambda p: views.steps(p, vocab.statuses),
            provinces=lambda: views.provinces(self.province_index),
            # Markdown under a page's own h2 (a partnership's narrative): its ## become h3.
            demote=lambda html: Markup(re.sub(r"<(/?)h([2-5])\b", lambda m: f"<{m[1]}h{int(m[2]) + 1}", str(html))),
            list_of=lambda items: Markup(format_list([Markup.escape(i) for i in items], locale=lang)) if items else "",
        )
        env.filters["page_url"] = lambda key: self.url(self.by_key[tuple(key)][lang].path)

        def card(slug: str, heading_level: int) -> Markup:
            """A partnership's card: the same on every list of a language, so rendered once."""
            found = self.card_for(lang, slug)
            self.fallbacks.extend(found.fallbacks)
            self.reuse(found)
            return found.at(heading_level)

        env.globals["card"] = card
        return env

    def card_for(self, lang: str, slug: str) -> Card:
        if (lang, slug) not in self.memo.cards:
            self.memo.cards[lang, slug] = self.render_card(self.envs[lang], slug)
        return self.memo.cards[lang, slug]

    def render_card(self, env: jinja2.Environment, slug: str) -> Card:
        html, fallbacks = self.render_apart(env.get_template("_card.html"), slug=slug, heading_level=CARD_LEVEL)
        return Card(Markup(html), fallbacks)

    def render_apart(self, template: jinja2.Template, **context) -> tuple[str, tuple]:
        """A fragment (a card, another language's text) with its own list of fallbacks."""
        outer, self.fallbacks = self.fallbacks, []
        try:
            return template.render(fallbacks=self.fallbacks, **context), tuple(self.fallbacks)
        finally:
            self.fallbacks = outer

    def reuse(self, card: "Card") -> None:
        """Called whenever a page shows a card (the dev server notes what the card read)."""

    def url(self, path: str) -> str:
        return self.base_path + path

    def abs_url(self, path: str) -> str:
        return self.base_url + path

    def link_target(self, scheme: str, target: str, lang: str) -> str:
        folder = {"partnership": "partnerships", "place": "places", "explainer": "explainers",
                  "sector": "sectors", "status": "status", "type": "types", "country": "countries"}[scheme]
        return self.url(f"{lang}/{folder}/{target.lower() if scheme == 'country' else target}/")

    def render_markdown(self, doc: MarkdownDoc, lang: str) -> Markup:
        key = (doc.text, lang, self.base_path)  # what the HTML depends on
        if key not in self.memo.html:
            try:
                html = self.memo.markdown.convert(doc.text)
            except Exception as e:  # validate bounds nesting and length; this is the last guard
                raise ContentError(doc.path, doc.line, 1, f"cannot convert this Markdown ({type(e).__name__})") from None
            html = LINK_HREF.sub(lambda m: f'href="{self.link_target(m.group(1), m.group(2), lang)}"', html)
            self.memo.html[key] = Markup(sanitize(html))
        return self.memo.html[key]

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
            "switch": [(lang, self.url(p.path)) for lang, p in versions.items() if lang],
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


def render_site(site: Site, index: Index, pages: list[Page], project: Project, base_url: str | None = None) -> dict[str, bytes]:
    """The whole site in memory: output path -> bytes (tests, the dev server, --strict checks)."""
    outputs: dict[str, bytes] = {}
    render_into(outputs.__setitem__, site, index, pages, project, base_url)
    return outputs


def render_into(put, site: Site, index: Index, pages: list[Page], project: Project,
                base_url: str | None = None, jobs: int = 1) -> None:
    """Render every file of the site and hand each to put(path, bytes), in plan order.
    With jobs > 1 the pages are shared among forked processes (the renders are
    independent); `put` must then be a function that writes to disk, since each
    process calls its own copy. The bytes are the same whatever the number of jobs."""
    check_paths(pages)
    renderer = Renderer(site, index, pages, project, base_url)
    for name, data in renderer.assets.items():
        put(name, data)
    def write_data() -> None:
        for part in data_files(site, index, pages, renderer.base_url):
            for name, data in part.items():
                put(name, data)

    if jobs > 1 and len(pages) > PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        shares = jobs * SHARES_PER_JOB
        # Every card first, shared out, so that no two processes render the same card for
        # their lists; the page renders then inherit them all.
        cards = [(lang, slug) for slug in site.partnerships for lang in site.config.languages]

        def card_task(k: int) -> dict | ContentError:
            try:
                return {key: renderer.card_for(*key) for key in cards[k::shares]}
            except ContentError as error:
                return error

        for made in forked(card_task, shares, jobs):
            if isinstance(made, ContentError):
                raise made
            renderer.memo.cards.update(made)

        def task(k: int) -> ContentError | None:  # task 0 makes the data files, the others pages
            try:
                if k == 0:
                    write_data()
                for page in pages[k - 1::shares] if k else ():  # interleaved: the few long lists spread out
                    put(page.file, renderer.render(page))
            except ContentError as error:
                return error
            return None

        for error in forked(task, shares + 1, jobs):
            if error:
                raise error
    else:
        for page in pages:
            put(page.file, renderer.render(page))
        write_data()


PARALLEL_FROM = 50  # pages; fewer are rendered faster than processes start
SHARES_PER_JOB = 4  # smaller shares: a process that finishes early takes the next one
_job = None  # the function forked() runs, inherited by its processes


def forked(job, tasks: int, jobs: int) -> list:
    """[job(0), ..., job(tasks - 1)], run by `jobs` forked processes. The processes inherit
    the site and the renderer, so nothing is copied on the way in; job's result is pickled
    on the way out. A ContentError must be returned, not raised: the pool would set
    __cause__ on it, which a frozen dataclass refuses (and the pool then hangs)."""
    global _job
    _job = job
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_run_job, range(tasks), chunksize=1)
    finally:
        _job = None


def _run_job(share: int):
    return _job(share)


def check_paths(pages: list[Page]) -> None:
    """Refuse two pages on one output path."""
    seen: set[str] = set()
    for page in pages:
        if page.file in seen:
            raise ContentError(page.sources[0] if page.sources else "content", 1, 1,
                               f"two pages would be written to {page.file}")
        seen.add(page.file)


def data_files(site: Site, index: Index, pages: list[Page], base_url: str,
               kept: dict | None = None) -> Iterator[dict[str, bytes]]:
    """Files made from the data, not from templates: /sitemap.xml and /robots.txt, then /data/*.
    (The dev server makes them again after every edit, reusing the open data lines `kept`,
    and lets a save go first between the two parts.)"""
    yield {"sitemap.xml": sitemap.sitemap(site, pages, base_url), "robots.txt": sitemap.robots(base_url)}
    yield opendata.files(site, index, base_url, kept)
