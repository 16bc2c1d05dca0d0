"""The command line: build | check | serve | new | i18n. Thin: each command calls the engine."""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

from . import cache, github, i18n, links, pipeline, render, scaffold, search
from .errors import ContentError, report
from .load import ContentErrors, load
from .validate import base_url_problem, validate
from .write import FolderOutputs, check_folders, write

USAGE_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kembar", description="Build the Kembar sister-city site.")
    p.set_defaults(run=cmd_build, content=Path("content"), out=Path("site"), base_url=None, strict=False,
                   check_links=False, no_search=False, no_cache=False, jobs=os.cpu_count() or 1)
    sub = p.add_subparsers(title="commands", metavar="{build,check,serve,new,i18n}")

    def content_arg(q):
        q.add_argument("--content", type=Path, default=Path("content"), metavar="DIR",
                       help="content folder to read (default: content)")

    def strict_arg(q):
        q.add_argument("--strict", action="store_true",
                       help="fail (exit 1) when anything is untranslated or a link is dead "
                            "(as 'strict: true' in site.yaml does)")
        q.add_argument("--check-links", action="store_true",
                       help="fail (exit 1) when a link of the built site is dead, whatever the mode (CI does)")

    b = sub.add_parser("build", help="build the site (the default command)")
    content_arg(b)
    b.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output folder (default: site)")
    b.add_argument("--base-url", metavar="URL", type=base_url_argument, help="override base_url from content/site.yaml")
    b.add_argument("--no-search", action="store_true",
                   help="skip the search index (faster; the search pages then say search is unavailable)")
    b.add_argument("--no-cache", action="store_true",
                   help="rebuild even if nothing changed since the last build (a cold build)")
    b.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="render on N processes (default: the number of CPUs)")
    strict_arg(b)
    b.set_defaults(run=cmd_build)

    c = sub.add_parser("check", help="validate everything and write nothing")
    content_arg(c)
    strict_arg(c)
    c.set_defaults(run=cmd_check)

    s = sub.add_parser("serve", help="build, serve with live reload, rebuild on every save")
    content_arg(s)
    s.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output folder (default: site)")
    s.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    s.add_argument("--verbose", action="store_true", help="also print every request")
    s.add_argument("--poll", action="store_true",
                   help="look for changes on a timer instead of asking the system (for network drives and "
                        "container mounts, where saves are otherwise not seen)")
    s.set_defaults(run=cmd_serve)

    n = sub.add_parser("new", help="write a commented skeleton for a new record")
    n.add_argument("kind", choices=["partnership", "place", "explainer"])
    n.add_argument("slug", help="lowercase kebab-case name, e.g. badung-fujisawa")
    n.add_argument("--parties", metavar="A,B", help="for a partnership: the two place slugs, Indonesian first")
    content_arg(n)
    n.set_defaults(run=cmd_new)

    t = sub.add_parser("i18n", help="translation status and the gettext round trip")
    t.add_argument("action", choices=["status", "extract", "update"])
    t.add_argument("--format", choices=["text", "json"], default="text", help="output format for status")
    content_arg(t)
    t.set_defaults(run=cmd_i18n)
    return p


def strict(site, args) -> bool:
    """Strict mode (untranslated text is an error): --strict, or `strict: true` in site.yaml."""
    return args.strict or site.config.strict


def checks_links(site, args) -> bool:
    """Dead links fail in strict mode, or with --check-links (as CI runs): otherwise they
    are not looked for, which keeps local builds quick."""
    return strict(site, args) or args.check_links


def shown_from(content: Path) -> Path:
    """Where the paths in messages start (kembar/load.py): the working folder for a content
    folder given as a relative path, else the content folder's parent."""
    return Path.cwd() if not content.is_absolute() else content.resolve().parent


def warn_removed_html(site) -> None:
    """Raw HTML the build removes from Markdown: a warning at each tag, never an error."""
    removed = render.removed_html(render.markdown_bodies(site))
    for warning in removed:
        print(f"warning: {warning.format()}", file=sys.stderr)
    github.annotate("warning", removed, sys.stderr, title="raw HTML removed")


def translation_problems(site, args) -> int:
    """Untranslated text: in strict mode an error (returns 1), otherwise a warning (0)."""
    missing = i18n.missing(site, pipeline.PROJECT)
    if missing and strict(site, args):
        return report([m.error() for m in missing], sys.stderr, title="missing translation")
    if missing:
        print(f"warning: {len(missing)} translations are missing (pages fall back to "
              f"{site.config.default_lang}); see: python build.py i18n status", file=sys.stderr)
        github.annotate("warning", [m.error() for m in missing], sys.stderr, title="missing translation")
    return 0


