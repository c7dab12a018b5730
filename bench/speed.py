"""How `briefing build` compares with bare WeasyPrint, and how fast it starts and rebuilds.

    python bench/speed.py [--runs N]

Every figure is a median of N runs, each in a new process, interleaved in one loop so a
shared machine's load falls on all of them alike; compare the ratios, not the seconds. Each is
given as wall time and as the CPU time of the processes (user + system), which a busy machine
disturbs far less.

- build / bare WeasyPrint: `briefing build` (default outline, warm index and chart cache) and
  WeasyPrint alone, in a new process, writing the same HTML with the same options (PDF/A-3u,
  tags, the same three attachments, the same pydyf patch). Twice: on the standalone HTML `--html` writes (fonts
  inlined), and on the HTML briefing lays out (fonts as files). Target ≤ 1.10.
- `briefing --help`. Target ≤ 0.15 s.
- warm rebuild / cold build: after one section's prose is edited (index and charts cached)
  against a build with no out/.cache. Target ≤ 0.6. Twice: `briefing build` in a new process,
  and `briefing preview`, where an analyst edits (from the file's write until /status shows the
  new brief, and the CPU time the preview's process spent meanwhile).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROSE = "For two decades Baku kept the"   # words of a section's prose in outlines/default.yaml

# With the same pydyf patch briefing applies (briefing/pdfpatch.py): without it, bare WeasyPrint
# pays pydyf 0.13's quadratic page references and the ratio would flatter briefing.
BARE = """
import sys, weasyprint
from briefing import pdfpatch
pdfpatch.apply()
html, pdf, *files = sys.argv[1:]
weasyprint.HTML(filename=html).write_pdf(pdf, pdf_variant="pdf/a-3u", pdf_tags=True,
    attachments=[weasyprint.Attachment(filename=f) for f in files])
"""


def copy_project(target: Path) -> Path:
    """Copy this repository's project (seeds, outlines, topics) into target."""
    for name in ("seeds", "outlines"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "topics.yaml", target / "topics.yaml")
    return target


def command() -> list[str]:
    """Return how to run the CLI as a user does: the console script beside this Python."""
    script = Path(sys.executable).with_name("briefing")
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefing"]


