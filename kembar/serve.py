"""The dev server: `python build.py serve`.

Builds the site once, serves the output folder under the site's base path with livereload,
and after every save re-renders only the pages the edit affects and writes only the files
whose bytes changed. While the content has errors, every HTML page is replaced by the list
of errors (in the page's language); the next good save brings the pages back.

How an edit finds its pages: the last good Site, Index and plan stay in memory, and for
every page we keep what it read: the records its context holds, the records and index
entries its templates looked up (the site's mappings are wrapped in recorders while it
renders), the static files it linked, and its template with everything that template
extends, includes or imports (from the Jinja AST). An edit is turned into the set of
things it changed (records compared to their previous version, index entries, templates,
catalog messages), and a page is rendered again only when it read one of them.

The watcher names the files saved. The most common edit, a partnership's text, is patched
into the kept build (Preview.patch) without going over the whole site; templates and
catalogs alone skip reading the content. Pages are written by the processes that render
them, and the server keeps a digest of each file it wrote, not its bytes.
"""
from __future__ import annotations

import dataclasses
import functools
import gc
import html
import itertools
import mimetypes
import multiprocessing
import operator
import os
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.meta

from .errors import ContentError, report
from .load import RawDoc, load, read_doc
from .model import Explainer, Partnership, Place
from . import feeds, i18n
from .plan import Page, feed_page, partnership_page, plan, translations_page
from .render import (SHARES_PER_JOB, Memo, Project, Renderer, SharedBytecode, check_paths, data_files, forked,
                     load_translations)
from .resolve import Index, resolve
from .validate import revise, validate
from .watch import watch
from .write import put, remove_stale

QUIET_SECONDS = 0.05  # changes closer together than this (a save, a git checkout) become one rebuild
PARALLEL_FROM = 200  # pages to render before forking pays for itself (the pages come back pickled)
TIDY_AFTER_SECONDS = 0.25  # after a rebuild, time for the browser to fetch the page before the data files are made
LATER_FROM = 500  # more pages than this to render after an edit: the pages shown lately first, the rest after the reload
LATER_BYTES = 10_000_000  # or pages weighing more than this (~0.5 s of rendering; N=10,000's directory is 15 MB)
LATER_CHUNK = 1000  # pages rendered at a time after the reload; requests and saves are answered in between
SHOWN_KEEP = 10  # pages the browser asked for lately, rendered before the reload
RACY_NS = 2_000_000_000  # a file younger than this when read may change within the same mtime tick
FALLBACK_TEMPLATE = "_fallback.html"  # Renderer.render adds it to any page with fallbacks
ERROR_TEMPLATE = "_errors.html"
MODEL_TAGS = {Partnership: "partnership", Place: "place", Explainer: "explainer"}
PLAIN = {str, int, float, bool, type(None)}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8", ".mjs": "application/javascript; charset=utf-8",
    ".json": "application/json", ".geojson": "application/geo+json", ".xml": "application/xml",
    ".svg": "image/svg+xml", ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json", ".wasm": "application/wasm", ".woff2": "font/woff2",
    ".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp", ".ico": "image/x-icon",
}


# -- reading content: parse again only what changed ------------------------------------------

@dataclass
class Entry:
    stamp: tuple
    trusted: bool  # the file was old when read, so an unchanged stamp means unchanged bytes
    kind: str
    slug: str
    result: RawDoc | ContentError


class ReadCache:
    """A `read` for load(): returns the cached document while a file's stat is unchanged,
    and remembers which files changed (or appeared, or went away) since the last take()."""

    def __init__(self):
        self.entries: dict[str, Entry] = {}
        self.changed: dict[str, tuple[str, str]] = {}  # shown path -> (kind, slug)
        self.seen: set[str] = set()

    def __call__(self, path: Path | str, shown: str, kind: str, slug: str, lang: str | None) -> RawDoc:
        self.seen.add(shown)
        try:
            st = os.stat(path)
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino, kind, slug, lang)
        except OSError:
            st, stamp = None, None
        entry = self.entries.get(shown)
        if entry and stamp and entry.stamp == stamp and entry.trusted:
            result = entry.result
        else:
            read_at = time.time_ns()
            try:
                result = read_doc(path, shown, kind, slug, lang)
            except ContentError as error:
                result = error
            if entry is None or not same(entry.result, result):
                self.changed[shown] = (kind, slug)
            trusted = st is not None and read_at - st.st_mtime_ns > RACY_NS
            self.entries[shown] = Entry(stamp, trusted, kind, slug, result)
        if isinstance(result, ContentError):
            raise result
        return result

    def reread(self, path: str, shown: str) -> tuple[RawDoc, bool]:
        """A file the watcher says was saved, read again whatever its stat says: the
        document, and whether it differs from the one before. The file was read before."""
        entry = self.entries[shown]
        entry.trusted = False
        doc = self(path, shown, entry.kind, entry.slug, entry.result.lang)
        return doc, shown in self.changed

    def take(self) -> dict[str, tuple[str, str]]:
        """What changed since the last call (files that went away included)."""
        for gone in self.entries.keys() - self.seen:
            entry = self.entries.pop(gone)
            self.changed[gone] = (entry.kind, entry.slug)
        changed, self.changed, self.seen = self.changed, {}, set()
        return changed


def same(a, b) -> bool:
    if isinstance(a, RawDoc) and isinstance(b, RawDoc):
        return (a.kind, a.slug, a.lang, a.lines) == (b.kind, b.slug, b.lang, b.lines)
    return a == b


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (templates, catalogs: a few dozen small files)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")}


# -- rendering: remember what each page read -----------------------------------------------------

class Recorder(Mapping):
    """A read-only view of one of the site's mappings that notes what the page being
    rendered looks up: (tag, key, '') for an item's existence, (tag, key, field) for each
    field of a record it reads (so a page listing records is not rendered again when a
    field it does not show changes), (tag, '*') for the set or order of the keys."""

    def __init__(self, data: Mapping, tag, renderer: "TrackingRenderer", records: bool = False):
        self.data, self.tag, self.renderer, self.records = data, tag, renderer, records

    def __getitem__(self, key):
        if self.tag == "content":
            self.renderer.reads.add(("content", "*"))
            return self.data[key]
        self.renderer.reads.add((self.tag, key, ""))
        value = self.data[key]
        return RecordView(value, (self.tag, key), self.renderer) if self.records else value

    def __contains__(self, key):
        self.renderer.reads.add(("content", "*") if self.tag == "content" else (self.tag, key, ""))
        return key in self.data

    def __iter__(self):
        self.renderer.reads.add((self.tag, "*"))
        return iter(self.data)

    def __len__(self):
        self.renderer.reads.add((self.tag, "*"))
        return len(self.data)


