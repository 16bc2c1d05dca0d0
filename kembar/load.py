"""Stage 1, load: read the content folder into raw documents that remember positions.

YAML is composed (not constructed) into PyYAML nodes, which carry the line and column
of every key and value; validation reads the nodes. Only the safe loader is used, and
the libyaml C one when it is installed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ContentError

try:
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as YamlLoader

MAX_FILE_BYTES = 2 * 1024 * 1024  # a record is a few KB; anything this big is a mistake
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class RawDoc:
    """One content file: YAML data (a node tree), or Markdown with optional front matter."""

    path: str  # as shown to editors: relative to the content folder's parent
    kind: str  # site | vocabulary | place | partnership | narrative | explainer
    slug: str
    lang: str | None
    data: yaml.Node | None  # YAML document or front matter; None when absent
    body: str  # Markdown body ("" for YAML files)
    body_line: int  # 1-based line where the body starts
    line_offset: int  # added to YAML marks (front matter starts below '---')
    lines: tuple[str, ...]  # the file's lines, to show under an error
    broken: bool = False  # unreadable (its error is reported); kept so references to it don't also fail

    def source_line(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def error(self, line: int, col: int, message: str) -> ContentError:
        return ContentError(self.path, line, col, message, self.source_line(line))


def load(content: Path, read=None) -> tuple[list[RawDoc], list[ContentError]]:
    """Read every content file under `content`; return the documents and the errors.
    `read` replaces read_doc (the dev server passes one that re-parses only changed files)."""
    read = read or read_doc
    docs: list[RawDoc] = []
    errors: list[ContentError] = []
    base = content.resolve().parent

    def rel(p: Path) -> str:
        return p.resolve().relative_to(base).as_posix()

    if not content.is_dir():
        return [], [ContentError(str(content), 1, 1, "content folder not found")]
    for name, kind in (("site.yaml", "site"), ("vocabulary.yaml", "vocabulary")):
        path = content / name
        if path.is_file():
            _add(docs, errors, read, path, rel(path), kind, name.split(".")[0], None)
        else:
            errors.append(ContentError(rel(content) + "/" + name, 1, 1, "required file is missing"))

    for folder, kind in (("places", "place"), ("partnerships", "partnership"), ("explainers", "explainer")):
        for path in sorted((content / folder).glob("*")) if (content / folder).is_dir() else ():
            if path.name.startswith(".") or path.is_dir():
                continue
            shown = rel(path)
            slug, lang, file_kind, problem = _classify(path.name, kind)
            if problem:
                errors.append(ContentError(shown, 1, 1, problem))
                continue
            _add(docs, errors, read, path, shown, file_kind, slug, lang)
    return docs, errors


def _classify(name: str, kind: str) -> tuple[str, str | None, str, str]:
    """Split a file name into (slug, lang, kind, problem)."""
    if name.endswith(".md"):
        stem = name[:-3]
        slug, _, lang = stem.rpartition(".")
        if kind == "place":
            return "", None, "", "places are YAML files: <slug>.yaml"
        if not slug:
            return "", None, "", f"Markdown file names are <slug>.<language>.md, e.g. {stem}.id.md"
        problem = _slug_problem(slug)
        return slug, lang, ("narrative" if kind == "partnership" else kind), problem
    if name.endswith(YAML_SUFFIXES):
        slug = name.rsplit(".", 1)[0]
        if kind == "explainer":
            return "", None, "", "explainers are Markdown files: <slug>.<language>.md"
        return slug, None, kind, _slug_problem(slug)
    expected = "<slug>.<language>.md" if kind == "explainer" else "<slug>.yaml"
    if kind == "partnership":
        expected += " or <slug>.<language>.md"
    return "", None, "", f"unexpected file; expected {expected}"


def _slug_problem(slug: str) -> str:
    if SLUG.fullmatch(slug):
        return ""
    return f"file name '{slug}' is not a slug: use lowercase ASCII letters, digits and hyphens (e.g. badung-fujisawa)"


def _add(docs, errors, read, path: Path, shown: str, kind: str, slug: str, lang: str | None) -> None:
    try:
        doc = read(path, shown, kind, slug, lang)
    except ContentError as error:
        errors.append(error)
        docs.append(RawDoc(shown, kind, slug, lang, None, "", 1, 0, (), broken=True))
    else:
        docs.append(doc)


def read_doc(path: Path, shown: str, kind: str, slug: str, lang: str | None) -> RawDoc:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError(shown, 1, 1, f"file is {size / 1048576:.1f} MB; content files must be under {MAX_FILE_BYTES // 1048576} MB")
    text = decode(path.read_bytes(), shown)
    return parse_doc(text, shown, kind, slug, lang)


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 (a byte-order mark is fine), with Windows line ends made plain."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        raise ContentError(shown, line, col, f"file is not UTF-8 (byte 0x{raw[e.start]:02x}); save it as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_doc(text: str, shown: str, kind: str, slug: str, lang: str | None) -> RawDoc:
    lines = tuple(text.split("\n"))
    if kind in ("site", "vocabulary", "place", "partnership"):
        node = parse_yaml(text, shown, lines, 0)
        if node is None:
            raise ContentError(shown, 1, 1, "file is empty", lines[0] if lines else "")
        return RawDoc(shown, kind, slug, lang, node, "", 1, 0, lines)
    # Markdown, with YAML front matter between two '---' lines (required for explainers).
    data, body_line = None, 1
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            raise ContentError(shown, 1, 1, "front matter opened with '---' is never closed", lines[0])
        data = parse_yaml("\n".join(lines[1:end]), shown, lines, 1)
        body_line = end + 2
    body = "\n".join(lines[body_line - 1 :])
    if kind == "explainer" and data is None:
        raise ContentError(shown, 1, 1, "explainer needs front matter: '---', title: …, '---'", lines[0] if lines else "")
    return RawDoc(shown, kind, slug, lang, data, body, body_line, 1 if data is not None else 0, lines)


def parse_yaml(text: str, shown: str, lines, offset: int) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=YamlLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        raise ContentError(shown, line, col, yaml_message(e, source, col)) from None
    except yaml.YAMLError as e:  # e.g. a control character the reader refuses
        raise ContentError(shown, 1 + offset, 1, f"YAML error: {e}") from None


def yaml_message(e: yaml.MarkedYAMLError, source: str, col: int) -> str:
    problem = (e.problem or str(e)).strip()
    if "\t" in source[: max(col, 1)] or "'\\t'" in problem:
        return "tab character: YAML is indented with spaces, not tabs"
    context = f" {e.context}" if e.context and e.context not in problem else ""
    return f"YAML syntax error:{context} {problem}".replace("  ", " ")
