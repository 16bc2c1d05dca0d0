"""Search: Pagefind's extended build indexes the written site, one index per <html lang>.

The extended build segments Japanese at index time, so ja queries match without spaces,
and stems Indonesian. Only the main content of partnership, place and explainer pages is
indexed (base.html marks it data-pagefind-body; INDEXED_SECTIONS names their folders).
The build runs this on the fresh folder before it is swapped in (write(..., after=index_site)),
so a failed index leaves the previous site untouched; `check` and the dev server do not run it.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from pathlib import Path

BUNDLE = "pagefind"  # the bundle folder: no leading underscore, so every host serves it


class SearchIndexError(Exception):
    pass


def executable() -> str:
    try:
        from pagefind_bin_extended import get_executable  # the extended build, for Japanese
    except ImportError:
        raise SearchIndexError("Pagefind's extended build is missing: pip install 'pagefind[extended]'") from None
    return str(get_executable())


INDEXED_SECTIONS = ("partnerships", "places", "explainers")  # the pages base.html marks data-pagefind-body


def indexed_glob(lang: str) -> str:
    """The pages of one language that Pagefind indexes, as a Pagefind glob."""
    return f"{lang}/{{{','.join(INDEXED_SECTIONS)}}}/*/index.html"


def index_site(folder: Path, languages, output: Path | None = None) -> None:
    """Index the built site in `folder`, writing folder/pagefind/ (or `output`: the dev
    server makes the next index beside the one it serves). Raises SearchIndexError.

    One Pagefind run per language, over the pages it indexes: Pagefind holds all it indexes
    in memory until it writes (at N=10,000 5.2 GB for the three languages at once, 3.3 GB for
    Japanese alone), and the list pages it would otherwise read (the directory alone is
    15 MB a language there) have nothing to index. Each run writes its own language's files;
    the entry file, which each run rewrites, is made to name them all."""
    bundle = output or folder / BUNDLE
    entry_path = bundle / "pagefind-entry.json"
    entry, found = {}, {}
    for lang in languages:
        result = subprocess.run([executable(), "--site", str(folder), "--output-path", str(bundle), "--silent",
                                 "--glob", indexed_glob(lang)], capture_output=True, text=True)
        if result.returncode != 0:
            raise SearchIndexError(f"Pagefind failed (exit {result.returncode}):\n{result.stderr or result.stdout}")
        if entry_path.is_file():
            entry = json.loads(entry_path.read_text(encoding="utf-8"))
            found.update(entry.get("languages", {}))
    if not entry:
        raise SearchIndexError(f"Pagefind wrote no {entry_path}")
    entry["languages"] = found
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    make_stable(bundle)


# -- deterministic output ------------------------------------------------------------------
# Pagefind 1.x keeps filters in hash maps (its source says "TODO: Change filter indexes to
# BTree to give them a stable hash"), so the order of filter values, of the filters in each
# language's meta file and of the languages in the entry file changes from run to run, and
# with it the file names. Everything else it writes is stable. make_stable() sorts those
# three lists and renames what their content names, so one site always gives the same bytes.
# The files are gzip'd "pagefind_dcd" + CBOR (arrays, text and integers).
SIGNATURE = b"pagefind_dcd"


def make_stable(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    if not entry_path.is_file():
        raise SearchIndexError(f"Pagefind wrote no {entry_path}")
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = read_pf(path)
        data = pack([name, sorted(values, key=lambda v: v[0])])
        renamed[path.stem] = write_pf(bundle / "filter", path.stem.split("_")[0], ".pf_filter", data, 7)
        path.unlink()
    for lang, info in entry.get("languages", {}).items():
        path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_pf(path)
        if len(meta) < 4 or not all(isinstance(f, list) and len(f) == 2 for f in meta[3]):
            raise SearchIndexError(f"{path.name}: not the meta layout of Pagefind 1.x (pin pagefind to 1.x)")
        meta[3] = sorted([name, renamed.get(short, short)] for name, short in meta[3])
        path.unlink()
        info["hash"] = write_pf(bundle, f"pagefind.{lang}", ".pf_meta", pack(meta), 10).removeprefix("pagefind.")
    entry["languages"] = dict(sorted(entry.get("languages", {}).items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_pf(path: Path):
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise SearchIndexError(f"{path.name}: not a Pagefind data file")
    value, end = unpack(raw, len(SIGNATURE))
    if end != len(raw):
        raise SearchIndexError(f"{path.name}: unexpected data after the index")
    return value


def write_pf(folder: Path, prefix: str, suffix: str, data: bytes, length: int) -> str:
    """Write gzip'd data under a name made from its content; return the name without suffix."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{prefix}_{digest[:length]}"
    while (folder / (name + suffix)).exists():  # a clash of short names: use more of the digest
        length += 1
        name = f"{prefix}_{digest[:length]}"
    (folder / (name + suffix)).write_bytes(gzip.compress(SIGNATURE + data, mtime=0))
    return name


def unpack(data: bytes, i: int):
    """Decode one CBOR item at data[i:] -> (value, next index): integers, text, arrays."""
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        n = info
    elif info <= 27:
        size = 1 << (info - 24)
        n, i = int.from_bytes(data[i:i + size], "big"), i + size
    else:
        raise SearchIndexError(f"unsupported CBOR item (major {major}, info {info})")
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 3:
        return data[i:i + n].decode("utf-8"), i + n
    if major == 4:
        items = []
        for _ in range(n):
            item, i = unpack(data, i)
            items.append(item)
        return items, i
    raise SearchIndexError(f"unsupported CBOR major type {major}")


def pack(value) -> bytes:
    """Encode as CBOR the way Pagefind (minicbor) does: shortest heads, definite lengths."""
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise SearchIndexError(f"cannot encode {type(value).__name__}")
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return head(3, len(raw)) + raw
    return head(4, len(value)) + b"".join(pack(item) for item in value)


def head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise SearchIndexError("integer too large for CBOR")


def index_sizes(folder: Path) -> dict[str, int]:
    """Bytes of the search bundle per language (index, fragments, filters, meta), for reports."""
    sizes: dict[str, int] = {}
    for path in (folder / BUNDLE).rglob("*"):
        if path.is_file() and path.suffix.startswith(".pf_"):  # en_1a2b.pf_index, pagefind.en_1a2b.pf_meta
            lang = path.name.removeprefix("pagefind.").split("_")[0]
            sizes[lang] = sizes.get(lang, 0) + path.stat().st_size
    return dict(sorted(sizes.items()))
