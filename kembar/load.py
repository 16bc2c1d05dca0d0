"""Stage 1, load: read the content folder into raw documents that remember positions.

YAML is composed (not constructed) into PyYAML nodes, which carry the line and column
of every key and value; validation reads the nodes. Only the safe loader is used, and
the libyaml C one when it is installed.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import ContentError

try:
    from yaml import CSafeLoader as YamlLoader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as YamlLoader

MAX_FILE_BYTES = 1024 * 1024  # a record is a few KB; anything this big is a mistake
MAX_NODES = 20_000  # values in one YAML file (a long record has a few hundred)
MAX_DEPTH = 50  # nesting levels (records use five)
TOP_LEVEL = {"site.yaml", "vocabulary.yaml", "places", "partnerships", "explainers"}
ALLOWED_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
NULL_TAG, STR_TAG, MERGE_TAG, VALUE_TAG = (f"tag:yaml.org,2002:{t}" for t in ("null", "str", "merge", "value"))
LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
# Characters no text needs and XML (the feeds) cannot hold: C0/C1 controls but tab and line
# break, and the two non-characters.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
YAML_SUFFIXES = (".yaml", ".yml")


class ContentErrors(Exception):
    """Several mistakes in one file (e.g. every alias in it), reported together."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(errors)
        self.errors = errors


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
    if not content.is_dir():
        return [], [ContentError(str(content), 1, 1, "content folder not found")]
    root = content.resolve()
    # The name editors see: the path as they gave it (`../drafts/cc/places/x.yaml` opens from
    # where they typed it); for a folder given as an absolute path, from its parent.
    shown_root = Path(os.path.normpath(content)) if not content.is_absolute() else Path(root.name)

    def rel(p: Path) -> str:  # never follows a symbolic link
        return (shown_root / p.relative_to(content)).as_posix()

    def add(path: Path | str, shown: str, kind: str, slug: str, lang: str | None, inside: bool = False) -> None:
        try:
            if not inside and not Path(path).resolve().is_relative_to(root):
                raise ContentError(shown, 1, 1, "a link to a file outside the content folder; copy the file in instead")
            doc = read(path, shown, kind, slug, lang)
        except (ContentError, ContentErrors) as e:
            errors.extend(e.errors if isinstance(e, ContentErrors) else [e])
            docs.append(RawDoc(shown, kind, slug, lang, None, "", 1, 0, (), broken=True))
        else:
            docs.append(doc)

    for entry in sorted(content.iterdir()):
        if entry.name not in TOP_LEVEL and not entry.name.startswith((".", "README")):
            errors.append(ContentError(rel(entry), 1, 1, f"unexpected {'folder' if entry.is_dir() else 'file'}: the "
                                       "content folder holds site.yaml, vocabulary.yaml, places/, partnerships/ "
                                       "and explainers/"))
    for name, kind in (("site.yaml", "site"), ("vocabulary.yaml", "vocabulary")):
        path = content / name
        if path.exists() or path.is_symlink():
            add(path, rel(path), kind, name.split(".")[0], None)
        else:
            errors.append(ContentError(rel(path), 1, 1, "required file is missing"))

    for folder, kind in (("places", "place"), ("partnerships", "partnership"), ("explainers", "explainer")):
        where = content / folder
        if not where.is_dir():
            continue
        # A plain file in a folder that is inside the content is inside it too: only links
        # need resolving (os.scandir knows which entries are links without asking again).
        folder_inside = where.resolve().is_relative_to(root)
        with os.scandir(where) as entries:
            entries = sorted(entries, key=lambda entry: entry.name)
        for entry in entries:
            if entry.name.startswith("."):
                continue
            shown = f"{shown_root.as_posix()}/{folder}/{entry.name}"
            if entry.is_dir():
                errors.append(ContentError(shown, 1, 1, f"unexpected folder: {folder}/ holds files only"))
                continue
            slug, lang, file_kind, problem = _classify(entry.name, kind)
            if problem:
                errors.append(ContentError(shown, 1, 1, problem))
                continue
            add(entry.path, shown, file_kind, slug, lang, inside=folder_inside and not entry.is_symlink())
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


