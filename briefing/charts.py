"""Draw a chart with matplotlib as SVG (PNG for the Word copy): selectable text in the brief's
own sans font, the Okabe–Ito palette with a marker and a hatch per source (readable in
grayscale), same bytes on every run. matplotlib is imported here only, through its object API
(no pyplot, no global figure registry), and only when a chart is not already in the cache."""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import re
import textwrap
import time
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from .disputes import AT_LEAST, AT_MOST, interval
from .amounts import bounds, centre, chronology, display, position
from .figures import AMOUNT_KINDS, DRAWN, Chart, Point

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "*")
HATCHES = ("", "////", "xxx", "\\\\\\\\", "---", "|||", "+++", "..")  # line hatches: dots make huge SVG paths
FAMILY = "Brief Sans"
log = logging.getLogger("briefing")
WIDTH = 6.4                 # inches: the text width of A4 and US letter pages, so 1 pt in the chart is 1 pt printed
INK, GRID = "#222222", "#d0d0d0"
_SCALES = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def brief_sans(asset_dirs) -> list[Path]:
    """Return the font files behind "Brief Sans" in the first fonts/fonts.css found."""
    from .files import real

    for d in asset_dirs:
        css = Path(d) / "fonts" / "fonts.css"
        if css.is_file() and real(css).is_relative_to(real(d)):   # as the stylesheet does: only its own files
            faces = re.findall(r"@font-face\s*{([^}]*)}", css.read_text("utf-8"))
            named = [css.parent / m.group(1) for f in faces if f"\"{FAMILY}\"" in f or f"'{FAMILY}'" in f
                     if (m := re.search(r"url\(\s*[\"']?([^\"')]+)", f))]
            for font in named:
                if not real(font).is_relative_to(real(d)):
                    log.warning("refused font %s named in %s: not a file under the project's assets", font, css)
            return [font for font in named if font.is_file() and real(font).is_relative_to(real(d))]
    return []


def _register(fonts) -> list[str]:
    """Make matplotlib measure text with the brief's font files, under the brief's family name."""
    from matplotlib import font_manager as fm

    if not fonts:
        return ["DejaVu Sans"]
    known = {e.fname for e in fm.fontManager.ttflist if e.name == FAMILY}
    for path in fonts:
        if str(path) not in known:
            fm.fontManager.addfont(str(path))
            fm.fontManager.ttflist.append(replace(fm.fontManager.ttflist[-1], name=FAMILY))
    fm.fontManager._findfont_cached.cache_clear()
    return [FAMILY]


def style(source: str, order: dict) -> tuple[str, str, str]:
    """Return (colour, marker, hatch) for a source: the same in every chart of a brief."""
    i = order.get(source, (len(order), ""))[0] % len(OKABE_ITO)
    return OKABE_ITO[i], MARKERS[i], HATCHES[i]


