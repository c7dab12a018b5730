"""Measure build speed and memory: medians over repeated runs, ratios taken in the same run.

    python bench/bench.py [--runs N]

Shared, noisy machines make absolute seconds unreliable; compare the ratios.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, runs: int) -> float:
    """Return the median wall time of fn over runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    from briefing import index
    from briefing.build import Project, build, load
    from briefing.corpus import load_corpus

    work = Path(tempfile.mkdtemp())
    for name in ("seeds", "outlines"):
        shutil.copytree(ROOT / name, work / name)
    project = Project(work)
    corpus = load_corpus(project.seeds, root=work)

    def cold_index():
        project.index.unlink(missing_ok=True)
        index.sync(corpus, project.index)

    results = {
        "load corpus": timed(lambda: load_corpus(project.seeds, root=work), runs),
        "index, cold": timed(cold_index, runs),
        "index, warm (nothing changed)": timed(lambda: index.sync(corpus, project.index), runs),
        "load + outline (what check does)": timed(lambda: load(project, None), runs),
        "build default, in process": timed(lambda: build(project, None, output=work / "out" / "b.pdf"), runs),
    }
    cli = [sys.executable, "-c", "from briefing.cli import main; main()"]
    results["briefing --help, new process"] = timed(
        lambda: subprocess.run(cli + ["--help"], cwd=work, check=True, capture_output=True), runs)
    results["briefing build, new process"] = timed(
        lambda: subprocess.run(cli + ["build"], cwd=work, check=True, capture_output=True), runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    width = max(map(len, results))
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds * 1000:9.1f} ms (median of {runs})")
    print(f"{'warm / cold index':<{width}}  {results['index, warm (nothing changed)'] / results['index, cold']:9.2f}")
    print(f"{'check / build':<{width}}  {results['load + outline (what check does)'] / results['build default, in process']:9.2f}")
    print(f"{'peak RSS, this process':<{width}}  {peak:9.1f} MB")
    print(f"{'peak RSS, a CLI build':<{width}}  {child:9.1f} MB")
    print(f"{'PDF size':<{width}}  {(work / 'out' / 'briefing.pdf').stat().st_size / 1024:9.1f} KB")
    (work / "bench.json").write_text(json.dumps(results, indent=1))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