def children_cpu() -> float:
    """Return the CPU seconds (user + system) used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def verdict(wall: float, cpu: float, target: float) -> str:
    return "met" if max(wall, cpu) <= target else "met in CPU time" if cpu <= target else "NOT met"


class Preview:
    """`briefing preview` running in work: edit() changes the outline, waits for the new brief and
    returns (wall seconds, CPU seconds of the preview's process)."""

    def __init__(self, cli: list[str], work: Path):
        self.process = subprocess.Popen(cli + ["preview"], cwd=work, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.url = line.split("previewing at ", 1)[1].split()[0]
        self.version = self.wait(0)

    def status(self) -> dict:
        from urllib.request import urlopen

        with urlopen(self.url + "status", timeout=10) as response:
            return json.load(response)

    def wait(self, version: int) -> int:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            status = self.status()
            if status["errors"]:
                raise SystemExit(f"preview: {status['errors']}")
            if status["version"] > version:
                return status["version"]
            time.sleep(0.05)   # each look costs the preview's process a little CPU: not too often
        raise SystemExit("preview: no new brief in 300 s")

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime + stime

    def edit(self, change) -> tuple[float, float]:
        used, start = self.cpu(), time.perf_counter()
        change()
        self.version = self.wait(self.version)
        return time.perf_counter() - start, self.cpu() - used

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def laid_out_html(work: Path) -> str:
    """Return the HTML briefing lays out (fonts as file: URLs), captured from an in-process build."""
    from briefing import build as pipeline

    seen = []
    real = pipeline.layout

    def capture(html, **kwargs):
        seen.append(html)
        return real(html, **kwargs)

    pipeline.layout = capture
    try:
        pipeline.build(pipeline.Project(work), None, output=work / "scratch" / "b.pdf")
    finally:
        pipeline.layout = real
    return seen[-1]


def attachments(pdf: Path, folder: Path) -> list[str]:
    """Write the files attached to pdf into folder; return their paths."""
    from pypdf import PdfReader

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, contents in PdfReader(pdf).attachments.items():
        (folder / name).write_bytes(contents[0])
        paths.append(str(folder / name))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    work = copy_project(Path(tempfile.mkdtemp()))
    cli = command()
    run = lambda *args: subprocess.run(cli + list(args), cwd=work, check=True, capture_output=True)  # noqa: E731
    run("build", "--html")   # the index, the chart cache and the standalone HTML
    pdf, standalone = work / "out" / "briefing.pdf", work / "out" / "briefing.html"
    files = attachments(pdf, work / "attached")
    inner = work / "laid-out.html"
    inner.write_text(laid_out_html(work), "utf-8")
    outline = work / "outlines" / "default.yaml"
    original = outline.read_text("utf-8")
    assert PROSE in original, f"edit {PROSE!r} in bench/speed.py: outlines/default.yaml changed"

    def bare(html: Path):
        subprocess.run([sys.executable, "-c", BARE, str(html), str(work / "bare.pdf"), *files], check=True)

    def cold():
        shutil.rmtree(work / "out" / ".cache", ignore_errors=True)
        run("build")

    edits = iter(range(10**6))

    def edited():
        outline.write_text(original.replace(PROSE, f"For two decades (edit {next(edits)}) Baku kept the"), "utf-8")
        run("build")

    steps = {
        "briefing build (warm)": lambda: run("build"),
        "bare WeasyPrint, standalone HTML (--html)": lambda: bare(standalone),
        "bare WeasyPrint, HTML as laid out": lambda: bare(inner),
        "briefing --help": lambda: run("--help"),
        "cold build (no out/.cache)": cold,
        "warm rebuild, one section's prose edited": edited,
    }
    previewed = "preview rebuild, one section's prose edited"
    wall: dict[str, list[float]] = {name: [] for name in [*steps, previewed]}
    cpu: dict[str, list[float]] = {name: [] for name in [*steps, previewed]}
    # The preview runs in a copy of its own, so the builds above never make it rebuild.
    shown = copy_project(work / "previewed") / "outlines" / "default.yaml"
    edits_shown = iter(range(10**6))
    preview = Preview(cli, work / "previewed")
    try:
        for _ in range(runs):
            for name, step in steps.items():
                used, start = children_cpu(), time.perf_counter()
                step()
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(children_cpu() - used)
            w, c = preview.edit(lambda: shown.write_text(
                original.replace(PROSE, f"For two decades (edit {next(edits_shown)}) Baku kept the"), "utf-8"))
            wall[previewed].append(w)
            cpu[previewed].append(c)
    finally:
        preview.stop()
    outline.write_text(original, "utf-8")

    width = max(map(len, wall)) + 2
    print(f"{'':<{width}} {'wall':>8} {'CPU':>8}   (medians of {runs} runs in new processes, interleaved)")
    for name in wall:
        print(f"{name:<{width}} {statistics.median(wall[name]):7.3f}s {statistics.median(cpu[name]):7.3f}s")
    targets = (
        ("build / bare WeasyPrint on --html output", "briefing build (warm)",
         "bare WeasyPrint, standalone HTML (--html)", 1.10),
        ("build / bare WeasyPrint on laid-out HTML", "briefing build (warm)", "bare WeasyPrint, HTML as laid out", 1.10),
        ("warm rebuild / cold build", "warm rebuild, one section's prose edited", "cold build (no out/.cache)", 0.6),
        ("preview rebuild / cold build", previewed, "cold build (no out/.cache)", 0.6),
    )
    for label, top, bottom, target in targets:
        w = statistics.median(wall[top]) / statistics.median(wall[bottom])
        c = statistics.median(cpu[top]) / statistics.median(cpu[bottom])
        print(f"{label:<{width}} {w:7.2f}  {c:7.2f}    target <= {target:.2f}: {verdict(w, c, target)}")
    h = statistics.median(wall["briefing --help"]), statistics.median(cpu["briefing --help"])
    print(f"{'briefing --help':<{width}} {h[0]:7.3f}s {h[1]:7.3f}s   target <= 0.150 s: {verdict(*h, 0.15)}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
