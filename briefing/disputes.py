"""Disputed figures: claims about the same quantity whose values disagree beyond a tolerance,
across sources or across dates within one source, and figures that contradict their own
stated unit conversion. The outline declares quantities; discovery proposes more."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from itertools import combinations

from .claims import _STOP, conversion_mismatch
from .corpus import Corpus
from .amounts import amount, bounds
from .claims import TIME_KINDS
from .figures import Dispute, Found, Point, overlaps, point, printed, selects

# A hedge that bounds a figure from one side: "up to 18 million" is no more than 18 million.
# "Just over" and "barely over" say the figure is close, so they stay approximate.
AT_MOST = {"up to", "at most", "no more than", "under", "below", "less than", "fewer than", "as many as",
           "as much as", "well under"}
AT_LEAST = {"over", "more than", "at least", "above", "in excess of", "upwards of", "well over", "no less than"}
MAX_VALUES = 60        # distinct figures compared per quantity
MAX_SHOWN = 12         # figures printed per quantity
MAX_SIGNATURES = 2000  # distinct subjects compared by discovery

# Counted durations ("3 years in prison", "13 years ago") measure time, not a quantity to compare.
DURATIONS = {"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades", "centuries"}
_METRES = {"km": 1e3, "kilometre": 1e3, "kilometer": 1e3, "mi": 1609.344, "mile": 1609.344, "m": 1.0,
           "metre": 1.0, "meter": 1.0, "ft": 0.3048, "foot": 0.3048, "feet": 0.3048, "nmi": 1852.0}


def interval(p: Point) -> tuple[float, float]:
    """Return the values a figure allows, reading one-sided hedges as open bounds."""
    low, high = bounds(p)
    if p.hedge in AT_MOST:
        return 0.0, high
    if p.hedge in AT_LEAST:
        return low, math.inf
    return low, high


def disagree(a: Point, b: Point, tolerance: int) -> bool:
    """Tell whether two figures differ by more than tolerance percent of the larger."""
    (la, ha), (lb, hb) = interval(a), interval(b)
    gap = max(lb - ha, la - hb, 0.0)
    scale = max(abs(x) for x in (la, lb, *(h for h in (ha, hb) if h != math.inf))) or 1.0
    return gap / scale > tolerance / 100


def compare(did: str, quantity: str, points: list[Point], tolerance: int, *, declared: bool) -> Dispute:
    """Compare a quantity's figures pairwise and say whether, and how, they disagree."""
    sources = len({p.source for p in points})
    conflicts, changes = [], []
    # Figures alike in value, period and source are compared once: a repetitive text stays linear.
    distinct = list({(interval(p), p.years, p.source): p for p in points}.values())[:MAX_VALUES]
    for a, b in combinations(distinct, 2):
        if disagree(a, b, tolerance):
            (conflicts if overlaps(a.years, b.years) else changes).append((a, b))
    one = "; all from one source" if sources == 1 and len(points) > 1 else ""
    if len(points) < 2:
        status, reason = "single figure", "Only one figure found" + ("; single source" if points else "")
    elif conflicts:
        who = "Sources disagree" if any(a.source != b.source for a, b in conflicts) else "One source disagrees with itself"
        status, reason = "disputed", f"{who} for the same or undated periods{one}"
    elif changes:
        periods = ", ".join(dict.fromkeys(p.when for p in points if p.when))
        status, reason = "changes over time", f"Figures differ between periods ({periods}): a change over time, " \
                                              f"not necessarily a disagreement{one}"
    else:
        status, reason = "consistent", f"Figures agree within {tolerance}%{one}"
    lows, highs = zip(*(bounds(p) for p in points)) if points else ((0.0,), (0.0,))
    unit = points[0].unit if points else ""
    if len(points) > MAX_SHOWN:
        reason += f"; the first {MAX_SHOWN} of {len(points)} figures are shown"
        points = points[:MAX_SHOWN]
    return Dispute(did, quantity, status, reason, tuple(points), min(lows), max(highs), unit, sources, declared)


def conversion(did: str, f: Found, text: str) -> Dispute | None:
    """Return a dispute for a figure whose stated conversion ("500 km (340 miles)") does not hold."""
    c = f.claim
    err = conversion_mismatch(c)
    m = re.match(r"(.+?)\s*\(\s*\D*?(\d[\d,.]*\s*([^\W\d_]+(?: [^\W\d_]+)?))\s*\)$", c.text)
    if err is None or not m:
        return None
    unit = m.group(3).lower()
    factor = _METRES.get(unit) or _METRES.get(unit.rstrip("s"))
    if factor is None:
        return None
    first = point(f, f"{did}.1", label="as stated", text=text)
    first = _narrow(first, c.start, c.start + m.end(1), text, value=c.value)
    second = _narrow(point(f, f"{did}.2", label="its own conversion", text=text), c.start + m.start(2), c.start + m.end(2), text,
                     value=c.conversion[0] * factor)
    said, named = amount(c.value, "m", "distance"), m.group(3).split()[-1]
    reason = (f"The source's own conversion does not hold: {said} is {c.value / factor:,.0f} {named}, not "
              f"{c.conversion[0]:,.0f}; {m.group(2)} is {amount(second.value, 'm', 'distance')}")
    after = re.match(r"[^,;:.()\n]*", text[c.end:c.sentence_end]).group().strip()
    return Dispute(did, f"Distance {after}".strip(), "conversion", reason, (first, second),
                   min(first.value, second.value), max(first.value, second.value), "m", 1, False)


