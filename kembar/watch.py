"""How the dev server learns that a file was saved.

On Linux the kernel says so (inotify): no folder is ever walked, so a save is seen at
once and a big site costs nothing while nobody edits. Elsewhere, or with
`serve --poll` (network drives and container mounts, where inotify sees nothing), the
watched folders are walked on a timer, less often as they grow, so that walking never
takes more than a fifth of a CPU.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
import sys
import time

POLL_SECONDS = 0.2  # the shortest time between two walks of the watched folders
POLL_SHARE = 0.2  # at most this share of the time is spent walking them

IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_ISDIR = 0x400, 0x800, 0x4000, 0x40000000
EVENTS = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
          | IN_DELETE_SELF | IN_MOVE_SELF)
EVENT_HEADER = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)


class Inotify:
    """The folders (and their subfolders, also those made later) watched by Linux inotify."""

    def __init__(self, folders):
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.folders: dict[int, str] = {}  # watch descriptor -> folder
        for folder in folders:
            self.add(os.fsdecode(folder))

    def add(self, top: str) -> None:
        for folder, subfolders, _ in os.walk(top):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), EVENTS)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"cannot watch {folder}")
            self.folders[wd] = folder

    def changed(self) -> set[str] | None:
        """Read the waiting events: the files they name, or None when more than files
        changed (a folder, or events the kernel dropped). New folders are watched from now on."""
        data = b""
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            data += chunk
        offset, changed, unknown = 0, set(), False
        while offset + EVENT_HEADER.size <= len(data):
            wd, mask, _, length = EVENT_HEADER.unpack_from(data, offset)
            name = data[offset + EVENT_HEADER.size: offset + EVENT_HEADER.size + length].rstrip(b"\0")
            offset += EVENT_HEADER.size + length
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO) and wd in self.folders:
                self.add(os.path.join(self.folders[wd], os.fsdecode(name)))
            if mask & (IN_ISDIR | IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF) or not name or wd not in self.folders:
                unknown = True
            else:
                changed.add(os.path.join(self.folders[wd], os.fsdecode(name)))
        return None if unknown else changed

    def close(self) -> None:
        os.close(self.fd)


def snapshot(folders) -> dict[str, tuple[int, int]]:
    """Every file under the folders with its modification time and size (hidden ones left out)."""
    found = {}
    todo = [os.fspath(folder) for folder in folders]
    while todo:
        try:
            with os.scandir(todo.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                        else:
                            st = entry.stat()
                            found[entry.path] = (st.st_mtime_ns, st.st_size)
                    except OSError:  # gone while we looked: the next walk sees it
                        continue
        except OSError:
            continue
    return found


def watch(folders, on_change, poll: bool = False) -> str:
    """Call on_change(paths) on the running Tornado IOLoop after any file under the folders
    changes: the files that changed (appeared, went away), or None when that is not known.
    Returns how: 'inotify' or 'polling'."""
    from tornado.ioloop import IOLoop

    loop = IOLoop.current()
    if not poll and sys.platform.startswith("linux"):
        try:
            inotify = Inotify(folders)
        except (OSError, AttributeError):  # no inotify (or too many watches): poll instead
            pass
        else:
            def read(fd, events):
                changed = inotify.changed()
                if changed is None or changed:
                    on_change(changed)

            loop.add_handler(inotify.fd, read, IOLoop.READ)
            return "inotify"

    last = snapshot(folders)

    def look():
        nonlocal last
        start = time.perf_counter()
        now = snapshot(folders)
        if now != last:
            changed = {path for path in now.keys() | last.keys() if now.get(path) != last.get(path)}
            last = now
            on_change(changed)
        took = time.perf_counter() - start
        loop.call_later(max(POLL_SECONDS, took / POLL_SHARE), look)

    loop.call_later(POLL_SECONDS, look)
    return "polling"
