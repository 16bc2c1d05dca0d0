"""Stage 6, write: the only code that touches the output folder.

The site is written into a fresh sibling folder and swapped into place only when all
of it is written, so a failed build leaves the previous site exactly as it was.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write(outputs, out: Path, after=None) -> None:
    """Write `outputs` as the folder `out`, atomically replacing it. `outputs` is either
    path -> bytes, or a function that writes the site into the folder it is given (the
    big-site build renders straight to disk instead of holding every page in memory).

    `after(folder)` runs on the finished folder before the swap (e.g. the search indexer);
    if it raises, nothing is replaced."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    try:
        if callable(outputs):
            outputs(fresh)
        else:
            for name, data in sorted(outputs.items()):
                write_file(fresh, name, data)
        if after:
            after(fresh)
        os.chmod(fresh, 0o755)
        swap(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise


def write_file(folder: Path, name: str, data: bytes) -> None:
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


class FolderOutputs(Mapping):
    """A written folder seen as path -> bytes, read on demand (for checks of a big site)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        self.known = set(self.names)

    def __getitem__(self, name: str) -> bytes:
        if name not in self.known:
            raise KeyError(name)
        return (self.folder / name).read_bytes()

    def __contains__(self, name) -> bool:
        return name in self.known

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def swap(fresh: Path, out: Path) -> None:
    if not out.exists():
        fresh.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        fresh.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def update(outputs: dict[str, bytes], out: Path, previous: dict[str, bytes] | None = None) -> list[str]:
    """Write in place only the files whose bytes changed and remove files no longer built
    (the dev server's write: fast, and the browser never sees a missing page).

    `previous` is what the last call wrote: unchanged files are then known from memory
    instead of read back, and only the files it had are candidates for removal."""
    changed = []
    for name, data in outputs.items():
        if previous is not None and name in previous and previous[name] == data:
            continue
        target = out / name
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        changed.append(name)
    if previous is not None:
        for name in sorted(previous.keys() - outputs.keys()):
            (out / name).unlink(missing_ok=True)
            changed.append(name)
            for folder in (out / name).parents:
                if folder == out or not folder.is_relative_to(out) or any(folder.iterdir()):
                    break
                folder.rmdir()
        return changed
    for path in sorted(out.rglob("*"), reverse=True):
        name = path.relative_to(out).as_posix()
        if path.is_file() and name not in outputs:
            path.unlink()
            changed.append(name)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed
