"""kembar/watch.py: how the dev server learns of a save (the server tests use both ways)."""
from __future__ import annotations

import os
import sys

import pytest

from kembar.watch import Inotify, snapshot

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")


def test_inotify_names_the_files_saved_in_place_by_rename_and_in_new_folders(tmp_path):
    (tmp_path / "places").mkdir()
    record = tmp_path / "places/badung.yaml"
    record.write_text("kind: regency\n")
    watcher = Inotify([tmp_path])
    try:
        assert watcher.changed() == set()
        record.write_text("kind: city\n")  # an editor writing in place
        assert watcher.changed() == {str(record)}
        assert watcher.changed() == set()  # each event is reported once
        swap = tmp_path / "places/.badung.yaml.swp"
        swap.write_text("x")
        os.replace(swap, record)  # an editor saving by rename
        assert watcher.changed() == {str(swap), str(record)}
        (tmp_path / "explainers").mkdir()
        assert watcher.changed() is None  # a folder: more than files may have changed
        (tmp_path / "explainers/what.en.md").write_text("# What\n")  # inside the folder made since
        assert watcher.changed() == {str(tmp_path / "explainers/what.en.md")}
        record.unlink()
        assert watcher.changed() == {str(record)}
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
