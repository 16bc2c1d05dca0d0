"""The dev server: `python build.py serve`.

Builds the site once, serves the output folder under the site's base path, and after every
save renders again the pages whose declared inputs changed, through the same `build` as
every other command, and writes only the files whose bytes changed. A page's inputs are
what kembar/plan.py gives it: its context, its template (with what that extends, includes
or imports), its language's catalog, and what every page shows: the site's settings, the
vocabulary and the static files. So after an edit the new plan is compared with the last
one, page by page. While the content has errors, every HTML page shows them (in the page's
language); the next good save brings the pages back.

The browser reloads through a server-sent event stream (`<base>__kembar/events`), which the
server adds to every HTML page it serves. The search index is made in the background after
the first build and again when edits settle; the last good one is served meanwhile.
"""
from __future__ import annotations

import gc
import mimetypes
import os
import queue
import shutil
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import catalogs, opendata, pipeline, search
from .errors import ContentError, report
from .load import Reader, load
from .plan import Page, pages_by_key
from .project import Project
from .render import Memo, build, error_page, read_assets, removed_html, template_closure
from .validate import validate
from .watch import watch
from .write import check_folders, put, remove_stale

EVENTS = "__kembar/events"  # under the base path: the reload stream
RELOAD_SCRIPT = ('<script>new EventSource("{base}' + EVENTS + '").addEventListener("reload", '
                 'function () {{ location.reload(); }});</script>')
LATER_FROM = 300  # pages: an edit to more renders the pages the browser showed lately, reloads, then the rest
LATER_CHUNK = 200  # pages rendered at a time after the reload (requests are answered in between)
SEARCH_AFTER_SECONDS = 2.0  # edits settle: the search index is made again after this long without one
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
                 ".js": "application/javascript; charset=utf-8", ".json": "application/json", ".xml": "application/xml",
                 ".geojson": "application/geo+json", ".atom": "application/atom+xml", ".csv": "text/csv; charset=utf-8",
                 ".txt": "text/plain; charset=utf-8"}  # others: mimetypes


@dataclass
class Result:
    rendered: list[str] = field(default_factory=list)  # output files of the pages rendered
    written: list[str] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Inputs:
    """What pages depend on besides their context."""
    settings: tuple  # the site's settings and vocabulary: every page shows them
    assets: dict  # static files: every page names them with a content hash
    templates: dict  # name -> source
    catalogs: dict  # lang -> bytes of its catalog