class RecordView:
    """A record as a template sees it through a Recorder: each field read is noted."""

    __slots__ = ("_record", "_key", "_renderer")

    def __init__(self, record, key, renderer):
        self._record, self._key, self._renderer = record, key, renderer

    def __getattr__(self, name):
        self._renderer.reads.add((*self._key, name))
        return getattr(self._record, name)


class IndexRecorder:
    """The Index, with each of its mappings behind a Recorder."""

    def __init__(self, index: Index, renderer: "TrackingRenderer"):
        self.index, self.renderer = index, renderer

    def __getattr__(self, name):
        value = getattr(self.index, name)
        if isinstance(value, Mapping):
            return Recorder(value, ("index", name), self.renderer)
        self.renderer.reads.add((("index", name), "*"))
        return value


# Globals that read nothing from the content beyond the site settings and the vocabulary
# (whose edits re-render everything anyway) or what they are given as arguments.
PURE_GLOBALS = {"lang", "site", "vocab", "url", "abs_url", "t", "term", "term_url", "date", "number",
                "country_name", "own_name", "markdown", "list_of", "map_samples", "demote",
                "gettext", "ngettext", "pgettext", "npgettext", "_",
                "range", "dict", "lipsum", "cycler", "joiner", "namespace",
                "card", "stage_steps"}  # a card's reads are noted by TrackingRenderer.render_card and reuse


class TrackingRenderer(Renderer):
    """The build's Renderer, plus a note of what each page read while it rendered.

    The site's mappings and the index go behind Recorders; asset(), page_url() and
    render_in() note the file, page or template and catalog they use, _() and the other
    gettext functions each UI string. Any other global
    function (one a template author adds, e.g. a map drawn from the site) is assumed to read
    any record: a page calling it is rendered again after every content edit."""

    def __init__(self, *args, bytecode: jinja2.BytecodeCache | None = None, **kwargs):
        self.shared_bytecode = bytecode
        self.reads: set = set()
        super().__init__(*args, **kwargs)

    def make_env(self, lang):
        env = super().make_env(lang)
        if self.shared_bytecode is not None:
            env.bytecode_cache = self.shared_bytecode
        g = env.globals
        for name, tag in (("partnerships", "partnership"), ("places", "place"), ("explainers", "explainer")):
            g[name] = Recorder(g[name], tag, self, records=True)
        g["index"] = IndexRecorder(g["index"], self)
        site = self.site

        def parties(slugs):
            return {("place", party) for slug in slugs if slug in site.partnerships
                    for party in site.partnerships[slug].parties}

        def fields_of(slugs, *names):
            return {("partnership", slug, name) for slug in slugs for name in ("", *names)}

        # What the functions render.py gives templates read (kept in step with kembar/views.py):
        # (tag, slug, field) one field, (tag, slug) any field of that record, (tag, '~') any
        # record of that kind. A global missing here counts as reading everything.
        notes = {
            "asset": lambda name, *a, **k: {("asset", name)},
            "page_url": lambda key, *a, **k: {("page", tuple(key))},
            "render_in": lambda code, name, *a, **k: {("template", name), ("catalog", code)},
            "partnership_map": lambda slugs, *a, **k: fields_of(slugs, "parties", "status") | parties(slugs),
            "province_of": lambda slug, *a, **k: {("province", slug)},
            "provinces": lambda *a, **k: {("province", "*")},
        }
        for name, value in list(g.items()):
            if name in notes:
                g[name] = self.noting(value, notes[name])
            elif name not in PURE_GLOBALS and callable(value) and not isinstance(value, (Recorder, IndexRecorder)):
                g[name] = self.noting(value, lambda *a, **k: {("content", "*")})
            elif name not in PURE_GLOBALS and isinstance(value, Mapping) and not isinstance(value, Recorder):
                g[name] = Recorder(value, "content", self)  # a mapping made from the content: any edit
        if "page_url" in env.filters:
            env.filters["page_url"] = self.noting(env.filters["page_url"], notes["page_url"])
        # Each UI string a page looks up, so a catalog edit renders only the pages that show it.
        for name, at in (("_", 0), ("gettext", 0), ("ngettext", 0), ("pgettext", 1), ("npgettext", 1)):
            if name in g:
                g[name] = self.noting_msgid(g[name], at, lang)
        return env

    def noting_msgid(self, function, at: int, lang: str):
        """A gettext function (given the context or evaluation context first, as Jinja calls
        it) that notes ("msgid", lang, id): its argument number `at` is the message id."""
        keys: dict[str, tuple] = {}

        def noted(first, *args, **kwargs):
            msgid = args[at]
            key = keys.get(msgid)
            if key is None:
                key = keys[msgid] = ("msgid", lang, msgid)
            self.reads.add(key)
            return function(first, *args, **kwargs)

        noted.jinja_pass_arg = function.jinja_pass_arg
        return noted

    def noting(self, function, note):
        @functools.wraps(function)
        def noted(*args, **kwargs):
            self.reads |= note(*args, **kwargs)
            return function(*args, **kwargs)
        return noted

    def render_card(self, env, slug):
        """Render a card with its own set of reads, kept with it for every page that shows it."""
        outer, self.reads = self.reads, {("template", "_card.html"), ("catalog", env.globals["lang"])}
        try:
            card = super().render_card(env, slug)
            return dataclasses.replace(card, reads=frozenset(self.reads))
        finally:
            self.reads = outer

    def reuse(self, card):
        self.reads |= card.reads

    def render_tracked(self, page: Page) -> tuple[bytes, frozenset]:
        self.reads = {("template", page.template), ("template", FALLBACK_TEMPLATE),
                      ("catalog", page.lang or self.site.config.default_lang)}
        data = self.render(page)
        return data, frozenset(self.reads)


