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

import re
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from kembar import cli, pipeline
from kembar.render import Project

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
