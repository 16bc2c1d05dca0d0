"""Issue 7: a failed build loses no work, and the same input gives the same bytes.

A build that fails at any stage (content, template, writing the files, the search
index, the final swap) leaves the previous site/ byte for byte as it was and no
temporary folder behind; a write error is one clear line and exit 1. Two builds of the
same content are identical, also with another PYTHONHASHSEED and working directory.
"""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kembar import cli, pipeline, search
from kembar.project import Project

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BASE = HERE / "invalid" / "_base" / "content"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("previous") / "site"
    assert cli.main(["build", "--content", str(BASE), "--out", str(out)]) == 0
    return out


@pytest.fixture
def site(tmp_path, previous) -> Path:
    """A copy of the base content and of its built site, side by side in tmp_path."""
    shutil.copytree(BASE, tmp_path / "content")
    shutil.copytree(previous, tmp_path / "site")
    return tmp_path / "site"


def assert_untouched(site: Path, previous: Path) -> None:
    assert snapshot(site) == snapshot(previous)
    assert sorted(p.name for p in site.parent.iterdir()) == ["content", "site"]  # no .site-new-*/.site-old-*


def build(site: Path, *extra: str) -> int:
    return cli.main(["build", "--content", str(site.parent / "content"), "--out", str(site), *extra])


def test_a_content_error_leaves_the_previous_site(site, previous):
    (site.parent / "content/places/fujisawa.yaml").write_text("names: [\n", encoding="utf-8")
    assert build(site) == 1
    assert_untouched(site, previous)


def test_a_template_error_leaves_the_previous_site(site, previous, monkeypatch):
    templates = site.parent / "templates"
    shutil.copytree(REPO / "templates", templates)
    (templates / "place.html").write_text('{% extends "base.html" %}{% block main %}{{ place.nope() }}{% endblock %}',
                                          encoding="utf-8")
    monkeypatch.setattr(pipeline, "PROJECT", Project(templates, REPO / "locales"))
    assert build(site) == 1
    shutil.rmtree(templates)
    assert_untouched(site, previous)


@pytest.mark.parametrize("after", [0, 1, 25, 80])
def test_a_full_disk_is_one_line_and_leaves_the_previous_site(site, previous, monkeypatch, capsys, after):
    """The disk fills up after `after` files of the new site are written."""
    real = Path.write_bytes
    written = []

    def write_bytes(self, data):
        if len(written) >= after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(self)
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    assert build(site, "--no-search", "--jobs", "1") == 1  # one process, so `written` sees every file
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err == f"error: cannot write the site to {site}: No space left on device\n"
    assert len(written) == after
    assert_untouched(site, previous)


def test_a_full_disk_in_a_render_process_is_one_line_too(site, previous, monkeypatch, capsys):
    real = Path.write_bytes

    def write_bytes(self, data):
        if self.name == "index.html" and "partnerships" in self.parts:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    assert build(site, "--no-search", "--jobs", "2") == 1
    monkeypatch.undo()
    assert capsys.readouterr().err == f"error: cannot write the site to {site}: No space left on device\n"
    assert_untouched(site, previous)


def test_a_failing_search_index_leaves_the_previous_site(site, previous, monkeypatch, capsys):
    def broken(folder, languages):
        (folder / "pagefind").mkdir()
        (folder / "pagefind/half.pf_index").write_bytes(b"...")
        raise search.SearchIndexError("Pagefind failed: out of memory")

    monkeypatch.setattr(search, "index_site", broken)
    assert build(site) == 1
    assert capsys.readouterr().err == "error: Pagefind failed: out of memory\n"
    assert_untouched(site, previous)


def test_a_failing_swap_puts_the_previous_site_back(site, previous, monkeypatch, capsys):
    """The new folder cannot take the site's name (e.g. a Windows lock on it)."""
    real = Path.rename

    def rename(self, target):
        if Path(target).name == "site" and self.name.startswith(".site-new-"):
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    assert build(site, "--no-search") == 1
    assert capsys.readouterr().err == f"error: cannot write the site to {site}: Device or resource busy\n"
    assert_untouched(site, previous)


def test_a_successful_build_replaces_everything(site, previous):
    (site / "stale.html").write_text("left over from an older build", encoding="utf-8")
    (site.parent / "content/places/fujisawa.yaml").write_text(
        (BASE / "places/fujisawa.yaml").read_text(encoding="utf-8").replace("Fujisawa City", "City of Fujisawa"),
        encoding="utf-8")
    assert build(site) == 0
    assert not (site / "stale.html").exists()
    assert "City of Fujisawa" in (site / "en/places/fujisawa/index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in site.parent.iterdir()) == [".cache", "content", "site"]  # .cache: the warm-build record


def test_builds_are_byte_identical_across_hash_seeds_and_folders(tmp_path):
    """Set and dict order, the working directory and the content's absolute path must not
    leak into the output. The real command, in two processes."""
    outs = []
    for seed, name in (("1", "one"), ("4242", "two")):
        work = tmp_path / name
        shutil.copytree(BASE, work / "content")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        run = subprocess.run([sys.executable, str(REPO / "build.py"), "build", "--content", "content",
                              "--out", str(tmp_path / f"out-{name}")], cwd=work, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        outs.append(snapshot(tmp_path / f"out-{name}"))
    first, second = outs
    assert len(first) > 80 and any(name.startswith("pagefind/") for name in first)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("out", ["content", "content/places", ".", "..", "templates"])
def test_the_output_folder_may_not_swallow_the_content_or_the_project(site, previous, monkeypatch, capsys, out):
    """The build replaces --out wholesale: pointed at the content (or a folder holding it,
    or the project's templates) it would have deleted them."""
    templates = site.parent / "templates"
    shutil.copytree(REPO / "templates", templates)
    monkeypatch.setattr(pipeline, "PROJECT", Project(templates, REPO / "locales"))
    monkeypatch.chdir(site.parent)
    before = snapshot(site.parent)
    assert cli.main(["build", "--content", "content", "--out", out]) == 2
    assert "would overwrite the" in capsys.readouterr().err
    assert snapshot(site.parent) == before


def test_an_output_that_is_a_file_is_refused_and_kept(site, previous, monkeypatch, capsys):
    """--out naming a file: the build would replace the file with a folder (and leave a
    .name-old-* copy beside it). It refuses and changes nothing."""
    monkeypatch.chdir(site.parent)
    (site.parent / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(site.parent)
    assert cli.main(["build", "--content", "content", "--out", "notes.txt", "--no-search"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert snapshot(site.parent) == before