def signature(value, keys: set):
    """The page context as plain comparable data: records become keys (added to `keys`,
    so the page depends on them), everything else stays as it is."""
    kind = type(value)
    if kind in PLAIN:
        return value
    tag = MODEL_TAGS.get(kind)
    if tag:
        keys.add((tag, value.slug))
        return (tag, value.slug)
    if kind is tuple or kind is list:
        if all(type(v) is str for v in value):
            return tuple(value)
        return tuple(signature(v, keys) for v in value)
    if isinstance(value, Mapping):
        return tuple((k, signature(v, keys)) for k, v in value.items())
    if kind is functools.partial:  # partials compare by identity; compare what they call
        return ("partial", value.func, signature(value.args, keys), signature(value.keywords, keys))
    return value


@functools.lru_cache(maxsize=256)  # every template edit asks again about all of them (0.15 s)
def referenced_templates(source: bytes) -> frozenset:
    """The names a template's source extends, includes or imports; None among them if one
    is computed at render time or the source does not parse."""
    parser = jinja2.Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do"])
    try:
        return frozenset(jinja2.meta.find_referenced_templates(parser.parse(source.decode("utf-8"))))
    except (jinja2.TemplateSyntaxError, UnicodeDecodeError):
        return frozenset({None})


def template_closure(templates: dict[str, bytes]) -> dict[str, frozenset]:
    """Template name -> itself and every template it extends, includes or imports, transitively.
    A template whose references cannot be known (a name computed at render time, a syntax
    error) depends on every template."""
    names = [n for n in templates if not n.startswith("static/")]
    direct: dict[str, set] = {}
    for name in names:
        refs = referenced_templates(templates[name])
        direct[name] = set(names) if None in refs else set(refs)
    closure = {}
    for name in names:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(direct.get(current, ()))
        closure[name] = frozenset(seen)
    return closure


# -- the incremental build -------------------------------------------------------------------

@dataclass
class Good:
    """The last build that rendered: what the next edit is compared with."""

    site: object
    index: Index
    pages: dict[str, Page]  # output file -> page
    groups: dict[tuple, tuple]  # page key -> its versions (lang, path, translated): alternates, switch
    outputs: dict[str, bytes | None]  # output file -> digest of what is on disk (None: not known)
    reads: dict[str, frozenset]  # output file -> what the page read
    contexts: dict[str, tuple]  # output file -> context signature
    assets: dict[str, bytes]  # static files as the Renderer serves them
    templates: dict[str, bytes]
    catalogs: dict[str, bytes]
    data: dict[str, bytes | None]  # the files render.data_files makes -> digest
    provinces: dict  # partnership -> its province (views.province_index)
    by_key: dict  # page key -> its versions (render.pages_by_key)


@dataclass
class Result:
    rendered: list[str] = field(default_factory=list)  # output files of the pages rendered
    written: list[str] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    seconds: float = 0.0
    patched: bool = False  # Preview.patch() did it: only the edited records were looked at
    later: int = 0  # pages left to render after the reload


