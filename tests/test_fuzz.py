"""Issue 7: no input crashes the build. Hypothesis mutates the records and front matter
of a valid site at random (byte flips, deletions, insertions, key renames and deletions,
type swaps, whole random YAML documents and random text) and builds it: the result is
either a site or ContentErrors, each inside the file it names (1-based line within the
file, column from 1 to one past the line's end); never another exception.

CI runs 200 examples. A longer run: KEMBAR_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import configuration, strategies as st

from kembar import pipeline, render
from kembar.errors import ContentError

# Hypothesis keeps caches (and failure patches) in ./.hypothesis; tests leave the working folder alone.
configuration.set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "kembar-hypothesis")

BASE = Path(__file__).resolve().parent / "invalid" / "_base" / "content"
FILES = sorted(p.relative_to(BASE).as_posix() for p in BASE.rglob("*") if p.is_file())
EXAMPLES = int(os.environ.get("KEMBAR_FUZZ_EXAMPLES", "200"))
# Characters that mean something to YAML or Markdown, and some that editors paste by accident.
SPECIAL = list(":-?[]{},#&*!|>'\"%@`\t\n\r \\") + ["---", "...", "- ", ": ", "\ufeff", "\u2028", "\x85", "\x00",
                                                  "*a", "&a ", "!!python/object:os.system ", "<<: ", "\xe9"]
# Plain YAML scalars whose reading is surprising (YAML 1.1 numbers, dates, booleans) and broken values.
TOKENS = [".inf", "-.Inf", ".NaN", "0x1F", "017", "0o17", "0b101", "190:20:30", "1_000", "+12", "1e3", "6.8523015e+5",
          "~", "null", "yes", "no", "on", "2019-02-30", "2019-13", "0000", "9999-12-31", "2019-10-01T10:00:00Z",
          "https://[::1", "http://example.org:99999/", "http://exa mple.org/", "javascript:alert(1)", "=", "<<",
          "[", "]", "{", "{a: 1}", "[1, [2, [3]]]", "!!binary SlA=", "!!str", "!foo x", "&a x", "*a", "'", '"x',
          "|", ">-", "@x", "`x`", "- x", "? x", "%x", "#", "", "TODO", "ID", "XX", "badung", "fujisawa", "id"]
KEYS = ["names", "kind", "country", "region", "location", "description", "sources", "parties", "type", "status",
        "sectors", "summary", "caution", "timeline", "date", "stage", "text", "title", "publisher", "url", "lang",
        "order", "id", "en", "ja", "label", "definition", "languages", "base_url", "contact", "types", "statuses",
        "place_kinds", "nmes", "<<", "", "1", "null", "true"]
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
           | st.sampled_from(["badung", "fujisawa", "sister-city", "culture", "2024-10", "2019-02-30", "ID", "JP",
                              "https://example.org/", "javascript:alert(1)", "TODO", "", " ", "~", "0x1F", "1e3",
                              ".inf", "190:20:30", "=", "<<"])
           | st.dates(min_value=datetime.date(1, 1, 1)))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=3),
                      max_leaves=8)


def split_front_matter(text: str) -> tuple[str, str] | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    return (text[4:end + 1], text[end + 5:]) if end != -1 else None


def nodes(value, path=()):
    """Every (path, value) in a loaded YAML document."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from nodes(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from nodes(item, path + (i,))


def replace_at(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (replace_at(v, rest, new) if k == head else v) for k, v in value.items()}
    return [replace_at(v, rest, new) if i == head else v for i, v in enumerate(value)]


@st.composite
def structural(draw, data):
    """Rename or delete a key, swap a value for another type, or write a random document."""
    how = draw(st.sampled_from(["rename", "delete", "swap", "swap", "random"]))
    if how == "random":
        return draw(VALUES)
    places = list(nodes(data))
    path, value = draw(st.sampled_from(places))
    if how == "swap" or not path:
        return replace_at(data, path, draw(VALUES))
    parent_path, key = path[:-1], path[-1]
    parent = dict(nodes(data))[parent_path]
    if isinstance(parent, list):
        items = [v for i, v in enumerate(parent) if i != key]
        return replace_at(data, parent_path, items if how == "delete" else items + [draw(VALUES)])
    new_key = draw(st.sampled_from(KEYS) | st.text(max_size=8) | st.integers())
    items = {(new_key if k == key else k): v for k, v in parent.items() if how == "rename" or k != key}
    return replace_at(data, parent_path, items)