def _frame(height: float, *, left: float, right: float = 0.15, top: float = 0.1, bottom: float = 0.38,
           rows: int = 1, ratios=None, hspace: float = 0.0):
    """Make a figure WIDTH inches wide with margins in inches, so every chart prints at true size."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height))
    axes = fig.subplots(rows, 1, squeeze=False, gridspec_kw={"height_ratios": ratios} if ratios else None)
    fig.subplots_adjust(left=left / WIDTH, right=1 - right / WIDTH, top=1 - top / height, bottom=bottom / height,
                        hspace=hspace)
    return fig, list(axes[:, 0])


CACHE_DAYS = 30   # a cached chart not used for this long is removed when another is drawn


def svg(chart: Chart, *, fonts=(), order: dict | None = None, cache: Path | None = None) -> str:
    """Return the chart as a self-contained SVG document; order maps a source id to (index, name).

    With a cache folder, a chart drawn before from the same inputs (its data, the sources' order
    and names, the font files, this module and matplotlib's version) is read back, not drawn."""
    order = order or {}
    if cache is None:
        return _draw(chart, fonts, order)
    from .files import unlinked, write_atomic

    # The cache's own files: a symlink there (to a file outside the project) is removed, not read.
    path = unlinked(unlinked(Path(cache)) / f"{_key(chart, fonts, order)}.svg")
    with suppress(OSError, UnicodeDecodeError):
        text = path.read_text("utf-8")
        os.utime(path)   # recently used: kept by the pruning below
        return text
    text = _draw(chart, fonts, order)
    write_atomic(path, text.encode("utf-8"))
    cutoff = time.time() - CACHE_DAYS * 86400
    for old in path.parent.glob("*.svg"):
        with suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    return text


def _key(chart: Chart, fonts, order: dict) -> str:
    """Hash everything the drawing reads, so a changed input never returns a stale chart."""
    from importlib.metadata import version

    sources = {p.source for p in chart.points} | {p.source for d in chart.disputes for p in d.points}
    h = hashlib.sha256()
    for part in (repr(replace(chart, svg="")), repr(sorted((s, order.get(s)) for s in sources)),
                 version("matplotlib")):
        h.update(part.encode("utf-8") + b"\0")
    h.update(Path(__file__).read_bytes())
    for font in fonts:
        h.update(Path(font).read_bytes())
    return h.hexdigest()[:32]


@contextmanager
def _drawn(chart: Chart, fonts, order: dict | None):
    """Draw the chart and yield the matplotlib figure, inside the style it must be saved with."""
    import matplotlib

    family = _register(fonts)
    # parse_math off: a "$" in a source's label is money, not TeX.
    rc = {"svg.fonttype": "none", "svg.hashsalt": "briefing", "text.parse_math": False,
          "font.family": family, "font.size": 7.5,
          "axes.edgecolor": INK, "axes.labelcolor": INK, "xtick.color": INK, "ytick.color": INK, "text.color": INK,
          "axes.spines.top": False, "axes.spines.right": False, "hatch.linewidth": 0.6, "hatch.color": INK,
          "legend.frameon": False, "axes.titlesize": 8, "axes.titleweight": "bold", "axes.titlelocation": "left"}
    with matplotlib.rc_context(rc):
        # savefig picks the canvas for the format asked (SVG or Agg); no pyplot, nothing global to close.
        yield {"bar": _bar, "line": _line, "timeline": _timeline, "range": _range}[chart.kind](chart, order or {})


def _draw(chart: Chart, fonts, order: dict) -> str:
    buf = io.StringIO()
    with _drawn(chart, fonts, order) as fig:
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    out = buf.getvalue()
    return out[out.index("<svg"):]  # the XML prologue and DOCTYPE are not needed inside a data: URI


def png(chart: Chart, *, fonts=(), order: dict | None = None, dpi: int = 200) -> bytes:
    """Return the chart as a PNG image at dpi, for documents that take no SVG (Word)."""
    buf = io.BytesIO()
    with _drawn(chart, fonts, order) as fig:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _scale(values) -> tuple[float, str]:
    top = max((abs(v) for v in values if v is not None and not math.isinf(v)), default=0)
    return next(((d, w) for d, w in _SCALES if top >= d), (1.0, ""))


def _axis_label(p: Point, word: str) -> str:
    if p.kind == "percent":
        return "per cent" if p.unit == "%" else p.unit
    if p.kind == "distance":
        return "km"
    if p.kind == "money":
        base, _, per = p.unit.partition("/")
        return " ".join(x for x in (base, word, f"per {per}" if per else "") if x)
    return word or "number"  # the counted noun is in the title; sources name it differently


def _legend(ax, points, order, *, where="lower right", bars=False):
    """Name each source once, with its marker or hatch, so colour is never the only key."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    sources = list(dict.fromkeys(p.source for p in points))
    if len(sources) < 2:
        return
    handles = []
    for source in sources:
        colour, marker, hatch = style(source, order)
        name = order.get(source, (0, source))[1]
        handles.append(Patch(facecolor=colour, edgecolor=INK, hatch=hatch, linewidth=0.6, label=name) if bars else
                       Line2D([], [], color=colour, marker=marker, linestyle="", markeredgecolor=INK, label=name))
    ax.legend(handles=handles, loc=where, fontsize=6.5, title="Source", title_fontsize=6.5, alignment="left")


def _bar(chart: Chart, order):
    pts = chart.points[:DRAWN[chart.kind]]
    d, word = _scale([v for p in pts for v in bounds(p)])
    # Labels wrap, never clip: a row grows with its lines.
    lines = max(len(textwrap.wrap(p.label, 40)) for p in pts)
    fig, (ax,) = _frame(0.5 + (0.26 + 0.12 * lines) * len(pts), left=2.3, right=0.1)
    ys = list(range(len(pts)))[::-1]
    for y, p in zip(ys, pts):
        colour, _, hatch = style(p.source, order)
        low, high = bounds(p)
        ax.barh(y, low / d, height=0.62, color=colour, edgecolor=INK, linewidth=0.6, hatch=hatch)
        if high > low:  # a range: the uncertain part is drawn open
            ax.barh(y, (high - low) / d, left=low / d, height=0.62, color="white", edgecolor=colour,
                    linewidth=1.0, hatch="////")
        ax.annotate(display(p), (high / d, y), xytext=(4, 0), textcoords="offset points", va="center", fontsize=7)
    # Each bar names its source under its label, so neither colour nor a legend is needed to read it.
    ax.set_yticks(ys, ["\n".join(textwrap.wrap(p.label, 40) +
                                 [f"{order.get(p.source, (0, p.source))[1]}{', ' + p.when if p.when else ''}"])
                       for p in pts], fontsize=7, linespacing=1.1)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(_axis_label(pts[0], word))
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    ax.set_xlim(0, (max(bounds(p)[1] for p in pts) / d or 1) * 1.3)
    ax.set_ylim(-0.6, len(pts) - 0.4)
    ax.spines["left"].set_visible(False)
    return fig


def _line(chart: Chart, order):
    pts = chart.points[:DRAWN[chart.kind]]
    d, word = _scale([v for p in pts for v in bounds(p)])
    fig, (ax,) = _frame(2.4, left=0.55, top=0.15)
    dashes = ("-", "--", ":", "-.")
    for k, (name, mine) in enumerate(lines(pts)):
        xs = [_x(p) for p in mine]
        ax.plot(xs, [centre(p) / d for p in mine], dashes[k % 4], color=INK, linewidth=0.9, zorder=1,
                label=name or None)
        for p, x in zip(mine, xs):
            colour, marker, _ = style(p.source, order)
            a, b = p.years
            if a is not None and b is not None and b > a:  # a figure for several years spans them
                ax.plot([a, b + 1], [centre(p) / d] * 2, color=colour, linewidth=2.4, alpha=0.8, zorder=2)
            low, high = bounds(p)
            if high > low:
                ax.plot([x, x], [low / d, high / d], color=colour, linewidth=1.2, zorder=2)
            ax.plot([x], [centre(p) / d], marker=marker, color=colour, markeredgecolor=INK, markersize=6.5, zorder=3,
                    linestyle="")
            # Labels sit on the side the line does not come from; the rightmost one left of its marker.
            last, i = x >= max(_x(q) for q in pts), mine.index(p)
            below = i > 0 and centre(mine[i - 1]) > centre(p)
            ax.annotate(display(p), (x, centre(p) / d), xytext=(-7 if last else 7, -4 if below else 4),
                        textcoords="offset points", ha="right" if last else "left", va="top" if below else "bottom",
                        fontsize=6.5)
    years = [y for p in pts for y in p.years if y is not None]
    ax.set_xlim(min(years) - 1, max(years) + 2)
    ax.set_xticks(range(math.ceil((min(years) - 1) / 5) * 5, max(years) + 3, 5))
    ax.set_ylim(0, (max(bounds(p)[1] for p in pts) / d or 1) * 1.25)
    ax.set_ylabel(_axis_label(pts[0], word))
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    if any(p.series for p in pts):
        ax.legend(loc="upper left", fontsize=6.5)
    return fig


def lines(points) -> list[tuple[str, list[Point]]]:
    """Return the lines of a line chart, (name, points): one per series and measure, so a yearly
    rate never runs on into a total; a series in two measures names each."""
    keys = list(dict.fromkeys((p.series, p.unit) for p in points))
    out = []
    for series, unit in keys:
        mine = [p for p in points if (p.series, p.unit) == (series, unit)]
        twice = sum(1 for s, _ in keys if s == series) > 1
        out.append((f"{series} ({_axis_label(mine[0], '')})" if twice and series else series, mine))
    return out


def _x(p: Point) -> float:
    a, b = p.years
    return (b if b is not None else a) + 0.5


def _timeline(chart: Chart, order):
    # One row per event, in time order: labels never collide, and the marker's place on the
    # axis still shows how events cluster in time.
    pts = chart.points[:DRAWN[chart.kind]]
    xs = [position(p) for p in pts]
    lo, hi = math.floor(min(xs) / 5) * 5, math.ceil((max(xs) + 0.01) / 5) * 5
    fig, (ax,) = _frame(0.45 + 0.2 * len(pts), left=0.1, right=0.1, top=0.05, bottom=0.3)
    ys = list(range(len(pts)))[::-1]
    for y, p, x in zip(ys, pts, xs):
        colour, marker, _ = style(p.source, order)
        ax.plot([lo, x], [y, y], color=GRID, linewidth=0.5, zorder=1)
        ax.plot([x], [y], marker=marker, color=colour, markeredgecolor=INK, markersize=5.5, zorder=3, linestyle="")
        left = x > lo + 0.55 * (hi - lo)  # late events are labelled on their left, so text stays on the page
        ax.annotate(f"{chronology(p)}  {p.label}", (x, y), xytext=(-6 if left else 6, 0), textcoords="offset points",
                    va="center", ha="right" if left else "left", fontsize=7)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.7, len(pts) - 0.3)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xticks(range(lo, hi + 1, 5))
    ax.grid(axis="x", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    _legend(ax, pts, order, where="upper right")
    return fig


def _range(chart: Chart, order):
    rows = [d for d in chart.disputes if d.points[0].kind in AMOUNT_KINDS][:DRAWN['range']]
    wrapped = [max(len(textwrap.wrap(p.label, 36)) for p in d.points) for d in rows]   # labels wrap, never clip
    heights = [(0.12 + 0.1 * lines) * len(d.points) + 0.1 for d, lines in zip(rows, wrapped)]
    gap = 0.62                                       # inches between panels: a title and an axis label
    fig, axes = _frame(sum(heights) + gap * len(rows) + 0.05, left=1.85, right=2.05, top=0.27, bottom=0.35,
                       rows=len(rows), ratios=heights, hspace=gap / (sum(heights) / len(rows)))
    for ax, dispute in zip(axes, rows):
        pts = dispute.points
        d, word = _scale([v for p in pts for v in interval(p)])
        ys = list(range(len(pts)))[::-1]
        ax.axvspan(dispute.low / d, dispute.high / d, color="#e6e6e6", zorder=0, linewidth=0)
        for y, p in zip(ys, pts):
            colour, marker, _ = style(p.source, order)
            low, high = bounds(p)
            # Ranges and bounds are drawn in ink: a light colour would vanish on the grey band in grayscale.
            if high > low:
                ax.plot([low / d, high / d], [y, y], color=INK, linewidth=1.4, marker="|", markersize=6, zorder=2)
            if p.hedge in AT_MOST or p.hedge in AT_LEAST:  # "up to" and "over" point the way they bound
                sign = -1 if p.hedge in AT_MOST else 1
                ax.annotate("", (centre(p) / d * (1 + 0.14 * sign), y), (centre(p) / d, y),
                            arrowprops={"arrowstyle": "-|>", "color": INK, "linewidth": 1.0, "shrinkA": 4})
            ax.plot([centre(p) / d], [y], marker=marker, color=colour, markeredgecolor=INK, markersize=6, zorder=3,
                    linestyle="")
            ax.annotate(display(p) + (f" ({p.when})" if p.when else ""), (1, y), xycoords=("axes fraction", "data"),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=6.5)
        ax.set_yticks(ys, ["\n".join(textwrap.wrap(p.label, 36)) for p in pts], fontsize=6.5, linespacing=1.05)
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.7, len(pts) - 0.3)
        ax.set_xlim(0, (dispute.high / d or 1) * 1.17)
        ax.set_title(textwrap.shorten(f"{dispute.quantity} — {dispute.status}", 100, placeholder="…"), fontsize=7.5,
                     x=-1.8 / (WIDTH - 1.85 - 2.05), ha="left")
        ax.set_xlabel(_axis_label(pts[0], word), fontsize=6.5, labelpad=1)
        ax.grid(axis="x", color=GRID, linewidth=0.5)
        ax.set_axisbelow(True)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="x", labelsize=6.5)
    return fig