class Preview:
    """The dev server's build: full once, then incremental. Pure apart from reading the
    project and writing the output folder; the HTTP side only reads its state."""

    def __init__(self, content: Path, out: Path, project: Project):
        self.content, self.out, self.project = Path(content), Path(out), project
        self.cache = ReadCache()
        self.validated: dict = {}  # validate()'s memo: records of the documents that did not change
        self.bytecode = SharedBytecode()  # compiled templates kept across rebuilds
        self.memo = Memo()  # converted Markdown and rendered cards, kept across rebuilds
        self.data_due: tuple | None = None  # arguments of data_files() after a content edit
        self.data_kept: dict = {}  # the open data's lines, made again only for records that changed
        self.aside: threading.Thread | None = None  # remaking the data files meanwhile
        self.good: Good | None = None
        self.errors: list[ContentError] = []
        self.pending: dict[str, tuple[str, str]] = {}  # content files changed since the last good build
        self.base_path = "/"
        self.languages: tuple[str, ...] = ("id", "en", "ja")
        self.shown: dict[str, None] = {}  # the HTML files served lately, oldest first
        self.later: dict[str, None] = {}  # pages an edit changed, rendered after the reload (digest None)

    def rebuild(self, changes: set[str] | None = None) -> Result:
        """Build again after the files `changes` (None: unknown, look at every file)."""
        start = time.perf_counter()
        result = Result()
        gc.disable()  # the collector's full passes over the site would stall the edit; tidy_up() runs it
        try:
            content = os.path.join(os.path.abspath(self.content), "")
            if changes is not None and not any(os.path.abspath(path).startswith(content) for path in changes):
                self._rebuild(result, content_changed=False)  # templates or catalogs only
            elif changes is None or not self.patch(changes, result):
                self._rebuild(result)
        except ContentError as error:
            result.errors = [error]
        except Exception as error:  # a bug, or a catalog Babel cannot read: keep serving, show it
            traceback.print_exc()
            result.errors = [ContentError("kembar", 1, 1, f"internal error: {type(error).__name__}: {error}")]
        finally:
            gc.enable()
        self.errors = result.errors
        result.later = len(self.later)
        if result.errors:  # cards rendered from content that did not build: never reuse them
            self.memo.cards.clear()
        result.seconds = time.perf_counter() - start
        return result

    def _rebuild(self, result: Result, content_changed: bool = True) -> None:
        good = self.good
        if content_changed or good is None or self.pending or self.errors:
            docs, errors = load(self.content, read=self.cache)
            self.pending.update(self.cache.take())
            self.base_path = base_path_of(docs) or self.base_path
            site, more = validate(docs, self.validated)
            if errors or more or site is None:
                result.errors = errors + more
                return
            self.languages = site.config.languages
            index, provinces = resolve(site), None
            pages = plan(site, index, self.project)
            if good is not None and (site.config != good.site.config or site.vocabulary != good.site.vocabulary):
                good = None  # the site settings or the vocabulary reach every page
        else:  # templates or catalogs only: the site, its index and its pages are the last build's
            site, index, provinces = good.site, good.index, good.provinces
            pages = list(good.pages.values())
        templates = snapshot(self.project.templates)
        catalogs = {lang: data for lang in site.config.languages
                    if (data := read_catalog(self.project.locales, lang)) is not None}
        if not content_changed and good is not None and catalogs != good.catalogs:
            todo = i18n.todo(site, self.project)  # the translations page counts the UI strings
            pages = [translations_page(todo, page.lang) if page.key == ("translations",) else page for page in pages]
        renderer = TrackingRenderer(site, index, pages, self.project, bytecode=self.bytecode, memo=self.memo,
                                    provinces=provinces)
        contexts, context_keys = {}, {}
        for page in pages:
            if good is not None and good.pages.get(page.file) is page:
                contexts[page.file] = good.contexts[page.file]  # its keys are in good.reads already
            else:
                context_keys[page.file] = keys = set()
                contexts[page.file] = signature(page.context, keys)
        groups = group_signatures(pages)
        todo = self.affected(site, index, pages, groups, contexts, renderer.assets, templates, catalogs,
                             renderer.province_index, good)
        check_paths(pages)
        previous = self.good.outputs if self.good else None  # the digests of what is on disk
        self.out.mkdir(parents=True, exist_ok=True)
        rendered = self.render(self.now([page for page in pages if page.file in todo]), renderer, previous, result)
        outputs: dict[str, bytes | None] = {}  # file -> digest
        reads = {}
        for page in pages:
            if page.file in self.later:  # rendered after the reload
                outputs[page.file], reads[page.file] = None, frozenset()
            elif page.file in rendered:
                outputs[page.file], read = rendered[page.file]
                if page.file not in context_keys:
                    signature(page.context, context_keys.setdefault(page.file, set()))
                reads[page.file] = read | context_keys[page.file]
                result.rendered.append(page.file)
            else:
                outputs[page.file], reads[page.file] = good.outputs[page.file], good.reads[page.file]
        self.later = {file: None for file in self.later if file in outputs}  # pages that went away
        # The sitemap and open data are made from the content alone. After a content edit they
        # are remade by tidy_up(), once the browser has the edited page.
        files = dict(renderer.assets)
        if good is None:
            if self.aside is not None:
                self.aside.join()  # it may be writing the data files of an earlier edit
            for part in data_files(site, index, pages, renderer.base_url, self.data_kept):
                files.update(part)
            self.data_due = None
        elif self.pending:
            self.data_due = (site, index, pages, renderer.base_url)
        for name, data in files.items():
            outputs[name], wrote = put(self.out, name, data, previous.get(name) if previous else None)
            if wrote:
                result.written.append(name)
        data = good.data if good is not None else {name: outputs[name] for name in files if name not in renderer.assets}
        outputs.update(data)
        result.written += remove_stale(self.out, outputs.keys(), previous)
        self.good = Good(site, index, {p.file: p for p in pages}, groups, outputs, reads, contexts,
                         dict(renderer.assets), templates, catalogs, data, renderer.province_index, renderer.by_key)
        self.pending = {}

    def patch(self, changes: set[str], result: Result) -> bool:
        """The most common edit, made without going over the whole site: files of existing
        partnerships (records, narratives) saved again, nothing else, and the edit leaves
        every list, index and map as it was (a text was corrected or translated). Returns
        False, having changed nothing but the read cache, for any other edit: then
        _rebuild() looks at everything."""
        good = self.good
        if good is None or self.errors or self.pending:
            return False
        folder, root_name = os.path.abspath(self.content / "partnerships"), self.content.resolve().name
        edited = []
        for path in changes:
            where, name = os.path.split(os.path.abspath(path))
            if name.startswith("."):
                continue  # an editor's swap or backup file, which load() leaves out too
            shown = f"{root_name}/partnerships/{name}"
            entry = self.cache.entries.get(shown)
            if (where != folder or entry is None or not isinstance(entry.result, RawDoc)
                    or os.path.islink(path) or not os.path.isfile(path)):
                return False
            try:
                doc, differs = self.cache.reread(path, shown)
            except ContentError:
                return False
            if differs:
                edited.append(doc)
        site, _ = revise(good.site, edited) if edited else (good.site, [])  # errors: _rebuild() reports them all
        if site is None:
            return False
        slugs = {doc.slug for doc in edited}
        before = {slug: good.site.partnerships[slug] for slug in slugs}
        after = {slug: site.partnerships[slug] for slug in slugs}
        if any(listed(before[slug]) != listed(after[slug]) for slug in slugs):
            return False  # it moves in lists, the index or a map: resolve and plan everything
        result.patched = True
        for doc in edited:
            self.cache.changed.pop(doc.path, None)
        if not edited:
            return True

        # The pages made from the edited records, and the feed and translations page if they change.
        languages = site.config.languages
        fresh = {page.file: page for slug in slugs for page in (partnership_page(after[slug], lang) for lang in languages)}
        entries = good.pages[f"{languages[0]}/feed.xml"].context["entries"]
        if all([e.date for e in before[slug].timeline] == [e.date for e in after[slug].timeline] for slug in slugs):
            entries = feeds.renew(entries, after) if any(u.partnership.slug in slugs for u in entries) else entries
        else:
            entries = feeds.updates(site)
        if entries is not good.pages[f"{languages[0]}/feed.xml"].context["entries"]:
            fresh.update((page.file, page) for page in (feed_page(entries, lang, languages) for lang in languages))
        if any(i18n.missing_in(good.site, doc.path) != i18n.missing_in(site, doc.path) for doc in edited):
            todo = i18n.todo(site, self.project)
            fresh.update((page.file, page) for page in (translations_page(todo, lang) for lang in languages))
        contexts, context_keys = {}, {}
        for file, page in fresh.items():
            context_keys[file] = keys = set()
            contexts[file] = signature(page.context, keys)
        dirty = changed_records(good.site, site, {doc.path: (doc.kind, doc.slug) for doc in edited})
        dirty |= {(key[0], "~") for key in dirty if len(key) == 2}
        if dirty:
            dirty.add(("content", "*"))  # read by template functions that may look at any record
        for key in [key for key, card in self.memo.cards.items() if not dirty.isdisjoint(card.reads)]:
            del self.memo.cards[key]  # in place: the renderer's environments hold this dict
        reading = itertools.compress(good.reads, map(operator.not_, map(dirty.isdisjoint, good.reads.values())))
        todo = [fresh.get(file) or good.pages[file] for file in dict.fromkeys([*fresh, *reading])]

        by_key: dict[tuple, dict] = {}  # the versions of each fresh page's key, all of them fresh
        for page in fresh.values():
            by_key.setdefault(page.key, dict(good.by_key[page.key]))[page.lang] = page
        renderer = TrackingRenderer(site, good.index, (), self.project, bytecode=self.bytecode, memo=self.memo,
                                    provinces=good.provinces, by_key=good.by_key | by_key)
        rendered = self.render(self.now(todo), renderer, good.outputs, result)
        good.outputs.update(dict.fromkeys(self.later))
        # Rendered: the kept build takes the edit in place (copying its dicts would cost more than the edit).
        for file, (data, read) in rendered.items():
            good.outputs[file], good.reads[file] = data, read | context_keys.get(file, frozenset())
            result.rendered.append(file)
        good.pages.update(fresh)
        good.contexts.update(contexts)
        good.groups.update(group_signatures(fresh.values()))
        good.by_key.update(by_key)
        good.site = site
        self.data_due = (site, good.index, good.pages.values(), renderer.base_url)  # the open data shows these texts
        return True

    def now(self, pages: list[Page]) -> list[Page]:
        """Of the pages an edit changed, those to render before the reload: all of them,
        unless they are many or heavy; then only those the browser showed lately, and the rest go to
        self.later, rendered a chunk at a time after the reload (render_later) or when asked
        for (App). As Hugo's server does, so a template edit shows at once on any site."""
        for page in pages:
            self.later.pop(page.file, None)
        if self.good is None or (len(pages) <= LATER_FROM and self.weight(pages) <= LATER_BYTES):
            return pages
        now = [page for page in pages if page.file in self.shown]
        self.later.update((page.file, None) for page in pages if page.file not in self.shown)
        return now

    def weight(self, pages: list[Page]) -> int:
        """The bytes of the pages' files as they are: what rendering them again roughly costs."""
        total = 0
        for page in pages:
            try:
                total += os.stat(os.path.join(self.out, page.file)).st_size
            except OSError:
                pass
        return total

    def render_later(self, files=None) -> Result:
        """Render pages left for after the reload: `files` (a page asked for), or the next
        chunk. Their digests and reads go into the kept build."""
        good, result = self.good, Result()
        start = time.perf_counter()
        files = list(files if files is not None else itertools.islice(self.later, LATER_CHUNK))
        pages = [good.pages[file] for file in files if file in good.pages]
        for file in files:
            self.later.pop(file, None)
        renderer = TrackingRenderer(good.site, good.index, (), self.project, bytecode=self.bytecode, memo=self.memo,
                                    provinces=good.provinces, by_key=good.by_key)
        gc.disable()
        try:
            rendered = self.render(pages, renderer, good.outputs, result)
            for file, (digest, read) in rendered.items():
                signature(good.pages[file].context, keys := set())
                good.outputs[file], good.reads[file] = digest, read | keys
                result.rendered.append(file)
        except ContentError as error:  # a template that fails on some page: show it
            self.later.update(dict.fromkeys(files))
            self.errors = result.errors = [error]
            self.memo.cards.clear()
        finally:
            gc.enable()
        result.seconds, result.later = time.perf_counter() - start, len(self.later)
        return result

    def render(self, pages: list[Page], renderer: "TrackingRenderer", previous: dict | None,
               result: Result) -> dict[str, tuple[bytes, frozenset]]:
        """Render the pages and write those whose bytes changed (`previous`: the digests of
        what is on disk). Returns each page's digest and what it read. Many pages (the first
        build, a template edit) are shared among forked processes, which write their pages
        and send back the cards and Markdown they made."""
        def render_and_put(page: Page) -> tuple[bytes, bool, frozenset]:
            data, reads = renderer.render_tracked(page)
            return (*put(self.out, page.file, data, previous.get(page.file) if previous else None), reads)

        try:
            jobs = os.cpu_count() or 1
            if jobs < 2 or len(pages) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
                done = {page.file: render_and_put(page) for page in pages}
            else:
                done = self.render_forked(pages, render_and_put, jobs)
        except ContentError:
            if self.good is not None:  # some pages may be on disk already: their digests are not known
                self.good.outputs.update(dict.fromkeys((page.file for page in pages), None))
                self.good.outputs.update(dict.fromkeys(self.later))
            raise
        result.written += [file for file, (_, wrote, _) in done.items() if wrote]
        return {file: (digest, reads) for file, (digest, _, reads) in done.items()}

    def render_forked(self, pages: list[Page], render_and_put, jobs: int) -> dict[str, tuple]:
        if self.aside is not None:
            self.aside.join()  # never fork while another thread runs: it may hold a lock
        memo = self.memo
        cards_before, html_before = set(memo.cards), set(memo.html)
        shares = jobs * SHARES_PER_JOB

        def share(k: int):
            try:
                done = {page.file: render_and_put(page) for page in pages[k::shares]}
            except ContentError as error:
                return error
            return (done, {key: card for key, card in memo.cards.items() if key not in cards_before},
                    {key: html for key, html in memo.html.items() if key not in html_before})

        done = {}
        for outcome in forked(share, shares, jobs):
            if isinstance(outcome, ContentError):
                raise outcome
            made, cards, html = outcome
            done.update(made)
            memo.cards.update(cards)  # in place: the renderer's environments hold this dict
            memo.html.update(html)
        return done

    def tidy_up(self) -> list[str]:
        """What can wait until the browser has reloaded: remake the sitemap and open data
        after a content edit, and collect garbage. Returns the files written."""
        written = []
        if self.aside is not None:
            self.aside.join()  # one remake at a time
        if self.data_due is not None and not self.errors and self.good is not None:
            written = self.took_data(self.data_due, *self.remake_data(self.data_due))
        self.data_due = None
        # What survives is the site we keep: frozen, later collections pass it by (a full
        # collection at N=10,000 takes 3 s). Cycles in it that later become garbage stay
        # (there are hardly any: records, pages and outputs hold no cycles).
        gc.collect()
        gc.freeze()
        return written

    def remake_data(self, due: tuple, give_way=lambda: False) -> tuple[dict[str, bytes], list[str], bool]:
        """Make the data files from `due` (data_files' arguments) and write those that
        changed: their digests, the files written, and whether all were made. (The server
        runs it aside, and stops between parts when give_way() says a save is waiting:
        the two would share the interpreter, and the save is what the editor waits for.)"""
        digests, written = {}, []
        for part in data_files(*due, self.data_kept):
            for name, body in part.items():
                digests[name], wrote = put(self.out, name, body, self.good.data.get(name))
                if wrote:
                    written.append(name)
            if give_way():  # (after the last part too: then it is made again, which is rare and harmless)
                return digests, written, False
        return digests, written, True

    def took_data(self, due: tuple, digests: dict[str, bytes], written: list[str], done: bool = True) -> list[str]:
        """Keep the digests of the data files a remake from `due` wrote: they are what is on
        disk now, and up to date unless an edit came meanwhile (then its remake is due),
        or the remake stopped before the end (not `done`: it is still due)."""
        if due is self.data_due and done:
            self.data_due = None
        self.good.data.update(digests)
        self.good.outputs.update(digests)
        return written

    def remake_data_aside(self, due: tuple, then, give_way) -> None:
        """remake_data(due, give_way) on a thread of its own, then then(its result, or None
        if it failed) on that thread. (A forked process would leave the server's memory
        copy-on-write, and the next edit would pay for every page it touches.)"""
        def run():
            try:
                result = self.remake_data(due, give_way)
            except Exception:
                traceback.print_exc()
                result = None
            then(result)

        self.aside = threading.Thread(target=run, name="kembar: data files", daemon=True)
        self.aside.start()

    def forget_data(self) -> None:
        """The data files on disk may have been written by a remake that failed."""
        if self.good is not None:
            unknown = dict.fromkeys(self.good.data)
            self.good.data.update(unknown)
            self.good.outputs.update(unknown)

    def affected(self, site, index, pages, groups, contexts, assets, templates, catalogs, provinces,
                 good: Good | None) -> set[str]:
        """The output files of the pages that must be rendered again: those that read
        something the edits since the last good build changed."""
        if good is None:
            self.memo.cards.clear()
            return {page.file for page in pages}
        dirty = changed_records(good.site, site, self.pending) | changed_index(good.index, index)
        moved = {slug for slug in provinces.keys() | good.provinces.keys() if provinces.get(slug) != good.provinces.get(slug)}
        dirty |= {("province", slug) for slug in moved} | ({("province", "*")} if moved else set())
        dirty |= {(key[0], "~") for key in dirty if len(key) == 2}  # "some record of this kind changed"
        if dirty:
            dirty.add(("content", "*"))  # read by template functions that may look at any record
        dirty |= {("asset", name.removeprefix("static/")) for name in assets.keys() | good.assets.keys()
                  if assets.get(name) != good.assets.get(name)}
        changed_templates = {name for name in templates.keys() | good.templates.keys()
                             if not name.startswith("static/") and templates.get(name) != good.templates.get(name)}
        if changed_templates:
            dirty |= {("template", name) for name in changed_templates}
            dirty |= {("template", name) for name, uses in template_closure(templates).items() if uses & changed_templates}
        for lang in catalogs.keys() | good.catalogs.keys():
            if catalogs.get(lang) != good.catalogs.get(lang):
                dirty |= catalog_changes(lang, good.catalogs.get(lang), catalogs.get(lang))
        dirty |= {("page", key) for key in groups.keys() | good.groups.keys() if groups.get(key) != good.groups.get(key)}
        for key in [key for key, card in self.memo.cards.items() if not dirty.isdisjoint(card.reads)]:
            del self.memo.cards[key]  # in place: the renderer's environments hold this dict
        changed_files = set(self.pending)
        todo = set()
        for page in pages:
            old = good.pages.get(page.file)
            if (old is None
                    or (old.key, old.lang, old.template, old.translated, old.sources)
                    != (page.key, page.lang, page.template, page.translated, page.sources)
                    or ("page", page.key) in dirty  # its alternates and language switch
                    or good.outputs[page.file] is None  # written by a render that failed
                    or changed_files.intersection(page.sources)
                    or not dirty.isdisjoint(good.reads[page.file])
                    or contexts[page.file] != good.contexts[page.file]):
                todo.add(page.file)
        return todo

    def error_page(self, lang: str | None) -> bytes:
        return error_page(self.errors, lang if lang in self.languages else self.languages[0], self.project)


