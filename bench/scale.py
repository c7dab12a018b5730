"""How the cost of a brief grows with the library: 100, 1,000 and 10,000 documents.

    python bench/scale.py [--sizes 100,1000,10000] [--keep DIR]

The documents are made of real English paragraphs: the Python reference and library text
that every Python ships (pydoc's topics and the standard library's docstrings), sampled
with a fixed seed into articles of 6–24 paragraphs with a title, a date and, in some, a
sentence stating a share, an amount or a count with its year (so the charts have figures
to find). The same six-section outline is built at every size. Each command runs in its
own process; peak memory is that process's maximum resident set.

Run by hand, not in CI: the 10,000-document corpus takes a few minutes to write and index.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from briefing.cli import main; main()"]

OUTLINE = """\
title: How Python Works
subtitle: Six questions, answered from the library
audience: Engineers
marking: OFFICIAL
date: 2026-11-22
cutoff: 2026-11-20
sections:
  - id: modules
    title: Modules and imports
    query: module* AND import*
    excerpts: 4
  - id: errors
    title: Exceptions
    query: exception* NOT warning*
    excerpts: 4
  - id: threads
    title: Threads and processes
    query: thread* OR process*
    excerpts: 4
    chart:
      kind: bar
      title: What the sources count
      measure: Count
      unit: count
      match: [threads]
      limit: 8
  - id: files
    title: Files
    query: file* AND (read* OR writ*)
    excerpts: 4
  - id: strings
    title: Strings and bytes
    query: string* AND byte*
    excerpts: 4
    chart:
      kind: line
      title: Shares over time
      measure: Share (%)
      unit: "%"
      match: [share]
      limit: 10
  - id: classes
    title: Classes
    query: class* AND attribut*
    excerpts: 4
"""

_PROSE = re.compile(r"^[A-Z][^\n]*[.!?]$")
_CODE = re.compile(r">>>|\.\.\.\s|[{}\[\]=<>]{2}|::|^\s|\w\(\)")


def paragraphs() -> list[str]:
    """Return the prose paragraphs of the Python reference and the standard library's docstrings."""
    from pydoc_data.topics import topics

    texts = list(topics.values())
    lib = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(lib.rglob("*.py")):
        if "test" in path.parts or "site-packages" in path.parts:
            continue
        try:
            tree = ast.parse(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    texts.append(doc)
    out = []
    for text in texts:
        for block in re.split(r"\n\s*\n", text):
            para = " ".join(block.split())
            if 12 <= len(para.split()) <= 160 and _PROSE.match(para) and not _CODE.search(block):
                out.append(para)
    return sorted(set(out))


def figure_sentence(rng: random.Random) -> str:
    """Return a sentence stating a figure with its year, as articles do."""
    year = rng.randint(1995, 2024)
    return rng.choice([
        f"In {year}, the share of programs using threads was {rng.randint(5, 90)} percent.",
        f"By {year} the project counted {rng.randint(2, 400)} threads in its largest service.",
        f"The share of modules written in C reached {rng.randint(5, 60)} percent in {year}.",
        f"Funding for the library was ${rng.randint(1, 90)} million in {year}.",
    ])


def make_library(root: Path, n: int, pool: list[str], *, seed: int = 1) -> None:
    """Write a briefing project of n documents into root."""
    rng = random.Random(seed)
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    (root / "outlines").mkdir()
    (root / "outlines" / "default.yaml").write_text(OUTLINE, "utf-8")
    entries = []
    for i in range(n):
        entries.append(write_document(seeds, i, pool, rng))
    (seeds / "sources.yaml").write_text("sources:\n" + "".join(entries), "utf-8")


def write_document(seeds: Path, i: int, pool: list[str], rng: random.Random) -> str:
    """Write document number i and return its sources.yaml entry."""
    body = rng.sample(pool, rng.randint(6, 24))
    if rng.random() < 0.3:
        k = rng.randrange(len(body))
        body[k] = body[k] + " " + figure_sentence(rng)
    title = " ".join(body[0].split()[:7]).rstrip(",.;:")
    (seeds / f"doc-{i:05d}.txt").write_text(f"# {title}\n\n" + "\n\n".join(body) + "\n", "utf-8")
    date = f"{rng.randint(1995, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return (f"  - id: doc-{i:05d}\n    file: doc-{i:05d}.txt\n    title: {json.dumps(title)}\n"
            f"    outlet: The Library\n    date: {date}\n    type: {rng.choice(['news', 'analysis', 'reference'])}\n")


@dataclass(frozen=True)
class Timed:
    """Elapsed and CPU seconds of one run; on a shared machine the CPU time is the steadier figure."""
    wall: float
    cpu: float

    def __truediv__(self, other: "Timed") -> "Timed":
        return Timed(self.wall / other.wall, self.cpu / other.cpu)


