"""Charts as SVG: selectable text in the brief's font, a palette and markers that survive
grayscale, the same bytes every time, and matplotlib imported only when a chart is drawn."""

import pickle
import re
import subprocess
import sys
from dataclasses import replace

import pytest

from briefing.charts import HATCHES, MARKERS, OKABE_ITO, brief_sans, style, svg
from briefing.figures import Chart, Dispute, Point
from conftest import ROOT


def pt(pid, source, value=None, *, low=None, high=None, kind="percent", unit="%", years=(None, None), label="x",
       iso="", hedge="", series=""):
    return Point(pid, source, 0, 1, "1", kind, value, low, high, unit, hedge, "", years, label, series, (0, 1),
                 f"{source}.p1", 1, iso)


ORDER = {"a": (0, "Alpha"), "b": (1, "Beta"), "c": (2, "Gamma")}
POINTS = (pt("s.1", "a", 40, years=(2013, 2013), label="Oil, 2013"),
          pt("s.2", "b", None, low=60, high=69, years=(2010, 2019), label="Arms, 2010s"),
          pt("s.3", "c", 27, years=(2011, 2020), label="Arms, 2011–2020", hedge="up to"))
CHARTS = {
    "bar": Chart("c-bar", "s", "bar", "T", "S", "M", "alt", POINTS),
    "line": Chart("c-line", "s", "line", "T", "S", "M", "alt", POINTS),
    "timeline": Chart("c-time", "s", "timeline", "T", "S", "M", "alt", tuple(
        pt(f"t.{i}", src, None, kind="date", unit="date", years=(y, y), iso=iso, label=f"Event {i}")
        for i, (src, y, iso) in enumerate([("a", 1991, "1991-12-25"), ("b", 2016, "2016-12"), ("c", 2023, "")]))),
    "range": Chart("c-range", "s", "range", "T", "S", "M", "alt", POINTS, disputes=(
        Dispute("d1", "Share", "disputed", "r", POINTS, 27, 69, "%", 3, True),)),
}
FONTS = brief_sans([ROOT / "assets"])


@pytest.mark.parametrize("kind", sorted(CHARTS))
def test_svg_has_selectable_text_in_the_briefs_font_and_the_same_bytes_twice(kind):
    one, two = svg(CHARTS[kind], fonts=FONTS, order=ORDER), svg(CHARTS[kind], fonts=FONTS, order=ORDER)
    assert one == two
    assert one.startswith("<svg") and "<text" in one and "<use xlink:href=\"#DejaVu" not in one
    families = set(re.findall(r"font-family: ([^;\"]+)", one))
    assert families == {"'Brief Sans'"}
    assert "<dc:date>" not in one and "Matplotlib v" not in one  # no clock, no version in the bytes
    assert re.search(r'width="460\.8pt"', one)  # 6.4 in: the text width, so it prints at true size


def test_the_data_are_drawn_with_their_labels():
    out = svg(CHARTS["bar"], fonts=FONTS, order=ORDER)
    for words in ("Oil, 2013", "Alpha", "Gamma", "60–69%", "up to 27%"):
        assert words in out
    assert "Event 1" in svg(CHARTS["timeline"], fonts=FONTS, order=ORDER)
    assert "Share — disputed" in svg(CHARTS["range"], fonts=FONTS, order=ORDER)


def test_each_source_keeps_one_colour_marker_and_hatch_distinct_in_grayscale():
    styles = [style(s, {s: (i, s) for i, s in enumerate("abcdefgh")}) for s in "abcdefgh"]
    assert [c for c, _, _ in styles] == list(OKABE_ITO)
    assert len({m for _, m, _ in styles}) == len({h for _, _, h in styles}) == 8
    assert OKABE_ITO[:3] == ("#0072B2", "#E69F00", "#009E73")  # Okabe–Ito, in an order whose greys differ

    def grey(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return 0.299 * r + 0.587 * g + 0.114 * b
    first = sorted(grey(c) for c in OKABE_ITO[:3])
    assert min(b - a for a, b in zip(first, first[1:])) > 15  # the commonest three stay apart in grey


def test_colours_and_markers_follow_the_source_not_the_chart():
    assert style("b", ORDER) == (OKABE_ITO[1], MARKERS[1], HATCHES[1])
    bar = svg(CHARTS["bar"], fonts=FONTS, order=ORDER)
    assert OKABE_ITO[0].lower() in bar.lower() and OKABE_ITO[2].lower() in bar.lower()


def test_matplotlib_is_imported_only_to_draw():
    code = ("import sys, briefing.cli, briefing.build, briefing.figures, briefing.charts, briefing.disputes;"
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_brief_sans_files_come_from_the_fonts_stylesheet():
    assert sorted(p.name for p in FONTS) == ["LiberationSans-Bold.ttf", "LiberationSans-Regular.ttf"]


def test_a_cached_chart_comes_back_without_matplotlib_and_a_changed_one_is_drawn_again(tmp_path):
    cache = tmp_path / "charts"
    drawn = svg(CHARTS["bar"], fonts=FONTS, order=ORDER, cache=cache)
    assert [p.suffix for p in cache.iterdir()] == [".svg"]
    code = ("import sys, pickle; from briefing.charts import svg;"
            "chart, fonts, order, cache = pickle.load(sys.stdin.buffer);"
            "sys.stdout.write(svg(chart, fonts=fonts, order=order, cache=cache));"
            "assert 'matplotlib' not in sys.modules, 'drew a cached chart'")
    again = subprocess.run([sys.executable, "-c", code], input=pickle.dumps((CHARTS["bar"], FONTS, ORDER, cache)),
                           check=True, capture_output=True).stdout.decode("utf-8")
    assert again == drawn
    renamed = {**ORDER, "a": (0, "Aleph")}   # a source's name is drawn beside its bar
    assert "Aleph" in svg(CHARTS["bar"], fonts=FONTS, order=renamed, cache=cache)
    assert "Other label" in svg(replace(CHARTS["bar"], points=(replace(POINTS[0], label="Other label"),) + POINTS[1:]),
                                fonts=FONTS, order=ORDER, cache=cache)
    assert len(list(cache.iterdir())) == 3