def _narrow(p: Point, start: int, end: int, text: str, *, value: float) -> Point:
    p = replace(p, start=start, end=end, text=text[start:end], value=value, low=None, high=None, hedge="")
    return replace(p, printed=printed(text, p))


def _who(corpus: Corpus, source: str) -> str:
    from .brief import short_title

    s = corpus.source(source)
    return s.author.split()[-1] if s.author else short_title(s.title or s.file)


def find_disputes(corpus: Corpus, specs, found: tuple[Found, ...], *, discovered: bool = False) -> tuple[Dispute, ...]:
    """Return the declared quantities compared, every broken conversion and, on request, discovered disputes."""
    texts = {s.id: s.text for s in corpus.sources}
    rows, used = [], set()
    for spec in specs:
        did = f"dispute-{len(rows) + 1}"
        fs = [f for f in found if f.claim.kind not in TIME_KINDS and selects(spec.select, f, texts[f.claim.source])]
        used.update(f.claim for f in fs)
        pts = [point(f, f"{did}.{j}", label=_who(corpus, f.claim.source),
                     text=texts[f.claim.source]) for j, f in enumerate(fs, 1)]
        rows.append(compare(did, spec.quantity, pts, spec.tolerance, declared=True))
    for f in found:
        if f.claim.conversion and (d := conversion(f"dispute-{len(rows) + 1}", f, texts[f.claim.source])):
            rows.append(d)
    if discovered:
        for name, group, _ in discover(found):
            if used.isdisjoint(f.claim for f in group):
                did = f"dispute-{len(rows) + 1}"
                pts = [point(f, f"{did}.{j}", label=_who(corpus, f.claim.source),
                         text=texts[f.claim.source]) for j, f in enumerate(group, 1)]
                d = compare(did, name, pts, 5, declared=False)
                if d.status == "disputed":  # a change between periods needs an analyst's reading
                    rows.append(d)
    return tuple(rows)


# --- discovery ------------------------------------------------------------------------------------------

def _keys(f: Found) -> set[str]:
    c = f.claim
    words = re.findall(r"[^\W\d_][\w'’-]+", f"{c.unit if c.kind == 'count' else ''} {c.subject}".lower())
    return {re.sub(r"(?:['’]s|s)$", "", w) for w in words if w not in _STOP and len(w) > 2}


def discover(found: tuple[Found, ...], *, threshold: float = 0.6) -> list[tuple[str, list[Found], list[str]]]:
    """Group figures of one kind and unit whose subjects share their rarer words; return (name, group, words)."""
    figs = [f for f in found if f.claim.kind not in TIME_KINDS and f.claim.kind != "count"
            or (f.claim.kind == "count" and f.claim.unit and f.claim.unit.lower() not in DURATIONS)]
    keys = [_keys(f) for f in figs]
    df = Counter(w for k in keys for w in k)
    idf = {w: math.log((len(figs) + 1) / n) for w, n in df.items()}
    # Figures with the same kind, unit and subject words are one signature; only signatures are
    # compared, and only so many, so a long repetitive text cannot make discovery quadratic.
    sigs: dict[tuple, list[int]] = {}
    for i, f in enumerate(figs):
        if keys[i]:
            sigs.setdefault((f.claim.kind, f.claim.unit.lower(), frozenset(keys[i])), []).append(i)
    names = list(sigs)[:MAX_SIGNATURES]
    parent = list(range(len(names)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(names)), 2):
        (ka, ua, wa), (kb, ub, wb) = names[i], names[j]
        if ka == kb and ua == ub and sum(idf[w] for w in wa & wb) / min(sum(idf[w] for w in wa),
                                                                      sum(idf[w] for w in wb)) >= threshold:
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i, name in enumerate(names):
        groups.setdefault(root(i), []).extend(sigs[name])
    out = []
    for members in groups.values():
        if len(members) > 1:
            members.sort()
            first = figs[members[0]].claim
            name = (first.subject or first.unit).strip()
            shared = sorted(set.intersection(*(keys[i] for i in members)), key=lambda w: (-idf[w], w))[:2]
            out.append((name[:1].upper() + name[1:] + f" ({first.unit})", [figs[i] for i in members], shared))
    return out