def dump(data, draw) -> str:
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False,
                          default_flow_style=draw(st.sampled_from([None, True, False])), width=draw(st.integers(20, 200)))


@st.composite
def mutations(draw) -> tuple[str, bytes]:
    """(file, its new bytes): one base file changed at random."""
    name = draw(st.sampled_from(FILES))
    original = (BASE / name).read_bytes()
    text = original.decode("utf-8")
    how = draw(st.sampled_from(["flip", "delete", "insert", "token", "token", "structure", "structure", "text"]))
    if how == "flip":
        data = bytearray(original)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return name, bytes(data)
    if how == "delete":
        start = draw(st.integers(0, len(original)))
        return name, original[:start] + original[start + draw(st.integers(1, 40)):]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        piece = "".join(draw(st.lists(st.sampled_from(SPECIAL) | st.text(max_size=3), min_size=1, max_size=6)))
        return name, (text[:at] + piece + text[at:]).encode("utf-8", "surrogatepass")
    if how == "token":  # one word (a key, a value, a list item) written as a surprising plain scalar
        spans = [m.span() for m in re.finditer(r"[^\s,\[\]{}:#'\"]+", text)]
        start, end = draw(st.sampled_from(spans))
        return name, (text[:start] + draw(st.sampled_from(TOKENS)) + text[end:]).encode("utf-8")
    if how == "text":
        return name, draw(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
    front = split_front_matter(text)
    if name.endswith(".yaml"):
        return name, dump(draw(structural(yaml.safe_load(text))), draw).encode("utf-8")
    if front:  # an explainer's front matter
        matter, body = front
        return name, ("---\n" + dump(draw(structural(yaml.safe_load(matter))), draw) + "---\n" + body).encode("utf-8")
    return name, ("---\n" + dump(draw(VALUES), draw) + "---\n" + text).encode("utf-8")  # front matter on a narrative


def file_lines(path: Path) -> list[str]:
    """The file's lines as editors (and the errors) count them."""
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    return raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_errors(root: Path, errors) -> None:
    assert errors, "a failed build names its errors"
    for error in errors:
        assert type(error) is ContentError
        assert error.path.startswith("content/"), f"not a content error: {error}"  # a template crash is a bug
        path = root / error.path
        if path.is_file() and not path.is_symlink():
            lines = file_lines(path)
            assert 1 <= error.line <= len(lines), str(error)
            assert 1 <= error.col <= len(lines[error.line - 1]) + 1, str(error)
        else:
            assert (error.line, error.col) == (1, 1), str(error)
        assert error.format().startswith(str(error))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """One copy of the base site, each example changes one file and puts it back; the
    templates are compiled once for the whole run (render's own cache, shared)."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(BASE, root / "content")
    shared = render.SharedBytecode()
    patch = pytest.MonkeyPatch()
    patch.setattr(render, "SharedBytecode", lambda: shared)
    yield root
    patch.undo()


def test_the_base_site_builds(workspace):
    _, outputs, errors = pipeline.in_memory(workspace / "content")
    assert errors == [] and outputs


@settings(max_examples=EXAMPLES, deadline=datetime.timedelta(seconds=10), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutation=mutations())
@example(mutation=("explainers/what-is-a-sister-city.en.md", b"\r\x80"))  # a bad byte after a CR-only line end
def test_mutated_content_builds_or_reports_positions(workspace, mutation):
    name, data = mutation
    target = workspace / "content" / name
    try:
        target.write_bytes(data)
        _, outputs, errors = pipeline.in_memory(workspace / "content")
        if outputs is None:
            check_errors(workspace, errors)
        else:
            assert errors == [] and all(isinstance(v, bytes) for v in outputs.values())
        event("built" if outputs is not None else "content errors")
    finally:
        target.write_bytes((BASE / name).read_bytes())
