"""kembar/watch.py: how the dev server learns of a save (the server tests use both ways)."""
from __future__ import annotations

import os
import sys

import pytest

from kembar.watch import Inotify, snapshot

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def test_inotify_sees_saves_in_place_and_by_rename_and_files_in_new_folders(tmp_path):
    (tmp_path / "places").mkdir()
    record = tmp_path / "places/badung.yaml"
    record.write_text("kind: regency\n")
    watcher = Inotify([tmp_path])
    try:
        assert not watcher.changed()
        record.write_text("kind: city\n")  # an editor writing in place
        assert watcher.changed()
        assert not watcher.changed()  # each event is reported once
        (tmp_path / "places/.badung.yaml.swp").write_text("x")
        os.replace(tmp_path / "places/.badung.yaml.swp", record)  # an editor saving by rename
        assert watcher.changed()
        (tmp_path / "explainers").mkdir()
        assert watcher.changed()
        (tmp_path / "explainers/what.en.md").write_text("# What\n")  # inside the folder made since
        assert watcher.changed()
        record.unlink()
        assert watcher.changed()
    finally:
        watcher.close()


def test_a_walk_sees_a_changed_file_and_leaves_hidden_ones_out(tmp_path):
    (tmp_path / "places").mkdir()
    record = tmp_path / "places/badung.yaml"
    record.write_text("kind: regency\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git/index").write_text("x")
    before = snapshot([tmp_path])
    assert list(before) == [str(record)]
    record.write_text("kind: regency, city\n")
    assert snapshot([tmp_path]) != before