def base_path_of(docs) -> str | None:
    """The path of site.yaml's base_url ('/kota-kembar/'), read from the raw document so it
    is known even while the content has errors."""
    for doc in docs:
        if doc.kind == "site" and doc.data is not None and hasattr(doc.data, "value") and isinstance(doc.data.value, list):
            for key, value in doc.data.value:
                if getattr(key, "value", None) == "base_url" and isinstance(getattr(value, "value", None), str):
                    path = urlsplit(value.value.strip()).path
                    return "/" + path.strip("/") + "/" if path.strip("/") else "/"
    return None


def read_catalog(locales: Path, lang: str) -> bytes | None:
    po = locales / lang / "LC_MESSAGES" / "messages.po"
    return po.read_bytes() if po.is_file() else None


def catalog_changes(lang: str, old: bytes | None, new: bytes | None) -> set:
    """What an edit to a language's catalog changed: ("msgid", lang, id) for each message
    whose translation or fuzzy mark changed, came or went; ("catalog", lang), read by every
    page of the language, when the catalog came or went, its plural forms changed, or
    either version cannot be read."""
    try:
        before, after = (i18n.parse_catalog(data, lang) if data is not None else None for data in (old, new))
    except Exception:  # the render reports it
        return {("catalog", lang)}
    if before is None or after is None or before.plural_forms != after.plural_forms:
        return {("catalog", lang)}
    a, b = ({(m.context, m.id): (m.string, m.fuzzy) for m in catalog if m.id} for catalog in (before, after))
    return {("msgid", lang, msgid[0] if isinstance(msgid, (tuple, list)) else msgid)
            for context, msgid in a.keys() | b.keys() if a.get((context, msgid)) != b.get((context, msgid))}


