#!/usr/bin/env python3
"""Measure Kembar at scale: cold and warm builds, dev-server rebuilds, peak memory.

    python bench/run.py                       # N = 100, 1,000 and 10,000
    python bench/run.py --sizes 100,1000 --runs 5
    python bench/run.py --sizes 10000 --runs-large 3    # adds to the earlier results

For each size it writes a synthetic corpus (bench/corpus.py), then, on a snapshot of the
engine (kembar/, templates/, locales/, build.py copied into the work folder, so the
benchmark may edit templates and catalogs and nobody's edits land mid-run):

- cold build: `python build.py build --no-cache` (plain build when the flag does not exist
  yet) into a removed output folder, in a subprocess;
- warm build: the same build again with nothing changed (after one unmeasured build);
- serve: starts `python build.py serve`, speaks the livereload protocol on its websocket
  and times each edit (one partnership, one place, one template, one catalog) as an editor
  sees it: the edited partnership's page is open (fetched once before the save), and the
  time runs from the moment the file is saved to the "reload" message and the page fetched
  again, which must show the edit (or no longer show it, for the save that undoes it);
  "n/a" when serve is missing or fails;
- memory: the peak RSS of the build (the largest process, from wait4) and of the whole
  process tree (sampled every 20 ms: the Pagefind indexer runs beside Python).

Results (medians and min-max) go to bench/results.json and bench/results.md; sizes not
measured in this invocation keep their earlier entries.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
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
LIVERELOAD_HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
QUIET_AFTER_RELOAD = 3.2  # livereload drops a change seen within 3 s of its last reload
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
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "build.py", *args], cwd=engine, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=build_env())
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
            "files": int(pages.group(2)) if pages else None,
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


class Reloads:
    """A livereload client: hello handshake, then waits for 'reload' messages."""

    def __init__(self, port: int):
        import websocket  # websocket-client
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}/livereload", timeout=5)
        self.ws.send(json.dumps(LIVERELOAD_HELLO))
        reply = json.loads(self.ws.recv())
        if reply.get("command") != "hello":
            raise RuntimeError(f"livereload answered {reply!r} to hello")
        # livereload.js then says which page it shows; only then does the server count it
        # among the browsers it sends reloads to.
        self.ws.send(json.dumps({"command": "info", "plugins": {}, "url": f"http://127.0.0.1:{port}/"}))

    def drain(self) -> None:
        self.ws.settimeout(0.05)
        try:
            while True:
                self.ws.recv()
        except Exception:  # websocket timeout: nothing pending
            pass

    def wait_reload(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self.ws.settimeout(left)
            try:
                message = json.loads(self.ws.recv())
            except Exception:
                return False
            if message.get("command") == "reload":
                return True
        return False

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass


def wait_for_server(proc: subprocess.Popen, port: int, timeout: float):
    """The livereload client once the server answers, or the reason it never did."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None, f"serve exited with status {proc.returncode}"
        try:
            return Reloads(port), None
        except Exception as e:  # not listening yet
            last = f"{type(e).__name__}: {e}"
            time.sleep(0.25)
    return None, f"no livereload answer within {timeout:.0f} s ({last})"


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
    try:
        client, problem = wait_for_server(proc, port, timeout)
        if client is None:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
            return {"note": f"n/a: {problem}", "log": tail}
        startup = time.perf_counter() - start
        log(f"  serve ready after {startup:.1f} s")
        time.sleep(QUIET_AFTER_RELOAD)  # livereload ignores changes just after a client connects
        edits = make_edits(engine, content, template)
        base = urlsplit(corpus_base_url(content)).path or "/"
        result = {"startup_seconds": round(startup, 3), "template_file": template}
        for edit in edits:
            times, note = [], None
            # Runs alternate edit, revert, edit…: each save is one measurement.
            for i in range(runs):
                client.drain()
                fetch(port, base + edit.page)  # the page the editor has open
                edit.apply(i % 2 == 0)
                saved = time.perf_counter()
                if not client.wait_reload(timeout):
                    note = f"no reload within {timeout:.0f} s"
                    break
                body = fetch(port, base + edit.page)
                times.append(time.perf_counter() - saved)
                if (edit.mark in body) != (i % 2 == 0):
                    note = f"the page reloaded after save {i + 1} does not show the edit"
                    break
                log(f"  serve {edit.kind} {i + 1}/{runs}: {times[-1] * 1000:.0f} ms")
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
            notes.append(f"serve start-up (first build until livereload answers) {fmt_seconds(s['startup_seconds'])}")
        if s.get("serve_peak_rss_mb"):
            notes.append(f"serve peak RSS {fmt_mb(s['serve_peak_rss_mb'])}")
        if s.get("template_file"):
            notes.append(f"template edit = templates/{s['template_file']}")
        if b.get("error"):
            notes.append(f"build error: {b['error']}")
        lines.append(f"- N={int(size):,}: " + "; ".join(notes) + ".")
    lines += ["",
              "Serve times run from the moment the edited file is saved, through the `reload` message on "
              "the livereload websocket, until the page the editor has open (the edited partnership's, "
              "fetched once before the save) is fetched again and shows the edit (the place edit renames "
              "the partner place in English, so every page that lists it changes; the template edit adds a "
              "comment to the `main` block; the catalog edit changes the Japanese for the menu's "
              "\"Partnerships\", on every page; before 5 Dec 2026 the times ended at the `reload` message "
              "and the catalog edit changed a string only the 404 page shows). Peak RSS is the largest single process "
              "(wait4); the process-tree figure sums Python and the processes it starts, sampled every 20 ms. "
              "The machine is shared: a load average well above 0 means other work ran beside the benchmark, "
              "which stretches wall times; the CPU column (user + sys of the build and its children) barely moves.",
              ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Benchmark Kembar builds and the dev server.")
    p.add_argument("--sizes", default="100,1000,10000", help="comma-separated numbers of partnerships")
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
    args = p.parse_args(argv)
    if args.report:
        write_markdown(json.loads((args.results / "results.json").read_text()), args.results / "results.md")
        return 0
    args.work, args.results = args.work.resolve(), args.results.resolve()  # builds run in the engine folder
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] if args.sizes else []
    log = lambda text: print(text, flush=True)  # noqa: E731

    args.work.mkdir(parents=True, exist_ok=True)
    json_path = args.results / "results.json"
    results = json.loads(json_path.read_text()) if json_path.is_file() else {}
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


if __name__ == "__main__":
    sys.exit(main())