def build_or_report(args):
    """`check`: the whole pipeline in memory; print errors (and translation warnings); return (site, outputs, status)."""
    site, outputs, errors = pipeline.in_memory(args.content, pipeline.PROJECT, base_url=args.base_url)
    if errors:
        return site, None, report(errors, sys.stderr)
    warn_removed_html(site)
    status = translation_problems(site, args)
    if status:
        return site, None, status
    dead = links.check(site, outputs, args.base_url, shown_from(args.content)) if checks_links(site, args) else []
    if dead:
        return site, None, report(dead, sys.stderr)
    return site, outputs, 0


def base_url_argument(value: str) -> str:
    """--base-url is checked as site.yaml's base_url is: it is printed on every page."""
    problem = base_url_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem.replace("base_url", "the base URL", 1))
    return value


def cmd_build(args) -> int:
    start = time.perf_counter()
    problem = check_folders(args.content, args.out, pipeline.PROJECT)
    if problem:
        print(f"kembar build: {problem}", file=sys.stderr)
        return USAGE_ERROR
    options = {"base_url": args.base_url, "strict": args.strict, "links": args.check_links, "search": not args.no_search}
    inputs = cache.fingerprint(args.content, pipeline.PROJECT, options)
    if not args.no_cache and cache.up_to_date(args.out, inputs):
        print(f"{args.out} is up to date: nothing changed since the last build (--no-cache rebuilds)")
        return 0
    # The site is one big graph that lives as long as this process: the cyclic garbage
    # collector would walk it again and again while it grows (more than half of the load
    # time of a big site), so it is paused while loading and the result frozen out of its way.
    gc.disable()
    try:
        prepared, errors = pipeline.prepare(args.content, pipeline.PROJECT)
    finally:
        gc.freeze()
        gc.enable()
    if errors:
        return report(errors, sys.stderr)
    site = prepared.site
    warn_removed_html(site)
    missing = translation_problems(site, args)
    if missing:
        return missing
    written: list[str] = []
    files = pipeline.build(site, prepared.index, prepared.pages, pipeline.PROJECT, args.base_url, max(args.jobs, 1))

    def finish(folder: Path) -> None:  # on the fresh folder, before it replaces the old site
        outputs = FolderOutputs(folder)
        written.extend(outputs)
        if checks_links(site, args):
            dead = links.check(site, outputs, args.base_url, shown_from(args.content), prepared.pages)
            if dead:
                raise ContentErrors(dead)
        if not args.no_search:  # the search index is made in the fresh folder: if it fails, the old site stays
            search.index_site(folder, site.config.languages)

    try:
        write(files, args.out, after=finish)
    except ContentError as e:
        return report([e], sys.stderr)
    except ContentErrors as e:
        return report(e.errors, sys.stderr)
    except search.SearchIndexError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a full disk, a read-only folder: the previous site is still there
        print(f"error: cannot write the site to {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    cache.remember(args.out, inputs)
    html = sum(name.endswith(".html") for name in written)
    print(f"built {html} pages ({len(written)} files) into {args.out} in {time.perf_counter() - start:.2f} s")
    if not args.no_search:
        sizes = search.index_sizes(args.out)
        print("search index: " + ", ".join(f"{lang} {size / 1024:.0f} KiB" for lang, size in sizes.items()))
    return 0


def cmd_check(args) -> int:
    args.base_url = None
    _, outputs, status = build_or_report(args)
    if outputs is None:
        return status
    print("ok: no errors")
    return 0


def cmd_serve(args) -> int:
    from . import serve
    return serve.serve(args.content, args.out, args.host, args.port, poll=args.poll, verbose=args.verbose)


def cmd_new(args) -> int:
    try:
        path = scaffold.new(args.content, args.kind, args.slug, args.parties)
    except scaffold.ScaffoldError as e:
        print(f"kembar new: {e}", file=sys.stderr)
        return USAGE_ERROR
    print(f"wrote {path}: fill in the fields marked TODO, then run: python build.py check")
    return 0


def cmd_i18n(args) -> int:
    if args.action in ("extract", "update"):
        return i18n.pybabel(args.action, pipeline.PROJECT)
    docs, errors = load(args.content)
    site, more = validate(docs)
    if errors + more or site is None:
        return report(errors + more, sys.stderr)
    result = i18n.status(site, pipeline.PROJECT)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.format == "json" else i18n.format_status(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