def group_signatures(pages) -> dict[tuple, tuple]:
    groups: dict[tuple, list] = {}
    for page in pages:
        groups.setdefault(page.key, []).append((page.lang or "", page.path, page.translated))
    return {key: tuple(versions) for key, versions in groups.items()}


def listed(p: Partnership) -> tuple:
    """What puts a partnership in lists, indexes and maps (resolve(), plan(), views.py)."""
    return p.parties, p.type, p.status, p.sectors, p.as_of


def changed_records(old, new, files: dict[str, tuple[str, str]]) -> set:
    """What the edits changed among the records: (tag, slug) for a record that changed at
    all, (tag, slug, field) for each field (or property) whose value changed,
    (tag, slug, '') for a record that appeared or went away, (tag, '*') when the records or
    their order changed. Only records whose files changed are compared."""
    dirty = set()
    touched: dict[str, set] = {}
    for kind, slug in files.values():
        touched.setdefault({"narrative": "partnership"}.get(kind, kind), set()).add(slug)
    for tag, attr in (("partnership", "partnerships"), ("place", "places"), ("explainer", "explainers")):
        before, after = getattr(old, attr), getattr(new, attr)
        if list(before) != list(after):
            dirty.add((tag, "*"))
        for slug in touched.get(tag, set()) | (before.keys() ^ after.keys()):
            a, b = before.get(slug), after.get(slug)
            if a is None or b is None:
                dirty |= {(tag, slug), (tag, slug, "")}
            elif a != b:
                dirty.add((tag, slug))
                dirty |= {(tag, slug, name) for name in field_names(a) if getattr(a, name) != getattr(b, name)}
    return dirty


