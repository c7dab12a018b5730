"""Numbers and dates as a reader writes them, and where a point sits on a chart's axes.
Works on any point-like object with kind, value, low, high, unit, hedge, when, years and iso."""

from __future__ import annotations

import datetime as dt
import re

from .claims import ORDINALS, TIME_KINDS

_SCALE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_MONEY = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "ILS": "₪"}


def amount(v: float, unit: str, kind: str) -> str:
    """Return a value as a reader writes it: '$4.85 billion', '69%', '500 km', '20 million'."""
    if kind == "rank":
        word = next((w for w, n in ORDINALS.items() if n == v), f"{v:.0f}th")
        return word + ("" if unit == "rank" else f" {unit}")
    if kind == "distance":
        return f"{v / 1000:,.4g} km" if v >= 1000 else f"{v:,.4g} m"
    if kind == "percent":
        return f"{v:,.4g}{'%' if unit == '%' else ' ' + unit}"
    big = next(((d, w) for d, w in _SCALE if abs(v) >= d), None)
    num = f"{v / big[0]:,.4g} {big[1]}" if big else f"{v:,.4g}" if v < 1e4 else f"{v:,.0f}"
    if kind == "money":
        base, _, per = unit.partition("/")
        sym = _MONEY.get(base)
        return (f"{sym}{num}" if sym else f"{base} {num}") + (f" per {per}" if per else "")
    return num


def display(p) -> str:
    """Return a point's figure as printed: hedge, value or range, unit."""
    if p.kind in TIME_KINDS:
        return p.when or p.text
    if p.value is not None:
        body = amount(p.value, p.unit, p.kind)
    else:
        body = f"{amount(p.low, p.unit, p.kind)}–{amount(p.high, p.unit, p.kind)}"
        if p.kind == "percent":
            body = f"{p.low:,.4g}–{amount(p.high, p.unit, p.kind)}"
    noun = f" {p.unit}" if p.kind == "count" and p.unit else ""
    return (f"{p.hedge} " if p.hedge else "") + body + noun


def centre(p) -> float:
    """Return the middle of a point's value or range."""
    return p.value if p.value is not None else (p.low + p.high) / 2


def bounds(p) -> tuple[float, float]:
    """Return (low, high) of a point's value or range."""
    return (p.value, p.value) if p.value is not None else (p.low, p.high)


def chronology(p) -> str:
    """Return a dated point's date as printed in a chronology: '18 October 1991', 'November 1991', '2016'."""
    m = re.fullmatch(r"(\d{4})-(\d\d)(?:-(\d\d))?", p.iso)
    if not m:
        return p.when or str(p.years[0])
    d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    return f"{d.day} {d:%B %Y}" if m.group(3) else f"{d:%B %Y}"


def position(p) -> float:
    """Return where a dated point sits on a time axis, as a fractional year."""
    m = re.match(r"(\d{4})-(\d\d)(?:-(\d\d))?", p.iso)
    if m:
        month, day = int(m.group(2)), int(m.group(3) or 15)
        return int(m.group(1)) + (month - 1 + (day - 1) / 31) / 12
    a, b = p.years
    return (a + (b if b is not None else a)) / 2 + 0.5 if a is not None else float(b or 0) + 0.5