def median(runs: list[Timed]) -> Timed:
    """Return the median wall time and the median CPU time of runs."""
    return Timed(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def measured(root: Path, *args: str) -> tuple[Timed, float, str]:
    """Run briefing in root in a child process; return (wall and CPU seconds, peak resident MB, stdout)."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:   # the child: run the CLI, stdout to a file
        os.chdir(root)
        fd = os.open(root / ".bench-out", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        err = os.open(root / ".bench-err", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(err, 2)
        os.environ["BRIEFING_RENDER_TIMEOUT"] = "0"
        os.execv(sys.executable, CLI + list(args))
    _, status, usage = os.wait4(pid, 0)
    seconds = Timed(time.perf_counter() - start, usage.ru_utime + usage.ru_stime)
    if status:
        raise SystemExit(f"briefing {' '.join(args)} failed in {root}:\n"
                         f"{(root / '.bench-err').read_text()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, (root / ".bench-out").read_text()


def indexed_ranges(root: Path) -> dict:
    """Return each source's rowid range in the search index: a source re-indexed gets a new one."""
    import sqlite3

    with sqlite3.connect(root / "out" / ".cache" / "index.sqlite") as db:
        return {s: (a, b) for s, a, b in db.execute("SELECT source, first, last FROM files")}


def bench(root: Path, n: int, pool: list[str], repeat: int = 3) -> dict:
    """Make a library of n documents in root and measure every step on it; repeated steps give medians."""
    t = time.perf_counter()
    make_library(root, n, pool)
    made = time.perf_counter() - t
    row = {"documents": n, "written in": made}
    # The first check reads every file, indexes it and extracts the claims its charts search;
    # the later ones find all of that in out/.cache.
    row["index (cold)"], mem_cold, _ = measured(root, "check")
    warm = [measured(root, "check") for _ in range(repeat)]
    figures = [measured(root, "figures", "--json") for _ in range(repeat)]
    # The first build draws the charts; the later ones find them in the chart cache.
    row["build (first)"], mem_first, _ = measured(root, "build")
    builds = [measured(root, "build") for _ in range(repeat)]
    row["check (warm)"] = median([r[0] for r in warm])
    row["figures"] = median([r[0] for r in figures])
    row["build"] = median([r[0] for r in builds])
    mems = {"index": mem_cold, "check": max(r[1] for r in warm), "figures": max(r[1] for r in figures),
            "build": max([mem_first] + [r[1] for r in builds])}
    row["peak memory"] = max(mems.values())
    row["memory by step"] = ", ".join(f"{k} {v:.0f} MB" for k, v in mems.items())
    row["PDF"] = (root / "out" / "briefing.pdf").stat().st_size
    row["manifest"] = (root / "out" / "briefing.evidence.json").stat().st_size
    return row


def add_one(root: Path, pool: list[str], n: int) -> dict:
    """Add one document to the library in root, rebuild, and say how many sources were re-indexed."""
    before = indexed_ranges(root)
    entry = write_document(root / "seeds", n, pool, random.Random(n))
    with open(root / "seeds" / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(entry)
    seconds, memory, _ = measured(root, "build")
    after = indexed_ranges(root)
    return {"add one + build": seconds, "re-indexed": sum(1 for s, r in after.items() if before.get(s) != r),
            "peak memory": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each warm step; the table gives medians.")
    parser.add_argument("--keep", type=Path, help="Make the libraries in this folder and leave them there.")
    args = parser.parse_args()
    pool = paragraphs()
    print(f"{len(pool):,} real paragraphs to sample from", file=sys.stderr)
    base = args.keep or Path(tempfile.mkdtemp(prefix="briefing-scale-"))
    rows, added = [], None
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            root = base / f"lib-{n}"
            shutil.rmtree(root, ignore_errors=True)
            rows.append(bench(root, n, pool, args.repeat))
            print(_line(rows[-1], rows[0]), file=sys.stderr, flush=True)
        added = add_one(root, pool, rows[-1]["documents"])
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print(table(rows, added))


COLUMNS = ("index (cold)", "check (warm)", "figures", "build (first)", "build", "peak memory", "PDF", "manifest")


def _fmt(key: str, value) -> str:
    if key == "peak memory":
        return f"{value:,.0f} MB"
    if key in ("PDF", "manifest"):
        return f"{value / 1e6:.2f} MB" if value >= 1e5 else f"{value / 1e3:.0f} kB"
    return f"{value.wall:.1f} s ({value.cpu:.1f} s CPU)"


def _ratio(value, first) -> str:
    if isinstance(value, Timed):
        r = value / first
        return f"×{r.wall:.1f}, CPU ×{r.cpu:.1f}"
    return f"×{value / first:.1f}"


def _line(row: dict, first: dict) -> str:
    return f"{row['documents']:,} documents: " + ", ".join(
        f"{k} {_fmt(k, row[k])} ({_ratio(row[k], first[k])})" for k in COLUMNS) + f" ({row['memory by step']})"


def table(rows: list[dict], added: dict | None) -> str:
    """Return the results as a Markdown table, each figure with its ratio to the smallest library."""
    out = ["| documents | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    # index (cold): the first `check` on a new library: read, segment and index every file, and
    # extract the claims its charts search. check (warm), figures (`figures --json`, every claim in
    # the library) and build: medians of --repeat runs; build (first) draws the charts.
    for row in rows:
        out.append(f"| {row['documents']:,} | " + " | ".join(
            f"{_fmt(k, row[k])} ({_ratio(row[k], rows[0][k])})" for k in COLUMNS) + " |")
    for row in rows:
        out.append(f"\n{row['documents']:,} documents, peak memory by step: {row['memory by step']}.")
    if added:
        out.append(f"\nAdding one document to the {rows[-1]['documents']:,}-document library and rebuilding: "
                   f"{_fmt('', added['add one + build'])}, {added['re-indexed']} source(s) re-indexed, "
                   f"peak memory {added['peak memory']:,.0f} MB.")
    return "\n".join(out)


if __name__ == "__main__":
    main()