class Preview:
    """The dev server's build: full once, then only what an edit changed."""

    def __init__(self, content: Path, out: Path, project: Project, jobs: int = 1):
        self.content, self.out, self.project, self.jobs = Path(content), Path(out), project, jobs
        self.reader, self.validated, self.memo = Reader(), {}, Memo()
        self.prepared: pipeline.Prepared | None = None  # the last good build
        self.pages: dict[str, Page] = {}  # its pages by output file
        self.by_key: dict = {}
        self.inputs: Inputs | None = None
        self.digests: dict[str, bytes] | None = None  # output file -> digest of what is on disk (None: not known)
        self.errors: list[ContentError] = []
        self.partial = False  # the errors are in records left out of an otherwise good build
        self.base_path = "/"
        self.data_due = False  # the content changed: the sitemap and open data are made again after the reload
        self.shown: dict[str, None] = {}  # the HTML files the browser asked for lately, oldest first
        self.later: list[Page] = []  # pages an edit changed, rendered after the reload

    def rebuild(self, changed: set[str] | None = None) -> Result:
        """Build again after the files `changed` were saved (None: unknown, read every file)."""
        start, result, partial = time.perf_counter(), Result(), False
        gc.disable()  # the collector's passes over a big site's heap would take seconds of an edit
        try:
            self.reader.forget(changed)
            docs, errors = load(self.content, read=self.reader)
            site, more = validate(docs, self.validated)
            result.errors = errors + more
            if result.errors:
                site = self.without_broken(docs, result.errors)
                partial = site is not None
            if site is not None:
                self.update(pipeline.planned(site, self.project), result)
                self.data_due = self.data_due or changed is None or any(
                    Path(path).resolve().is_relative_to(self.content.resolve()) for path in changed)
        except ContentError as error:  # a template or a Markdown body that cannot be rendered
            result.errors, partial = [error], False
        except Exception as error:  # a bug, or a catalog Babel cannot read: keep serving, show it
            traceback.print_exc()
            result.errors, partial = [ContentError("kembar", 1, 1, f"internal error: {type(error).__name__}: {error}")], False
        finally:
            gc.enable()
        if result.errors and not partial:
            self.inputs = None  # the next good build renders every page (some were left half done)
        self.errors, self.partial = result.errors, partial
        result.seconds = time.perf_counter() - start
        return result

    def without_broken(self, docs, errors) -> object | None:
        """The site without the records that have errors, when the rest is valid without them:
        a new record still full of TODOs then shows its errors on its own pages, and every
        other page stays up to date. None when an error is elsewhere or others need them."""
        records = {doc.path: doc for doc in docs if doc.kind in ("partnership", "narrative", "place", "explainer")}
        if not {error.path for error in errors} <= records.keys():
            return None
        broken = {("partnership" if records[e.path].kind == "narrative" else records[e.path].kind, records[e.path].slug)
                  for e in errors}
        kept = [doc for doc in docs
                if ("partnership" if doc.kind == "narrative" else doc.kind, doc.slug) not in broken]
        site, more = validate(kept, self.validated)
        return site if not more else None

    def update(self, prepared: pipeline.Prepared, result: Result) -> None:
        site, pages = prepared.site, prepared.pages
        self.base_path = "/" + site.config.base_url.split("://", 1)[-1].split("/", 1)[1]
        by_key = pages_by_key(pages)
        inputs = Inputs((site.config, site.vocabulary), read_assets(self.project), snapshot(self.project.templates),
                        {lang: catalogs.read_bytes(self.project, lang) for lang in site.config.languages})
        todo = self.affected(pages, by_key, inputs)
        pending = {page.file for page in self.later} - {page.file for page in todo}  # an earlier edit's rest
        todo += [page for page in pages if page.file in pending]
        if len(todo) > LATER_FROM and self.shown:
            todo, self.later = ([page for page in todo if page.file in self.shown],
                                [page for page in todo if page.file not in self.shown])
        else:
            self.later = []
        self.out.mkdir(parents=True, exist_ok=True)
        previous, self.digests = self.digests, dict(self.digests or {})
        files = build(site, prepared.index, pages, self.project, jobs=self.jobs, memo=self.memo, only=todo, data=False)
        self.write(files, result)
        result.rendered = [page.file for page in todo]
        built = {page.file for page in pages} | set(inputs.assets) | DATA_FILES
        kept = {name for name in built if name in self.digests} | search_files(self.out)
        result.written += remove_stale(self.out, kept, previous)
        self.digests = {name: value for name, value in self.digests.items() if name in built}
        self.prepared, self.pages, self.by_key, self.inputs = prepared, {p.file: p for p in pages}, by_key, inputs

    def write(self, files, result: Result) -> None:
        for name, data in files:
            self.digests[name], wrote = put(self.out, name, data, self.digests.get(name))
            if wrote:
                result.written.append(name)

    def render_later(self, files: set[str] | None = None) -> Result:
        """The next chunk of the pages left for after the reload (or those of `files`)."""
        result, p = Result(), self.prepared
        if files:
            chunk, self.later = ([page for page in self.later if page.file in files],
                                 [page for page in self.later if page.file not in files])
        else:
            chunk, self.later = self.later[:LATER_CHUNK], self.later[LATER_CHUNK:]
        self.write(build(p.site, p.index, p.pages, self.project, jobs=self.jobs, memo=self.memo, only=chunk,
                         assets=False, data=False), result)
        result.rendered = [page.file for page in chunk]
        return result

    def remake_data(self) -> Result:
        """The sitemap and open data, made from the content alone: after the reload."""
        result = Result()
        if self.data_due and (self.partial or not self.errors):
            start = time.perf_counter()
            p = self.prepared
            self.write(build(p.site, p.index, p.pages, self.project, only=[], assets=False), result)
            self.data_due, result.seconds = False, time.perf_counter() - start
        return result

    def affected(self, pages: list[Page], by_key: dict, inputs: Inputs) -> list[Page]:
        """The pages whose declared inputs differ from the last good build's (all, the first time)."""
        old = self.inputs
        if old is None or old.settings != inputs.settings or old.assets != inputs.assets:
            self.memo.cards.clear()
            return pages
        templates = {name for name in old.templates.keys() | inputs.templates.keys()
                     if old.templates.get(name) != inputs.templates.get(name)}
        langs = {lang for lang in inputs.catalogs if old.catalogs.get(lang) != inputs.catalogs[lang]}
        uses = template_closure(inputs.templates) if templates else {}
        if "_card.html" in templates:
            self.memo.cards.clear()
        if langs:
            self.memo.cards = {key: card for key, card in self.memo.cards.items() if key[0] not in langs}
        todo = []
        for page in pages:
            before = self.pages.get(page.file)
            if (before is None or before.template != page.template or before.translated != page.translated
                    or before.context != page.context or versions(by_key, page.key) != versions(self.by_key, page.key)
                    or (page.lang in langs if page.lang else bool(langs)) or uses.get(page.template, set()) & templates):
                todo.append(page)
                if page.key[0] == "partnership":  # its entry may have changed: so may its card
                    for lang in by_key[page.key]:
                        self.memo.cards.pop((lang, page.key[1]), None)
        return todo