def field_names(record) -> list[str]:
    cls = type(record)
    return [f.name for f in fields(cls)] + [name for name, v in vars(cls).items() if isinstance(v, property)]


def changed_index(old: Index, new: Index) -> set:
    dirty = set()
    for f in fields(Index):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if before == after:
            continue
        tag = ("index", f.name)
        if isinstance(before, Mapping):
            if list(before) != list(after):
                dirty.add((tag, "*"))
            dirty |= {(tag, key) for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
        else:
            dirty.add((tag, "*"))
    return dirty


# -- the error page -----------------------------------------------------------------------------

def error_page(errors: list[ContentError], lang: str, project: Project) -> bytes:
    """Every error as `path:line:col: message` with its source line, in the page's language."""
    errors = sorted(set(errors))
    try:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(project.templates), autoescape=True,
                                 extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined)
        env.install_gettext_translations(load_translations(project.locales, lang), newstyle=True)
        return env.get_template(ERROR_TEMPLATE).render(lang=lang, errors=errors).encode("utf-8")
    except Exception as e:  # the error page must show even when the templates or catalogs are broken
        items = "".join(f"<li><pre>{html.escape(err.format())}</pre></li>" for err in errors)
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Content errors</title></head>'
                f"<body><h1>{len(errors)} content error(s)</h1><ol>{items}</ol>"
                f"<p>(The error page itself failed: {html.escape(str(e))})</p></body></html>").encode("utf-8")


# -- HTTP ------------------------------------------------------------------------------------------

