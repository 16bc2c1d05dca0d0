"""Issue 7 and issue 2: every kind of broken content is reported as `path:line:col: message`.

The corpus lives in tests/invalid/: `_base/` is one small valid site, and every other
folder is a case, an overlay on it:

    tests/invalid/<case>/content/...   files added to or replacing the base site's
    tests/invalid/<case>/templates/... templates replacing the project's (in a copy)
    tests/invalid/<case>/delete.txt    paths to remove from the base, one a line
    tests/invalid/<case>/expected.txt  the exact error lines, as printed (sorted)

To add a case, make a folder with the files that break the site and the lines you
expect; `python -m pytest tests/test_invalid.py -k <case>` shows what is printed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from kembar import cli, pipeline
from kembar.project import Project

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = HERE / "invalid"
BASE = CORPUS / "_base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
ERROR_LINE = re.compile(r"^\S+:\d+:\d+: ")
# Run through the real command line in a subprocess; the rest run in-process (faster).
SUBPROCESS = {"yaml-tab-indentation", "non-utf8-bytes", "yaml-billion-laughs", "yaml-python-object-tag",
              "ten-mistakes", "front-matter-not-closed", "unknown-vocabulary-terms", "source-url-not-http"}


def apply_case(name: str, root: Path) -> Path:
    """The base site with the case's overlay, under root/content (and root/templates if
    the case has templates). Returns the content folder."""
    case = CORPUS / name
    shutil.copytree(BASE / "content", root / "content")
    for path in sorted((case / "content").rglob("*")) if (case / "content").is_dir() else ():
        if path.is_file():
            target = root / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    if (case / "delete.txt").is_file():
        for line in (case / "delete.txt").read_text(encoding="utf-8").split():
            (root / line).unlink()
    if (case / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(case / "templates", root / "templates", dirs_exist_ok=True)
    return root / "content"


def expected_lines(name: str) -> list[str]:
    text = (CORPUS / name / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory) -> Path:
    """The base site, built once: each case builds over a copy and must leave it as it was."""
    out = tmp_path_factory.mktemp("previous") / "site"
    assert cli.main(["build", "--content", str(BASE / "content"), "--out", str(out)]) == 0
    return out


def test_the_corpus_is_large_and_its_base_is_valid(previous_site):
    assert len(CASES) >= 50
    assert (previous_site / "en/partnerships/badung-fujisawa/index.html").is_file()
    for name in CASES:
        lines = expected_lines(name)
        assert lines and all(ERROR_LINE.match(line) for line in lines), name


@pytest.mark.parametrize("name", CASES)
def test_case(name, tmp_path, previous_site, capsys, monkeypatch):
    content = apply_case(name, tmp_path)
    out = tmp_path / "site"
    shutil.copytree(previous_site, out)
    before = snapshot(out)
    if (tmp_path / "templates").is_dir():
        monkeypatch.setattr(pipeline, "PROJECT", Project(tmp_path / "templates", REPO / "locales"))
    if name in SUBPROCESS:
        run = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", str(content),
                              "--out", str(out)], capture_output=True, text=True, cwd=tmp_path, timeout=120)
        status, stdout, stderr = run.returncode, run.stdout, run.stderr
    else:
        status = cli.main(["build", "--content", str(content), "--out", str(out)])
        stdout, stderr = capsys.readouterr()
    printed = [line for line in stderr.split("\n") if ERROR_LINE.match(line)]
    expected = expected_lines(name)
    assert printed == expected, "\n" + stderr
    assert status == 1
    assert "Traceback" not in stdout + stderr
    assert stderr.rstrip().endswith(f"{len(expected)} error{'s' if len(expected) != 1 else ''}")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["content", "site"] + (
        ["templates"] if (tmp_path / "templates").is_dir() else []))  # no temporary folders left


# -- hostile sizes: rejected with a clear error, in bounded memory ----------------------------

def peak_memory(run) -> tuple[object, int]:
    """Run, returning its result and the peak of Python allocations (bytes) while it ran."""
    tracemalloc.start()
    try:
        return run(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_file_of_tens_of_megabytes_is_refused_unread(tmp_path):
    content = apply_case("empty-file", tmp_path)
    with open(content / "places/fujisawa.yaml", "w", encoding="utf-8") as f:
        for _ in range(30):  # written in pieces: the test itself stays small too
            f.write("names: '" + "x" * (1 << 20) + "'\n")
    (_, _, errors), peak = peak_memory(lambda: pipeline.in_memory(content))
    assert [str(e) for e in errors] == [
        "content/places/fujisawa.yaml:1:1: file is 30.0 MB; content files must be under 1 MB"]
    assert peak < 8 * 1024 * 1024  # the file is 30 MB: it was never read


def test_a_billion_laughs_costs_nothing(tmp_path):
    content = apply_case("yaml-billion-laughs", tmp_path)
    (_, _, errors), peak = peak_memory(lambda: pipeline.in_memory(content))
    assert [str(e) for e in errors] == expected_lines("yaml-billion-laughs")
    assert peak < 8 * 1024 * 1024  # expanded, it would be 10^9 strings


def test_a_file_of_a_million_values_stops_at_the_limit(tmp_path):
    content = apply_case("empty-file", tmp_path)
    (content / "places/fujisawa.yaml").write_text("names: [" + "0," * 500_000 + "0]\n", encoding="utf-8")
    (_, _, errors), peak = peak_memory(lambda: pipeline.in_memory(content))
    assert [(e.path, e.line, e.message) for e in errors] == [
        ("content/places/fujisawa.yaml", 1, "more than 20,000 values in one file; split it up")]
    assert peak < 32 * 1024 * 1024  # composing all of it took 280 MB


def test_nesting_a_million_deep_does_not_crash_the_process(tmp_path):
    """libyaml's own composer recursed once per level and overflowed the C stack (a
    segfault, no message at all); run in a subprocess so a crash cannot take pytest down."""
    content = apply_case("empty-file", tmp_path)
    (content / "places/fujisawa.yaml").write_text("names: " + "[" * 1_000_000 + "\n", encoding="utf-8")
    (content / "explainers/what-is-a-sister-city.en.md").write_text(
        "---\ntitle: " + "{a: " * 100_000 + "\n---\nBody.\n", encoding="utf-8")
    (content / "partnerships/badung-fujisawa.en.md").write_text("- " * 100_000 + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", str(content),
                          "--out", str(tmp_path / "site")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    # Where: level 51 (column 57), or level 1,000 where libyaml 0.2.6 (PyYAML 6.0.4's) stops first.
    assert re.search(r"^content/places/fujisawa.yaml:1:(57|1007): nested more than 50 levels deep$", run.stderr, re.M)
    assert "content/explainers/what-is-a-sister-city.en.md:2:204: nested more than 50 levels deep\n" in run.stderr
    assert "content/partnerships/badung-fujisawa.en.md:1:1: nested more than 16 levels deep\n" in run.stderr
    assert "content/partnerships/badung-fujisawa.en.md:1:1: paragraph of 200,000 characters" in run.stderr
    assert run.stderr.endswith("\n4 errors\n")


def test_markdown_that_would_crash_python_markdown_is_a_content_error(tmp_path):
    """validate bounds nesting; should anything get past it, render reports it at the file."""
    from kembar.load import load
    from kembar.model import Markdown
    from kembar.render import Renderer
    from kembar.validate import validate
    from kembar.errors import ContentError

    site, errors = validate(load(BASE / "content")[0])
    assert errors == []
    renderer = Renderer(site, pipeline.planned(site).pages, pipeline.PROJECT)
    with pytest.raises(ContentError) as raised:
        renderer.render_markdown(Markdown("- " * 5000 + "x\n", "content/explainers/x.en.md", 5), "en")
    assert str(raised.value) == "content/explainers/x.en.md:5:1: cannot convert this Markdown (RecursionError)"


# -- files that are not files -------------------------------------------------------------------

def test_a_link_out_of_the_content_folder_is_refused(tmp_path):
    """A committed symlink to a file elsewhere (a secret on the CI machine) must not be
    read: its lines would be printed under an error."""
    content = apply_case("empty-file", tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("token: s3cr3t\n", encoding="utf-8")
    (content / "places/fujisawa.yaml").unlink()
    (content / "places/fujisawa.yaml").symlink_to(secret)
    (content / "places/osaka.yaml").symlink_to("fujisawa.yaml")  # inside, to a file outside
    _, _, errors = pipeline.in_memory(content)
    assert [str(e) for e in errors] == [
        "content/places/fujisawa.yaml:1:1: a link to a file outside the content folder; copy the file in instead",
        "content/places/osaka.yaml:1:1: a link to a file outside the content folder; copy the file in instead"]
    assert all("s3cr3t" not in e.format() for e in errors)


def test_a_link_inside_the_content_folder_is_read(tmp_path):
    content = apply_case("empty-file", tmp_path)
    (content / "places/fujisawa.yaml").unlink()
    (content / "places/fujisawa.yaml").symlink_to((BASE / "content/places/fujisawa.yaml").read_text()
                                                  and (content / "places/jepara.yaml"))
    _, _, errors = pipeline.in_memory(content)
    assert errors == []


def test_a_named_pipe_is_refused_not_waited_on(tmp_path):
    content = apply_case("empty-file", tmp_path)
    (content / "places/fujisawa.yaml").unlink()
    os.mkfifo(content / "places/fujisawa.yaml")  # reading it would block for ever
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--content", str(content)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert run.stderr.startswith("content/places/fujisawa.yaml:1:1: not a regular file\n")


def test_an_unreadable_file_is_a_content_error(tmp_path, monkeypatch):
    content = apply_case("empty-file", tmp_path)
    real_open = Path.open

    def refuse(self, *args, **kwargs):  # chmod 000 does not stop root, who runs CI containers
        if self.name == "fujisawa.yaml":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    _, _, errors = pipeline.in_memory(content)
    assert [str(e) for e in errors] == ["content/places/fujisawa.yaml:1:1: cannot read the file: Permission denied"]


# -- what editors' tools produce is not a mistake -------------------------------------------------

@pytest.mark.parametrize("style", ["bom", "crlf", "no-final-newline", "all-three"])
def test_editor_file_styles_build_byte_identical_output(style, tmp_path):
    clean = tmp_path / "clean"
    shutil.copytree(BASE / "content", clean / "content")
    edited = tmp_path / "edited"
    shutil.copytree(BASE / "content", edited / "content")
    changed = 0
    for path in sorted((edited / "content").rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if style in ("no-final-newline", "all-three"):
            data = data.rstrip(b"\n")
        if style in ("crlf", "all-three"):
            data = data.replace(b"\n", b"\r\n")
        if style in ("bom", "all-three"):
            data = b"\xef\xbb\xbf" + data
        changed += data != path.read_bytes()
        path.write_bytes(data)
    assert changed == len(list((clean / "content").rglob("*.*"))) >= 14
    _, first, errors = pipeline.in_memory(clean / "content")
    assert errors == []
    _, second, errors = pipeline.in_memory(edited / "content")
    assert errors == []
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