DATA_FILES = {"sitemap.xml", "robots.txt", *(f"data/{name}" for name in opendata.FILES)}


def versions(by_key: dict, key: tuple) -> tuple:
    """What a page's alternates and language switch are made from."""
    return tuple((lang, p.path, p.translated) for lang, p in by_key.get(key, {}).items())


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.glob("*"))
            if p.is_file() and p.suffix in (".html", ".xml")}


def search_files(out: Path) -> set[str]:
    bundle = out / search.BUNDLE
    return {p.relative_to(out).as_posix() for p in bundle.rglob("*")} if bundle.is_dir() else set()


# -- HTTP ------------------------------------------------------------------------------------------

class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, preview: Preview, verbose: bool):
        super().__init__(address, Handler)
        self.preview, self.verbose = preview, verbose
        self.lock = threading.Lock()  # held while a rebuild writes: no request reads a half-written file
        self.listeners: list[queue.Queue] = []

    def reload(self, changed: list[str]) -> None:
        for listener in list(self.listeners):
            listener.put(changed)


class Handler(BaseHTTPRequestHandler):
    """The output folder under the base path, nothing outside it; and the reload stream."""
    server: Server

    def do_GET(self):
        self.respond(body=True)

    def do_HEAD(self):
        self.respond(body=False)

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)

    def respond(self, body: bool) -> None:
        preview = self.server.preview
        url = urlsplit(self.path)
        path, base = unquote(url.path, errors="strict"), preview.base_path
        if path == base + EVENTS:
            return self.events()
        if path in ("/", base.rstrip("/")) and path != base:
            return self.send(302, b"", None, body, {"Location": base})
        rel = path[len(base):] if path.startswith(base) else None
        target = self.resolve(rel) if rel is not None else None
        if target and os.path.isdir(target):
            if not path.endswith("/"):
                query = f"?{url.query}" if url.query else ""
                return self.send(301, b"", None, body, {"Location": path + "/" + query})
            target = self.resolve(rel + "index.html")
        lang = (rel or "").split("/", 1)[0] or None
        shows_errors = preview.errors and (not preview.partial or target is None)  # partial: the broken records' pages
        if shows_errors and (target or path).endswith((".html", "/")):
            return self.send(500, error_page(preview.errors, lang or "en", preview.project), ".html", body)
        if target is None or not os.path.isfile(target):
            found = self.resolve("404.html")
            page = Path(found).read_bytes() if found and os.path.isfile(found) else b"<!doctype html><h1>404</h1>"
            return self.send(404, page, ".html", body)
        with self.server.lock:
            if target.endswith(".html"):
                file = os.path.relpath(target, os.path.realpath(preview.out)).replace(os.sep, "/")
                preview.shown.pop(file, None)
                preview.shown[file] = None  # the newest last; the ten newest are kept
                preview.shown = dict.fromkeys(list(preview.shown)[-10:])
                if any(page.file == file for page in preview.later):
                    preview.render_later({file})  # left for after the reload, asked for now
            data = Path(target).read_bytes()
        suffix = os.path.splitext(target)[1]
        self.send(200, data, ".atom" if suffix == ".xml" and b"<feed" in data[:500] else suffix, body)

    def resolve(self, rel: str) -> str | None:
        """The real path of `rel` inside the real output folder, or None if it leaves it."""
        if "\0" in rel:
            return None
        root = os.path.realpath(self.server.preview.out)
        target = os.path.realpath(os.path.join(root, rel.lstrip("/")))
        inside = target == root or target.startswith(root + os.sep)
        return target if inside and os.path.exists(target) else None

    def send(self, status: int, data: bytes, suffix: str | None, body: bool, headers: dict | None = None) -> None:
        if suffix == ".html":  # the browser reloads when told to
            script = RELOAD_SCRIPT.format(base=self.server.preview.base_path).encode()
            data = data.replace(b"</body>", script + b"</body>", 1) if b"</body>" in data else data + script
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if suffix is not None:
            self.send_header("Content-Type", CONTENT_TYPES.get(suffix) or mimetypes.guess_type("x" + suffix)[0]
                             or "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def events(self) -> None:
        """Server-sent events: `reload` after each rebuild that changed what the browser shows."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        listener: queue.Queue = queue.Queue()
        self.server.listeners.append(listener)
        message = ": connected\n\n"
        try:
            while True:
                self.wfile.write(message.encode())
                self.wfile.flush()
                try:
                    message = 'event: reload\ndata: {"changed": %d}\n\n' % len(listener.get(timeout=15))
                except queue.Empty:
                    message = ": still here\n\n"  # finds a closed connection
        except OSError:
            pass
        finally:
            self.server.listeners.remove(listener)


# -- the command -----------------------------------------------------------------------------------

def serve(content: Path, out: Path, host: str = "127.0.0.1", port: int = 8000, project: Project | None = None,
          poll: bool = False, verbose: bool = False, jobs: int | None = None) -> int:
    project = project or pipeline.PROJECT
    problem = check_folders(content, out, project)
    if problem:
        print(f"kembar serve: {problem}", file=sys.stderr)
        return 2
    preview = Preview(content, out, project, jobs or os.cpu_count() or 1)
    try:
        server = Server((host, port), preview, verbose)  # listening; requests are answered from serve_forever()
    except OSError as e:
        print(f"kembar serve: cannot listen on {host}:{port}: {e.strerror or e}", file=sys.stderr)
        return 2
    indexer = Indexer(preview, server.lock)

    def changed(paths: set[str] | None, verb: str = "rebuilt") -> None:
        """One build after a save (the first: paths None), told in one line; the reload."""
        showed_errors = bool(preview.errors)
        with server.lock:
            result = preview.rebuild(paths)
        tell(preview, result, verb)
        if result.written or result.errors or showed_errors:
            server.reload(result.written)
        rest = Result()
        while preview.later and not preview.errors:
            with server.lock:
                done = preview.render_later()
            rest.rendered += done.rendered
            rest.written += done.written
        if rest.rendered:
            tell(preview, rest, "after the reload:")
        with server.lock:
            preview.remake_data()
        if result.written and (preview.partial or not result.errors):
            indexer.soon(SEARCH_AFTER_SECONDS if verb == "rebuilt" else 0)

    changed(None, "built")
    gc.collect()
    gc.freeze()  # what the first build keeps (most of it lives on): later collections pass it by
    stop, ready = threading.Event(), threading.Event()
    how = "polling" if poll else "the system"
    threading.Thread(target=watch, args=([content, project.templates, project.locales], changed, poll, stop, ready),
                     daemon=True).start()
    ready.wait(30)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"serving http://{shown_host}:{port}{preview.base_path}, rebuilding on every save "
          f"(watched by {how}; Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
    return 0


class Indexer:
    """The search index, made in the background into a folder of its own and swapped in
    when done, so the last good index is served meanwhile. Never delays a reload."""

    def __init__(self, preview: Preview, lock: threading.Lock):
        self.preview, self.lock = preview, lock
        self.timer: threading.Timer | None = None
        self.running = threading.Lock()

    def soon(self, seconds: float) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = threading.Timer(seconds, self.run)
        self.timer.daemon = True
        self.timer.start()

    def run(self) -> None:
        preview = self.preview
        if (preview.errors and not preview.partial) or preview.prepared is None:
            return
        with self.running:
            fresh = preview.out.parent / f".{preview.out.name}-search"
            shutil.rmtree(fresh, ignore_errors=True)
            start = time.perf_counter()
            try:
                search.index_site(preview.out, preview.prepared.site.config.languages, output=fresh)
            except search.SearchIndexError as error:
                print(f"search index not updated: {error}", file=sys.stderr, flush=True)
                return
            with self.lock:
                bundle, old = preview.out / search.BUNDLE, preview.out.parent / f".{preview.out.name}-search-old"
                shutil.rmtree(old, ignore_errors=True)
                if bundle.exists():
                    bundle.rename(old)
                fresh.rename(bundle)
                shutil.rmtree(old, ignore_errors=True)
            print(f"search index updated in {time.perf_counter() - start:.1f} s", flush=True)


def tell(preview: Preview, result: Result, verb: str) -> None:
    """One line per rebuild (and every error and warning, as `check` prints them)."""
    shown = {page.context["story"].path: page.context["story"] for file in result.rendered
             if (page := preview.pages.get(file)) and page.context.get("story")}  # the Markdown just rendered
    for warning in removed_html(shown.values()):
        print(f"warning: {warning.format()}", file=sys.stderr, flush=True)
    if result.errors:
        report(result.errors, sys.stderr)
        where = ("on the pages of those records; the rest is up to date" if preview.partial
                 else "until the next good save")
        print(f"the browser shows these errors {where} ({result.seconds:.2f} s)", file=sys.stderr, flush=True)
        if not preview.partial:
            return
    html_pages = sum(name.endswith(".html") for name in result.rendered)
    print(f"{verb} {html_pages} pages, wrote {len(result.written)} files into {preview.out} in {result.seconds:.2f} s",
          flush=True)