class App:
    """The WSGI app: the output folder under the base path, nothing outside it."""

    def __init__(self, preview: Preview):
        self.preview = preview

    def __call__(self, environ, start_response):
        status, headers, body = self.respond(environ)
        headers = [*headers, ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        start_response(status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    def respond(self, environ):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return "405 Method Not Allowed", [("Allow", "GET, HEAD"), ("Content-Type", "text/plain")], b"GET or HEAD only\n"
        try:  # WSGI gives the decoded path as latin-1; URLs are UTF-8
            path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8")
        except UnicodeError:
            return self.not_found(None, "")
        base = self.preview.base_path
        if path in ("/", base.rstrip("/")) and path != base:
            return "302 Found", [("Location", base)], b""
        if not path.startswith(base):
            return self.not_found(None, path)
        rel = path[len(base):]
        lang = rel.split("/", 1)[0] or None
        target = self.resolve(rel)
        if target is not None and os.path.isdir(target):
            if not path.endswith("/"):
                query = environ.get("QUERY_STRING")
                return "301 Moved Permanently", [("Location", path + "/" + (f"?{query}" if query else ""))], b""
            target = self.resolve(rel + "index.html")
        if target is None or not os.path.isfile(target):
            return self.not_found(lang, path)
        if target.endswith(".html"):
            self.shown(os.path.relpath(target, os.path.realpath(self.preview.out)).replace(os.sep, "/"))
        if self.preview.errors and target.endswith(".html"):
            return self.errors(lang)
        if self.preview.data_due and self.preview.good and rel in self.preview.good.data:
            self.preview.tidy_up()  # asked for the sitemap or open data before they were remade
        with open(target, "rb") as f:
            body = f.read()
        return "200 OK", [("Content-Type", content_type(target, body))], body

    def shown(self, file: str) -> None:
        """Note a page the browser shows (rendered first after the next edit); if an edit
        left it for after the reload, render it now."""
        preview = self.preview
        preview.shown.pop(file, None)
        preview.shown[file] = None
        if len(preview.shown) > SHOWN_KEEP:
            del preview.shown[next(iter(preview.shown))]
        if file in preview.later and not preview.errors:
            announce(preview, preview.render_later([file]), "rendered on request")

    def resolve(self, rel: str) -> str | None:
        """The real path of `rel` inside the real output folder, or None if it leaves it
        (`..`, an absolute path, a symlink pointing elsewhere)."""
        if "\0" in rel:
            return None
        root = os.path.realpath(self.preview.out)
        target = os.path.realpath(os.path.join(root, rel.lstrip("/")))
        if target != root and not target.startswith(root + os.sep):
            return None
        return target if os.path.exists(target) else None

    def not_found(self, lang, path: str):
        if self.preview.errors and os.path.splitext(path)[1] in ("", ".html"):  # a page, not /favicon.ico
            return self.errors(lang)
        page = self.resolve("404.html")
        if page and os.path.isfile(page):
            with open(page, "rb") as f:
                return "404 Not Found", [("Content-Type", CONTENT_TYPES[".html"])], f.read()
        body = b'<!doctype html><html><head><meta charset="utf-8"><title>404</title></head><body><h1>404</h1></body></html>'
        return "404 Not Found", [("Content-Type", CONTENT_TYPES[".html"])], body

    def errors(self, lang):
        return "500 Internal Server Error", [("Content-Type", CONTENT_TYPES[".html"])], self.preview.error_page(lang)


def content_type(path: str, body: bytes) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".xml" and b"<feed" in body[:500]:
        return "application/atom+xml"
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


# -- the server -------------------------------------------------------------------------------------

class NoWatcher:
    """livereload's watcher slot, left empty: kembar/watch.py watches the folders, and the
    reload is sent by the rebuild when it is done. (livereload would send it on a timer of
    its own, possibly before the rebuild ends, and drops a reload that comes within
    max(3 - delay, 1) s of the previous one, so a quick fix after an error would never
    reach the browser.)"""

    _tasks = {"kembar": None}  # not empty, or livereload would watch the working folder
    _changes: list = []
    filepath = None

    def start(self, callback) -> bool:
        return True  # "started": livereload must not poll

    def examine(self):
        return None, None


def check_folders(content: Path, out: Path, project: Project) -> str | None:
    """The output folder is emptied of anything the build does not make: never let it be
    (or contain) the content, the templates or the project itself, nor a file."""
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder; choose another --out"
    out = out.resolve()
    for name, folder in (("content", content), ("templates", project.templates),
                         ("locales", project.locales), ("project", project.root)):
        folder = folder.resolve()
        if out == folder or folder.is_relative_to(out) or (name != "project" and out.is_relative_to(folder)):
            return f"the output folder {out} would overwrite the {name} folder; choose another --out"
    return None


def serve(content: Path, out: Path, host: str = "127.0.0.1", port: int = 8000, project: Project | None = None,
          poll: bool = False) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    if project is None:
        from .pipeline import PROJECT as project
    problem = check_folders(content, out, project)
    if problem:
        print(f"kembar serve: {problem}", file=sys.stderr)
        return 2
    preview = Preview(content, out, project)
    announce(preview, preview.rebuild(), "built")
    preview.tidy_up()  # the first full collection (seconds for a big site), before anyone saves
    timer, saved = None, set()  # saved: the files changed since the last rebuild (None: unknown)
    rebuilding = False  # (read by the thread that remakes the data files: it gives way)
    tidy_timer = None
    rest = Result()  # the pages rendered after the last reload, told when all are

    def rebuild():
        nonlocal timer, saved, tidy_timer, rebuilding
        timer, changes, saved = None, saved, set()
        errors_before = preview.errors
        rebuilding = True
        try:
            result = preview.rebuild(changes)
        finally:
            rebuilding = False
        announce(preview, result, "rebuilt")
        if result.written or result.errors or errors_before:
            LiveReloadHandler.reload_waiters(path="*")
        loop = IOLoop.current()
        if tidy_timer is not None:
            loop.remove_timeout(tidy_timer)
        tidy_timer = loop.call_later(TIDY_AFTER_SECONDS, tidy)

    def tidy():
        """The sitemap and open data (a second at N=10,000) are made on a thread of their
        own, so the server goes on answering and rebuilding meanwhile; when a save comes, it
        stops after the part it is making, and is made again after that save's rebuild."""
        nonlocal tidy_timer, rest
        tidy_timer, due = None, preview.data_due
        loop = IOLoop.current()
        if timer is not None:
            return  # a save waits for its rebuild, which comes first and calls this again
        if preview.later and not preview.errors:  # a chunk, then back to the loop for requests and saves
            result = preview.render_later()
            rest.rendered += result.rendered
            rest.written += result.written
            rest.seconds += result.seconds
            if result.errors:
                announce(preview, result, "after the reload")
                LiveReloadHandler.reload_waiters(path="*")
                rest = Result()
                return
            if not preview.later:
                announce(preview, rest, "after the reload")
                rest = Result()
            tidy_timer = loop.call_later(0, tidy)  # the next chunk, or the data files
            return
        if preview.aside is not None and preview.aside.is_alive():
            tidy_timer = loop.call_later(TIDY_AFTER_SECONDS, tidy)  # one remake at a time
            return
        if due is None:
            announce_tidy(preview, preview.tidy_up())
            return

        def made(result):
            if result is None:  # it failed (and said why)
                preview.forget_data()
                return
            digests, written, done = result
            preview.took_data(due, digests, written, done)
            if done:  # (else a save came first, and the rest is still due)
                announce_tidy(preview, written)
            if preview.data_due is None:
                preview.tidy_up()  # the garbage

        preview.remake_data_aside(due, lambda result: loop.add_callback(made, result),
                                  give_way=lambda: timer is not None or rebuilding)

    def changed(delay, paths):
        nonlocal timer, saved
        saved = None if paths is None or saved is None else saved | paths
        loop = IOLoop.current()
        if timer is not None:
            loop.remove_timeout(timer)
        timer = loop.call_later(delay, rebuild)

    server = Server(app=App(preview), watcher=NoWatcher())
    how = watch([content, project.templates, project.locales], functools.partial(changed, QUIET_SECONDS), poll)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"serving http://{shown_host}:{port}{preview.base_path}, rebuilding on every save "
          f"(watched by {how}; Ctrl+C stops)", flush=True)
    try:
        server.serve(port=port, host=host, debug=False, restart_delay=0)
    except OSError as e:
        print(f"kembar serve: cannot listen on {host}:{port}: {e.strerror or e}", file=sys.stderr)
        return 2
    return 0


def announce(preview: Preview, result: Result, verb: str) -> None:
    if result.errors:
        report(result.errors, sys.stderr)
        print(f"the browser shows these errors until the next good save ({result.seconds:.2f} s)", file=sys.stderr, flush=True)
        return
    later = f"; {result.later} more after the reload" if result.later else ""
    print(f"{verb}: rendered {len(result.rendered)} pages, wrote {len(result.written)} files into {preview.out} "
          f"in {result.seconds:.2f} s{later}", flush=True)


def announce_tidy(preview: Preview, written: list[str]) -> None:
    if written:
        print(f"remade the sitemap and open data: wrote {len(written)} files", flush=True)
