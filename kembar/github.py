"""GitHub Actions: errors and warnings as workflow commands, and the translation summary of
a pull request's check.

Under GitHub Actions (GITHUB_ACTIONS=true) every content error is also printed as
`::error file=…,line=…,col=…,title=…::message`, and every warning as `::warning …`: GitHub
then shows them on the lines of the pull request's diff. Paths are the ones the terminal
shows (relative to the content folder's parent, so the repository root when the check runs
there). Elsewhere nothing here prints anything.

`python -m kembar.github summary --before before.json --after after.json` turns two
`python build.py i18n status --format json` outputs (the base branch, this pull request)
into the Markdown the workflow appends to $GITHUB_STEP_SUMMARY.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Mapping
from urllib.parse import quote, urlsplit

LISTED = 25  # gaps listed per language; `i18n status` lists them all


# -- workflow commands ------------------------------------------------------------------------

def active(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def repository(environ: Mapping[str, str] = os.environ) -> str | None:
    """The repository a workflow runs in (https://github.com/owner/name), under GitHub Actions only."""
    name = environ.get("GITHUB_REPOSITORY", "")
    if not active(environ) or not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        return None
    return environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/") + "/" + name


def with_repository(site, environ: Mapping[str, str] = os.environ):
    """The site, with the workflow's repository when site.yaml names none (as the base URL
    comes from the Pages configuration): a fork's pages link to the fork."""
    found = None if site.config.repository else repository(environ)
    if not found:
        return site
    from dataclasses import replace
    return replace(site, config=replace(site.config, repository=found))


def escape_data(text: str) -> str:
    """The message of a workflow command: one line, so line breaks (and the % that escapes
    them) are percent-encoded, as GitHub's toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ',' (between properties) and ':' (ends them)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, file: str = "", line: int = 0, col: int = 0, title: str = "") -> str:
    """One workflow command (kind: error | warning | notice); a position of 0 is left out."""
    props = [(k, str(v)) for k, v in (("file", file), ("line", line), ("col", col), ("title", title)) if v]
    head = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{kind}{' ' + head if head else ''}::{escape_data(message)}"


def annotation(kind: str, error, title: str) -> str:
    """A ContentError (path, line, col, message) as a workflow command."""
    return command(kind, error.message, error.path, error.line, error.col, title)


def annotate(kind: str, errors, stream, title: str) -> None:
    """Print each error as a workflow command, when running under GitHub Actions."""
    if active():
        for error in sorted(set(errors)):
            print(annotation(kind, error, title), file=stream)


# -- the step summary ---------------------------------------------------------------------------

def gaps(status: dict, lang: str) -> list[dict]:
    """What one language lacks, from `i18n status --format json`: content texts, UI strings
    and fuzzy UI strings, each with path, line, kind and what (the field or msgid)."""
    entry = status.get(lang, {})
    content, ui = entry.get("content", {}), entry.get("ui", {})
    found = [{"kind": "content", "what": m["field"], **place(m)} for m in content.get("missing", [])]
    found += [{"kind": "ui", "what": m["msgid"], **place(m)} for m in ui.get("missing", [])]
    found += [{"kind": "fuzzy", "what": m["msgid"], **place(m)} for m in ui.get("fuzzy", [])]
    return found


def place(m: dict) -> dict:
    return {"path": m["path"], "line": m["line"]}


def key(gap: dict) -> tuple:
    """A gap is the same before and after when its file and field are: lines move as a
    pull request adds or removes text above it."""
    return gap["kind"], gap["path"], gap["what"]


def left_untranslated(before: dict | None, after: dict, lang: str) -> list[dict]:
    """The gaps of `after` that `before` did not have (all of them without a `before`)."""
    known = {key(g) for g in gaps(before, lang)} if before is not None else set()
    return [g for g in gaps(after, lang) if key(g) not in known]


def code(text: str) -> str:
    """Text as a Markdown code span, on one line, whatever backticks it holds."""
    text = " ".join(text.split())
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def blob_url(path: str, line: int, environ: Mapping[str, str]) -> str | None:
    """Where GitHub shows a file of this run's commit, at a line: GITHUB_SHA is the commit
    checked (for a pull request, its merge commit, which lives in this repository even when
    the branch is in a fork); GITHUB_HEAD_REF, the branch, when there is no commit."""
    server, repo = environ.get("GITHUB_SERVER_URL"), environ.get("GITHUB_REPOSITORY")
    ref = environ.get("GITHUB_SHA") or environ.get("GITHUB_HEAD_REF")
    if not (server and repo and ref):
        return None
    return f"{server.rstrip('/')}/{repo}/blob/{quote(ref, safe='')}/{quote(path)}#L{line}"


def gap_line(gap: dict, environ: Mapping[str, str]) -> str:
    where = code(f"{gap['path']}:{gap['line']}")
    url = blob_url(gap["path"], gap["line"], environ)
    if url:
        where = f"[{where}]({url})"
    what = {"content": "", "ui": "UI string ", "fuzzy": "fuzzy UI string "}[gap["kind"]]
    return f"- {what}{code(gap['what'])} in {where}"


def percents(status: dict | None, lang: str, part: str) -> str:
    entry = (status or {}).get(lang, {}).get(part)
    return f"{entry['percent']:.1f}%" if entry else "–"


def preview_lines(artifact: str, url: str) -> list[str]:
    """How to open the uploaded site: unzip it under its base path, serve that folder. Only
    Python is needed (unzip is not everywhere, and cannot make the nested folder)."""
    parts = urlsplit(url)
    folder = artifact + parts.path.rstrip("/")
    return ["### Preview", "",
            f"The built site, with its search, is the artifact **{artifact}** of this run "
            "(on the run's Summary page, under Artifacts). Download it, then in the folder it was saved to:",
            "", "```sh", f"python3 -m zipfile -e {artifact}.zip {folder} && python3 -m http.server -d {artifact} {parts.port or 80}",
            "```", "", f"and open {url}", ""]


def summary(before: dict | None, after: dict | None, environ: Mapping[str, str] = os.environ,
            preview: tuple[str, str] | None = None) -> str:
    """The step summary: site-wide percentages before and after per language, what this
    pull request leaves untranslated (with links), and how to open the preview.
    before/after: `i18n status --format json` of the base branch and of this pull request
    (None when it could not be computed); preview: (artifact name, URL it is built for)."""
    out = ["## Translation status", ""]
    if after is None:
        out += ["The translation status could not be computed: the content has errors. They are "
                "marked on the lines of the pull request, and listed in the log of the check.", ""]
    else:
        default = next(iter(after), "id")
        out += ["Share of the site translated, before this change (its base branch) → after it"
                + ("." if before is not None else " (the base branch could not be read: –)."), "",
                "| language | content texts | UI strings |", "|---|---|---|"]
        for lang in after:
            out.append(f"| {lang} | {percents(before, lang, 'content')} → {percents(after, lang, 'content')} "
                       f"| {percents(before, lang, 'ui')} → {percents(after, lang, 'ui')} |")
        out.append("")
        heading = "Left untranslated by this change" if before is not None else "Untranslated"
        out += [f"### {heading}", ""]
        listed = False
        for lang in after:
            found = left_untranslated(before, after, lang)
            if not found:
                continue
            listed = True
            out += [f"**{lang}** ({len(found)})", ""]
            out += [gap_line(g, environ) for g in found[:LISTED]]
            if len(found) > LISTED:
                out.append(f"- … and {len(found) - LISTED} more: `python build.py i18n status` lists them all")
            out.append("")
        if listed:
            out += [f"A missing translation does not stop publishing: the page shows the {default} text, "
                    "marked as such, unless `content/site.yaml` says `strict: true`.", ""]
        else:
            out += ["Nothing." if before is not None else "Nothing: everything is translated.", ""]
    if preview:
        out += preview_lines(*preview)
    return "\n".join(out)


def read_status(path: Path) -> dict | None:
    """A status file, or None when it is missing, empty or not a status this module can
    read (that run failed, or the base branch's Kembar wrote another shape)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for lang in data:
            gaps(data, lang), percents(data, lang, "content"), percents(data, lang, "ui")
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    return data if isinstance(data, dict) and data else None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kembar.github",
                                description="The translation summary of a pull request's check, in Markdown.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("summary", help="print the step summary (the workflow appends it to $GITHUB_STEP_SUMMARY)")
    s.add_argument("--before", type=Path, metavar="JSON", help="i18n status --format json of the base branch")
    s.add_argument("--after", type=Path, required=True, metavar="JSON", help="i18n status --format json of this change")
    s.add_argument("--preview", metavar="ARTIFACT", help="name of the uploaded site artifact")
    s.add_argument("--preview-url", default="http://localhost:8000/", metavar="URL",
                   help="the base URL the preview was built for (default: http://localhost:8000/)")
    args = p.parse_args(argv)
    before = read_status(args.before) if args.before else None
    preview = (args.preview, args.preview_url) if args.preview else None
    print(summary(before, read_status(args.after), os.environ, preview))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
