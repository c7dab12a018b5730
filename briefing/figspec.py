"""Outline vocabulary for numbers: the chart a section asks for and the quantities whose figures
are checked against each other. Only the schema and frozen specs live here, so reading an
outline never imports the claim extractor or matplotlib."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import Bool, Choice, Field, Int, List, Obj, Str

CHART_KINDS = ("bar", "line", "timeline", "range")
_WORDS = "a word or phrase; it matches at the start of a word, in any case"
_PERIOD = Str("Years the figures must refer to, e.g. 2010-2020 or 1991-.", r"\d{4}-?(?:\d{4})?",
              "years like 2010-2020, 1991- or 2016")

SELECT = {
    "match": Field(List(Str(_WORDS), "Words the figure's sentence must all mention."), default=[]),
    "any": Field(List(Str(_WORDS), "Words of which the figure's sentence must mention at least one."), default=[]),
    "exclude": Field(List(Str(_WORDS), "Words that rule a sentence out."), default=[]),
    "unit": Field(Str("The figures' unit or kind: %, USD, m, a counted noun such as people, or "
                      "percent, money, count, distance, date."), default=""),
    "period": Field(_PERIOD, default=""),
}

POINT = Obj({
    "source": Field(Str("Id of the source in seeds/sources.yaml."), required=True),
    "text": Field(Str("Words around the figure, exactly as in the source (whitespace may differ)."),
                  required=True),
    "label": Field(Str("What the point stands for, printed beside it; defaults to the figure's subject."),
                   default=""),
    "series": Field(Str("Series the point belongs to (line charts draw one line per series)."), default=""),
}, "A figure pinned by the analyst: the build refuses it unless found verbatim.", "point")

CHART = Obj({
    "kind": Field(Choice(CHART_KINDS, "bar: one bar per figure; line: figures over time; timeline: dated "
                                      "events; range: the disputed figures, value by value."), required=True),
    "title": Field(Str("The chart's message: what the reader should take from it."), required=True),
    "measure": Field(Str("What is measured, for the subtitle, e.g. 'Share of oil imports (%)'."), default=""),
    **SELECT,
    "points": Field(List(POINT, "Figures pinned by their words, drawn before the selected ones."), default=[]),
    "limit": Field(Int("At most this many selected figures (pinned ones always count).", 1, 60), default=12),
    "discovered": Field(Bool("range only: add the disputes found automatically to the declared ones."),
                        default=False),
}, "A chart computed from the figures in the sources; every point gets its own note.", "chart")

DISPUTE = Obj({
    "quantity": Field(Str("What the figures measure, as printed in the disputed-figures table."), required=True),
    **SELECT,
    "tolerance": Field(Int("Percent by which two figures may differ and still agree.", 0, 100), default=5),
}, "A quantity whose figures are compared across sources and dates.", "dispute")


@dataclass(frozen=True)
class Selector:
    match: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    unit: str = ""
    period: str = ""


@dataclass(frozen=True)
class Pin:
    source: str
    text: str
    label: str
    series: str
    where: str           # file:line:col of the text, for errors


@dataclass(frozen=True)
class ChartSpec:
    kind: str
    title: str
    measure: str
    select: Selector
    points: tuple[Pin, ...]
    limit: int
    discovered: bool
    where: str


@dataclass(frozen=True)
class DisputeSpec:
    quantity: str
    select: Selector
    tolerance: int
    where: str


# Words the claims always read as another unit: a selector naming them could never match.
_READ_AS = {**dict.fromkeys(("percent", "per cent", "pct", "percentage", "percentages"), "%"),
            **dict.fromkeys(("dollar", "dollars", "$", "us$", "usd$"), "USD"), **dict.fromkeys(("euro", "euros", "€"), "EUR"),
            **dict.fromkeys(("pound", "pounds", "£", "sterling"), "GBP"),
            **dict.fromkeys(("km", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles", "metre",
                             "metres", "meter", "meters", "ft", "feet", "foot"), "distance"),
            **dict.fromkeys(("ordinal", "ranks", "ranking", "place"), "rank"),
            "dates": "date"}
_AMOUNTS = ("bar", "line")


def unit_problem(unit: str, kind: str = "") -> str | None:
    """Return why a selector's unit: can never match a figure (for a chart of kind), or None."""
    u = unit.strip().lower()
    if not u:
        return None
    if kind == "timeline" and u != "date":
        return f"a timeline draws dated events; '{unit}' can never match one (write unit: date, or leave it out)"
    if kind in _AMOUNTS and u == "date":
        return f"a {kind} chart draws amounts, and dates are never one (a timeline draws dates)"
    if u in _READ_AS and not (kind == "timeline" and _READ_AS[u] == "date"):
        return f"'{unit}' can never match: the sources' figures are read as {_READ_AS[u]}; write unit: {_READ_AS[u]}"
    return None


# A field that failed validation is None or missing here: its problem is already reported, and the spec
# made from the rest only has to not crash, since the outline is refused anyway.

def _selector(value: dict) -> Selector:
    return Selector(*(tuple(x for x in value.get(k) or () if x) for k in ("match", "any", "exclude")),
                    value.get("unit") or "", value.get("period") or "")


def chart_spec(raw, value: dict, path: str, problems: list[str], sources: set[str] | None) -> ChartSpec:
    """Make a ChartSpec from a validated chart mapping, noting unknown sources in problems."""
    pins = []
    raw_points = raw.get("points") if isinstance(raw.get("points"), list) else []
    for j, (rp, p) in enumerate(zip(raw_points, value.get("points") or [])):
        if not p or not isinstance(rp, dict):
            continue
        if sources is not None and p.get("source") not in sources:
            problems.append(f"{rp.where('source')}: {path}.points[{j}].source: unknown source "
                            f"'{p.get('source')}' (known: {', '.join(sorted(sources))})")
        pins.append(Pin(p.get("source") or "", p.get("text") or "", p.get("label") or "", p.get("series") or "",
                        rp.where("text")))
    if "unit" in raw and (why := unit_problem(value.get("unit") or "", value.get("kind") or "")):
        problems.append(f"{raw.where('unit')}: {path}.unit: {why}")
    if value.get("discovered") and value.get("kind") != "range":
        problems.append(f"{raw.where('discovered')}: {path}.discovered: only a range chart shows discovered disputes")
    return ChartSpec(value.get("kind") or "bar", value.get("title") or "", value.get("measure") or "",
                     _selector(value), tuple(pins), value.get("limit") or 12, bool(value.get("discovered")),
                     raw.where("kind"))


def dispute_specs(raw, values, problems: list[str]) -> tuple[DisputeSpec, ...]:
    """Make the DisputeSpecs of an outline's validated disputes: list, noting units that cannot match."""
    if not isinstance(raw, list) or not isinstance(values, list):
        return ()
    for i, (r, v) in enumerate(zip(raw, values)):
        if v and isinstance(r, dict) and "unit" in r and (why := unit_problem(v.get("unit") or "")):
            problems.append(f"{r.where('unit')}: disputes[{i}].unit: {why}")
    return tuple(DisputeSpec(v.get("quantity") or "", _selector(v), 5 if v.get("tolerance") is None else v["tolerance"],
                             r.where("quantity")) for r, v in zip(raw, values) if v and isinstance(r, dict))
