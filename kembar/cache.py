"""The warm build: when nothing the site is made from has changed since the last build,
and the output folder is as that build left it, there is nothing to do.

What the site is made from: the content files, the templates, the catalogs, the engine's
own code and data, and the options that change the output. A file counts as changed
when its size or modification time differs (as make and git judge it). The record lives
in one git-ignored folder (.cache/ beside the output), is safe to delete, and
`build --no-cache` ignores it.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

ENGINE = Path(__file__).resolve().parent


def _stat_lines(root: Path) -> list[str]:
    """'path size mtime' of every file below root (os.walk: a big site has 80,000 files,
    and pathlib's objects cost four times as much)."""
    lines = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/") + "/"
        for name in files:
            st = os.stat(os.path.join(folder, name))
            lines.append(f"{prefix.removeprefix('./')}{name}\0{st.st_size}\0{st.st_mtime_ns}")
    return sorted(lines)


def fingerprint(content: Path, project, options: dict) -> str:
    """A digest of everything the output is made from."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for root in (content, project.templates, project.locales, ENGINE):
        digest.update(f"\n#{root.name}\n".encode())
        digest.update("\n".join(_stat_lines(root)).encode())
    return digest.hexdigest()


def record_path(out: Path) -> Path:
    out = out.resolve()
    return out.parent / ".cache" / f"{out.name}.build.json"


def up_to_date(out: Path, print_: str) -> bool:
    """True if the last build into `out` had this fingerprint and `out` is untouched since."""
    try:
        record = json.loads(record_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (record.get("fingerprint") == print_ and out.is_dir()
            and record.get("output") == hashlib.sha256("\n".join(_stat_lines(out)).encode()).hexdigest())


def remember(out: Path, print_: str) -> None:
    path = record_path(out)
    path.parent.mkdir(exist_ok=True)
    (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
    output = hashlib.sha256("\n".join(_stat_lines(out)).encode()).hexdigest()
    path.write_text(json.dumps({"fingerprint": print_, "output": output}), encoding="utf-8")


def forget(out: Path) -> None:
    record_path(out).unlink(missing_ok=True)
