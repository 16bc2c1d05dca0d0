"""How the dev server learns that a file was saved: watchfiles (the system's notifications,
or `serve --poll` for network drives and container mounts, where they never come).

A watch stops seeing anything once a watched folder is deleted, even when it comes back
(a tool that replaces the content folder whole, a restore from an archive). So when one
goes away, the watch ends, waits for the folder to be back, says so, and starts again
with a full rebuild.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import watchfiles

READY_MS = 300  # the first wait for changes: after it, the watch has surely started (polling: its first walk is done)


def interesting(change, path: str) -> bool:
    """Editors' swap and backup files and hidden files are not content."""
    name = os.path.basename(path)
    return not name.startswith(".") and not name.endswith(("~", ".swp", ".swx", ".tmp"))


def watch(folders: list[Path], changed, poll: bool, stop: threading.Event, ready: threading.Event) -> None:
    """Call changed(paths) with the files saved together; changed(None) when what changed is
    not known (a watched folder came back). Sets `ready` once the first watch has started
    (the server answers no request before: a save it answered after is never missed).
    Runs until `stop` is set."""
    folders = [Path(folder).resolve() for folder in folders]
    roots = {str(folder) for folder in folders}
    came_back = False
    while not stop.is_set():
        gone = [folder for folder in folders if not folder.is_dir()]
        if gone:
            print(f"{gone[0]} is gone: waiting for it to come back", file=sys.stderr, flush=True)
            while any(not folder.is_dir() for folder in folders):
                if stop.wait(0.2):
                    return
            came_back = True
        for changes in watchfiles.watch(*folders, watch_filter=interesting, stop_event=stop, force_polling=poll,
                                        rust_timeout=READY_MS, yield_on_timeout=True, raise_interrupt=False):
            ready.set()  # (the first yield comes after READY_MS with nothing seen: the watch is on)
            if came_back:  # watched again: what changed meanwhile is not known
                print(f"{gone[0]} is back: rebuilding everything", file=sys.stderr, flush=True)
                came_back = False
                changed(None)
            paths = {path for _, path in changes}
            if paths & roots or any(not folder.is_dir() for folder in folders):
                break  # a watched folder went away: watch again once it is back
            if paths:
                changed(paths)