def read_doc(path: Path | str, shown: str, kind: str, slug: str, lang: str | None) -> RawDoc:
    """Read one file, refusing anything too big before reading it into memory."""
    path = Path(path)
    try:
        if not path.is_file():
            raise ContentError(shown, 1, 1, "not a regular file")
        size = path.stat().st_size
        if size <= MAX_FILE_BYTES:
            with path.open("rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)  # it may have grown since
            size = len(raw)
    except OSError as e:
        raise ContentError(shown, 1, 1, f"cannot read the file: {e.strerror or e}") from None
    if size > MAX_FILE_BYTES:
        raise ContentError(shown, 1, 1, f"file is {size / 1048576:.1f} MB; content files must be under "
                                        f"{MAX_FILE_BYTES / 1048576:g} MB")
    text = decode(raw, shown)
    return parse_doc(text, shown, kind, slug, lang)


def decode(raw: bytes, shown: str) -> str:
    """UTF-8 (a byte-order mark is fine), with Windows line ends made plain."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        plain = lambda b: b.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # noqa: E731 - line ends as below
        before = plain(raw[: e.start])
        line = before.count(b"\n") + 1
        col = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        source = plain(raw).split(b"\n")[line - 1].decode("utf-8", "replace")
        raise ContentError(shown, line, col, f"file is not UTF-8 (byte 0x{raw[e.start]:02x}); save it as UTF-8",
                           source) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_doc(text: str, shown: str, kind: str, slug: str, lang: str | None) -> RawDoc:
    lines = tuple(text.split("\n"))
    if kind in ("site", "vocabulary", "place", "partnership"):
        node = parse_yaml(text, shown, lines, 0)
        if node is None:
            raise ContentError(shown, 1, 1, "file is empty", lines[0])
        return RawDoc(shown, kind, slug, lang, node, "", 1, 0, lines)
    # Markdown, with YAML front matter between two '---' lines (required for explainers).
    data, body_line = None, 1
    if lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if end is None:
            raise ContentError(shown, 1, 1, "front matter opened with '---' is never closed", lines[0])
        data = parse_yaml("\n".join(lines[1:end]), shown, lines, 1)
        if data is None:
            raise ContentError(shown, 1, 1, "front matter is empty", lines[0])
        body_line = end + 2
    body = "\n".join(lines[body_line - 1 :])
    control = CONTROL.search(body)
    if control:
        line = body_line + body.count("\n", 0, control.start())
        raise ContentError(shown, line, control.start() - body.rfind("\n", 0, control.start()),
                           f"control character U+{ord(control.group()):04X}: remove it", lines[line - 1])
    if kind == "explainer" and data is None:
        raise ContentError(shown, 1, 1, "explainer needs front matter: '---', title: …, '---'", lines[0])
    return RawDoc(shown, kind, slug, lang, data, body, body_line, 1 if data is not None else 0, lines)


def parse_yaml(text: str, shown: str, lines, offset: int) -> yaml.Node | None:
    """Compose one YAML document into nodes; any problem is a ContentError inside the file."""
    def error(line: int, col: int, message: str) -> ContentError:
        line = min(max(line, 1), len(lines))  # "unexpected end of file" points at the last line
        source = lines[line - 1]
        return ContentError(shown, line, min(max(col, 1), len(source) + 1), message, source)

    def at(index: int) -> tuple[int, int]:  # line and column of a character of `text`
        before = text[:index]
        return before.count("\n") + 1 + offset, index - before.rfind("\n")

    separator = LINE_SEPARATORS.search(text)
    if separator:  # YAML counts these as line breaks and editors do not: positions would disagree
        raise error(*at(separator.start()), f"invisible line separator U+{ord(separator.group()):04X}: "
                                            "use a plain line break or a space")
    try:
        node, problems = compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if e.context == "while scanning a quoted scalar" and e.context_mark:
            mark = e.context_mark  # the opening quote, not the end of the file
        line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
        source = lines[line - 1] if 0 < line <= len(lines) else ""
        raise error(line, col, yaml_message(e, source, col, offset)) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow
        raise error(*at(e.position), f"control character U+{e.character:04X} is not allowed in YAML") from None
    if problems:
        raise ContentErrors([error(mark.line + 1 + offset, mark.column + 1, message) for mark, message in problems])
    return node


ALIAS_PROBLEM = "YAML aliases (*name) are not allowed: write the value out"


def compose(text: str) -> tuple[yaml.Node | None, list]:
    """yaml.compose made safe for untrusted text: aliases (a "billion laughs" file names one
    node a billion times), tags that ask for Python objects, too many values and too deep
    nesting (libyaml's recursive composer overflows the C stack) are reported, not obeyed.
    Iterative over the parser's events. Returns (root node, [(mark, problem)])."""
    loader = YamlLoader(text)
    problems: list = []
    root = None
    stack: list = []  # open collections: [node, its pending mapping key]
    documents = count = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents == 2:
                    problems.append((event.start_mark, "a file holds one YAML document: remove the second '---'"))
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()[0].end_mark = event.end_mark
                continue
            count += 1
            if count > MAX_NODES:
                problems.append((event.start_mark, f"more than {MAX_NODES:,} values in one file; split it up"))
                break
            node = make_node(loader, event, problems)
            if not stack:
                root = root or node
            elif isinstance(stack[-1][0], yaml.SequenceNode):
                stack[-1][0].value.append(node)
            elif stack[-1][1] is None:
                stack[-1][1] = node
            else:
                stack[-1][0].value.append((stack[-1][1], node))
                stack[-1][1] = None
            if isinstance(node, yaml.CollectionNode):
                stack.append([node, None])
                if len(stack) > MAX_DEPTH:
                    problems.append((event.start_mark, f"nested more than {MAX_DEPTH} levels deep"))
                    break
    finally:
        loader.dispose()
    return root, problems


def make_node(loader, event, problems: list) -> yaml.Node:
    """One node from its event, with the tag resolved as PyYAML's composer does."""
    if isinstance(event, yaml.AliasEvent):  # reported once per file: a "billion laughs" file has hundreds
        if not any(message == ALIAS_PROBLEM for _, message in problems):
            problems.append((event.start_mark, ALIAS_PROBLEM))
        return yaml.ScalarNode(NULL_TAG, "", event.start_mark, event.end_mark)
    tag = event.tag
    if tag not in (None, "!") and tag not in ALLOWED_TAGS:
        problems.append((event.start_mark, f"YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed"))
        tag = None
    if isinstance(event, yaml.ScalarEvent):
        if tag in (None, "!"):
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == MERGE_TAG:
                problems.append((event.start_mark, "YAML merge keys (<<) are not allowed: write the keys out"))
            elif tag == VALUE_TAG:  # PyYAML's reading of a bare '=': it is just text
                tag = STR_TAG
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
    if tag in (None, "!"):
        tag = loader.resolve(kind, None, event.implicit)
    return kind(tag, [], event.start_mark, None, event.flow_style)


def yaml_message(e: yaml.MarkedYAMLError, source: str, col: int, offset: int) -> str:
    """libyaml's words, said the way an editor can act on them."""
    problem = (e.problem or str(e)).strip()
    context = e.context or ""
    opened = e.context_mark.line + 1 + offset if e.context_mark else 0
    if "\t" in source[: max(col, 1)] or "'\\t'" in problem:
        return "tab character: YAML is indented with spaces, not tabs"
    if context == "while parsing a flow sequence":
        return f"YAML syntax error: the list opened with '[' on line {opened} is not closed: expected ',' or ']'"
    if context == "while parsing a flow mapping":
        return f"YAML syntax error: the mapping opened with '{{' on line {opened} is not closed: expected ',' or '}}'"
    if context == "while scanning a quoted scalar" and "end of stream" in problem:
        return "YAML syntax error: this quote is never closed"
    if problem == "mapping values are not allowed in this context":
        return "YAML syntax error: unexpected ':' (put text that contains ': ' in quotes, or check the indentation)"
    if problem == "did not find expected key":
        return (f"YAML syntax error: expected 'key: value' here, in the mapping that starts on line {opened} "
                "(check the indentation, and the quotes above)")
    if problem == "exceeded maximum nesting depth":  # libyaml 0.2.6 stops at 1,000 levels, before our check
        return f"nested more than {MAX_DEPTH} levels deep"
    if problem == "found character that cannot start any token":
        return f"YAML syntax error: '{source[col - 1:col]}' cannot start a value: put the text in quotes"
    context = f" {context}" if context and context not in problem else ""
    return f"YAML syntax error:{context} {problem}".replace("  ", " ")


class Reader:
    """A `read` for load() that keeps what it read: a file is parsed again only after
    forget() names it (the dev server's watcher says it was saved), or forget(None). Keeping
    the same document for an unchanged file also lets validate() keep its record."""

    def __init__(self):
        self.docs: dict[str, object] = {}

    def forget(self, paths: set[str] | None) -> None:
        if paths is None:
            self.docs.clear()
        for path in paths or ():
            self.docs.pop(os.path.abspath(path), None)

    def __call__(self, path, shown, kind, slug, lang):
        key = os.path.abspath(path)
        found = self.docs.get(key)
        if found is None or found[0] != (shown, kind, slug, lang):
            try:
                found = ((shown, kind, slug, lang), read_doc(path, shown, kind, slug, lang))
            except ContentError as error:
                found = ((shown, kind, slug, lang), error)
            self.docs[key] = found
        if isinstance(found[1], ContentError):
            raise found[1]
        return found[1]
