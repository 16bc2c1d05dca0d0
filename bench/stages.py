#!/usr/bin/env python3
"""Where a build's time goes: each pipeline stage timed in one process, then a cProfile run.

    python bench/stages.py --records 1000            # writes bench/out/corpus-1000 if missing
    python bench/stages.py --content DIR --engine bench/out/engine
    python bench/stages.py --records 10000 --templates --sample 20   # CPU per page, by template

The build is the same as `python build.py build` (load, validate, resolve, plan, render,
the translation check, write, and the Pagefind index in the fresh folder), called stage by
stage so each gets its own wall time and the peak RSS after it. A second build under
cProfile splits the time inside the stages: YAML composing, Python-Markdown, nh3, Babel's
formatting, Jinja and the rest. cProfile slows Python code down (C code such as libyaml or
nh3 much less), so its shares are a guide and the first run's wall times are the figures.
The profile is saved as bench/out/profile-<N>.prof for `python -m pstats`.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Buckets of the cProfile breakdown: label -> (file fragment, function name) pairs whose
# cumulative time is added up ("~" is cProfile's file name for C functions such as nh3.clean).
BUCKETS = [
    ("YAML compose", [("yaml/__init__.py", "compose"), ("kembar/load.py", "compose")]),
    ("validate (Reader)", [("kembar/validate.py", "validate")]),
    ("Python-Markdown convert", [("markdown/core.py", "convert")]),
    ("nh3 sanitize", [("~", "nh3.clean")]),
    ("Babel dates (format_date, format_skeleton)", [("babel/dates.py", "format_date"), ("babel/dates.py", "format_skeleton")]),
    ("Babel format_decimal", [("babel/numbers.py", "format_decimal")]),
    ("Jinja Template.render (includes the above inside it)", [("jinja2/environment.py", "render")]),
    ("Jinja compile (get_template)", [("jinja2/environment.py", "get_template")]),
    ("Pagefind subprocess", [("subprocess.py", "run")]),
    ("file writes (Path.write_bytes)", [("pathlib.py", "write_bytes")]),
]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def per_template(content: Path, sample: int) -> int:
    """Render time and size per page, summed by template, in one process with the GC paused
    (as the build runs it). Cards and Markdown are cached as in a build, so the first pages
    that show a card pay for it."""
    import gc
    from collections import defaultdict
    from kembar import pipeline
    from kembar.render import Renderer

    gc.disable()
    prepared, errors = pipeline.prepare(content, pipeline.PROJECT)
    if errors:
        print(f"{len(errors)} content errors; first: {errors[0].format()}")
        return 1
    pages = prepared.pages
    renderer = Renderer(prepared.site, pages, pipeline.PROJECT)
    every = {"partnership.html": sample, "place.html": sample}
    seen, timed, seconds, size = defaultdict(int), defaultdict(int), defaultdict(float), defaultdict(int)
    for page in pages:
        seen[page.template] += 1
        if (seen[page.template] - 1) % every.get(page.template, 1):
            continue
        start = time.process_time()
        html = renderer.render(page)
        seconds[page.template] += time.process_time() - start
        timed[page.template] += 1
        size[page.template] += len(html)
    print(f"{'template':<20} {'pages':>7} {'timed':>6} {'ms/page':>9} {'CPU, all pages':>15} {'KB/page':>8}")
    for name in sorted(seconds, key=lambda n: -seconds[n] / timed[n] * seen[n]):
        per_page = seconds[name] / timed[name]
        print(f"{name:<20} {seen[name]:>7,} {timed[name]:>6,} {per_page * 1000:>9.2f} {per_page * seen[name]:>13.1f} s "
              f"{size[name] / timed[name] / 1000:>8.0f}")
    return 0


def staged_build(content: Path, out: Path, search: bool, sample: int = 1) -> list[tuple[str, float, float, float]]:
    """Run the build stage by stage; return (stage, wall seconds, CPU seconds, peak RSS MB after it).
    With sample > 1 only every sample-th page (with all its languages) is rendered, and
    nothing is written: a cheap look at the render stage of a big site."""
    from kembar import i18n, pipeline
    from kembar.load import load
    from kembar import feeds
    from kembar.plan import plan
    from kembar.render import build
    from kembar.resolve import resolve
    from kembar.validate import validate
    from kembar.write import write
    stages = []

    def timed(name, fn, *args):
        start, cpu = time.perf_counter(), time.process_time()
        value = fn(*args)
        stages.append((name, time.perf_counter() - start, time.process_time() - cpu, rss_mb()))
        return value

    docs, errors = timed("load (read + YAML compose)", load, content)
    site, more = timed("validate", validate, docs)
    if errors or more:
        raise SystemExit(f"content errors: {(errors + more)[:3]}")
    index = timed("resolve", resolve, site)
    todo = timed("translation status (i18n.todo)", i18n.todo, site, pipeline.PROJECT)
    pages = timed("plan", plan, site, index, todo, feeds.updates(site))

    def render_site(site, index, pages, project):
        return dict(build(site, index, pages, project))
    if sample > 1:
        keys = list(dict.fromkeys(page.key for page in pages))
        chosen = set(keys[::sample])
        pages = [page for page in pages if page.key in chosen]
        timed(f"render 1/{sample} of the pages", render_site, site, index, pages, pipeline.PROJECT)
        return stages
    outputs = timed("render (Jinja + Markdown + nh3 + Babel)", render_site, site, index, pages, pipeline.PROJECT)
    timed("translation check (i18n.missing)", i18n.missing, site, pipeline.PROJECT)
    after, pagefind_seconds = None, []
    if search:
        try:
            index_site = importlib.import_module("kembar.search").index_site
        except (ImportError, AttributeError):
            index_site = None
        if index_site:
            def after(folder):
                start = time.perf_counter()
                index_site(folder, site.config.languages)
                pagefind_seconds.append(time.perf_counter() - start)
    start, cpu, child = time.perf_counter(), time.process_time(), children_cpu()
    write(outputs, out, after=after)
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = pagefind_seconds[0] if pagefind_seconds else 0.0
    stages.append(("write (fresh folder + swap)", total - found, cpu, rss_mb()))
    if after:  # its CPU is the child's user + sys: Pagefind runs several threads
        stages.append(("Pagefind index (subprocess)", found, children_cpu() - child, rss_mb()))
    pages_html = sum(name.endswith(".html") for name in outputs)
    megabytes = sum(len(data) for data in outputs.values()) / 1e6
    stages.append((f"(outputs: {pages_html} pages, {len(outputs)} files, {megabytes:.0f} MB in memory)", 0.0, 0.0, rss_mb()))
    return stages


def breakdown(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    rows = []
    for label, patterns in BUCKETS:
        cumulative, calls = 0.0, 0
        for fragment, name in patterns:
            match = lambda key: fragment in key[0] and (name in key[2] if fragment == "~" else key[2] == name)  # noqa: E731
            for key, (cc, _nc, _tt, ct, callers) in stats.stats.items():
                if match(key):
                    # Only the outermost calls: a recursive call is inside its caller's time.
                    outer = sum(v[3] for k, v in callers.items() if not match(k))
                    cumulative += outer if callers else ct
                    calls += cc
        rows.append((label, cumulative, calls))
    return rows


# Functions timed one by one in an --instrument run: (module, attribute, label). The wrapper
# costs about a microsecond a call, small beside what it measures.
INSTRUMENTED = [
    ("kembar.render", "Markdowner.convert", "Python-Markdown (Markdowner.convert)"),
    ("kembar.render", "sanitize", "nh3 (render.sanitize)"),
    ("kembar.render", "format_partial_date", "Babel dates (render.format_partial_date)"),
    ("kembar.render", "format_decimal", "Babel numbers (format_decimal)"),
    ("kembar.views", "province_of", "views.province_of (all calls, also those inside provinces())"),
    ("kembar.views", "provinces", "views.provinces"),
    ("kembar.views", "partnership_map", "views.partnership_map (SVG maps)"),
]


def instrument() -> dict[str, list]:
    """Wrap the functions above so each adds its CPU time and calls to a tally."""
    tally: dict[str, list] = {}
    for module_name, attribute, label in INSTRUMENTED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner, _, name = attribute.rpartition(".")
        target = getattr(module, owner) if owner else module
        original = getattr(target, name, None)
        if original is None:
            continue
        entry = tally.setdefault(label, [0.0, 0, 0])  # seconds, calls, depth (recursion guard)

        def wrapper(*args, _original=original, _entry=entry, **kwargs):
            _entry[2] += 1
            start = time.process_time()
            try:
                return _original(*args, **kwargs)
            finally:
                _entry[2] -= 1
                if _entry[2] == 0:
                    _entry[0] += time.process_time() - start
                _entry[1] += 1

        setattr(target, name, wrapper)
    return tally


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Time each stage of a Kembar build and profile it.")
    p.add_argument("--records", type=int, help="corpus size (writes bench/out/corpus-N if it is missing)")
    p.add_argument("--content", type=Path, help="content folder (instead of --records)")
    p.add_argument("--engine", type=Path, default=HERE.parent, help="project folder whose kembar/ is profiled")
    p.add_argument("--no-search", action="store_true", help="leave out the Pagefind index")
    p.add_argument("--no-cprofile", action="store_true", help="only the stage timings")
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    p.add_argument("--instrument", action="store_true",
                   help="time Markdown, nh3, Babel and the map/province helpers one by one (instead of cProfile)")
    p.add_argument("--sample", type=int, default=1, metavar="K",
                   help="render only every K-th page (all its languages) and write nothing: for big sites")
    p.add_argument("--templates", action="store_true",
                   help="instead: time the render of each page, one process, and sum by template (with --sample K, "
                        "every K-th partnership and place page, projected to all)")
    args = p.parse_args(argv)
    sys.path.insert(0, str(args.engine.resolve()))
    content = args.content
    if content is None:
        if not args.records:
            p.error("give --records N or --content DIR")
        content = HERE / "out" / f"corpus-{args.records}"
        if not (content / "site.yaml").is_file():
            sys.path.insert(0, str(HERE))
            import corpus
            corpus.generate(args.records, content, force=True)
    import kembar
    print(f"engine: {Path(kembar.__file__).parent}; content: {content}")
    if args.templates:
        return per_template(content, args.sample)
    result = {"content": str(content), "stages": [], "profile": []}
    tally = instrument() if args.instrument else {}
    with tempfile.TemporaryDirectory(prefix="kembar-profile-") as tmp:
        start = time.perf_counter()
        stages = staged_build(content, Path(tmp) / "site", not args.no_search, args.sample)
        wall = time.perf_counter() - start
        cpu_total = sum(s[2] for s in stages)
        print(f"\nstage timings (one build, {wall:.2f} s wall in all, {cpu_total:.2f} s CPU; peak RSS {rss_mb():.0f} MB):")
        for name, seconds, cpu, rss in stages:
            share = f"{cpu / cpu_total:6.1%}" if cpu else "      "
            print(f"  {name:<48} {seconds:8.2f} s wall {cpu:8.2f} s CPU {share}   peak RSS so far {rss:6.0f} MB")
            result["stages"].append({"stage": name, "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3),
                                     "peak_rss_mb": round(rss)})
        result["wall_seconds"] = round(wall, 3)
        if tally:
            print("\ninside the stages (CPU seconds, calls):")
            result["instrumented"] = []
            for label, (seconds, calls, _) in tally.items():
                print(f"  {label:<62} {seconds:8.2f} s {calls:10,} calls")
                result["instrumented"].append({"what": label, "cpu_seconds": round(seconds, 3), "calls": calls})
        if not args.no_cprofile and not args.instrument:
            profiler = cProfile.Profile()
            profiler.enable()
            staged_build(content, Path(tmp) / "site-profiled", not args.no_search, args.sample)
            profiler.disable()
            size = content.name.rsplit("-", 1)[-1]
            dump = HERE / "out" / f"profile-{size}.prof"
            dump.parent.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(dump)
            stats = pstats.Stats(profiler)
            total = stats.total_tt
            print(f"\ncProfile of a second build ({total:.2f} s under the profiler; saved to {dump}):")
            for label, seconds, calls in breakdown(stats):
                print(f"  {label:<40} {seconds:8.2f} s {seconds / total:6.1%}  ({calls:,} calls)")
                result["profile"].append({"what": label, "seconds": round(seconds, 3), "share": round(seconds / total, 4),
                                          "calls": calls})
            result["profile_total_seconds"] = round(total, 3)
            print("\ntop 25 functions by own time:")
            stats.sort_stats("tottime").print_stats(25)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
