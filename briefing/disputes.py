"""Disputed figures: claims about the same quantity whose values disagree beyond a tolerance,
across sources or across dates within one source, and figures that contradict their own
stated unit conversion. The outline declares quantities; discovery proposes more."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import replace
from itertools import combinations

from .claims import _STOP, conversion_mismatch
from .corpus import Corpus
from .amounts import amount, bounds, position
from .claims import TIME_KINDS
from .figures import EVENT_KINDS, Dispute, Found, Point, _label, overlaps, point, printed, selects

# A hedge that bounds a figure from one side: "up to 18 million" is no more than 18 million.
# "Just over" and "barely over" say the figure is close, so they stay approximate.
AT_MOST = {"up to", "at most", "no more than", "under", "below", "less than", "fewer than", "as many as",
           "as much as", "well under"}
AT_LEAST = {"over", "more than", "at least", "above", "in excess of", "upwards of", "well over", "no less than"}
MAX_VALUES = 60        # distinct figures compared per quantity
MAX_SHOWN = 12         # figures printed per quantity
MAX_DATE_GAP = 366    # days: two dates of one event further apart are likely two events

# Counted durations ("3 years in prison", "13 years ago") measure time, not a quantity to compare.
DURATIONS = {"seconds", "minutes", "hours", "days", "weeks", "months", "years", "decades", "centuries"}
_METRES = {"km": 1e3, "kilometre": 1e3, "kilometer": 1e3, "mi": 1609.344, "mile": 1609.344, "m": 1.0,
           "metre": 1.0, "meter": 1.0, "ft": 0.3048, "foot": 0.3048, "feet": 0.3048, "nmi": 1852.0}


def interval(p: Point) -> tuple[float, float]:
    """Return the values a figure allows, reading one-sided hedges as open bounds; a date as its days."""
    if p.kind in EVENT_KINDS:
        return _days(p)
    low, high = bounds(p)
    if p.hedge in AT_MOST:
        return 0.0, high
    if p.hedge in AT_LEAST:
        return low, math.inf
    return low, high


def _days(p: Point) -> tuple[float, float]:
    """Return the first and last day (proleptic ordinals) a date or a year may mean."""
    m = re.fullmatch(r"(\d{4})-(\d\d)(?:-(\d\d))?", p.iso)
    year, month, day = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else (p.years[0], 0, 0)
    if year is None:
        return -math.inf, math.inf
    if day:
        return (dt.date(year, month, day).toordinal(),) * 2
    first = dt.date(year, month or 1, 1)
    last = dt.date(year + (month in (0, 12)), month % 12 + 1 if month else 1, 1) - dt.timedelta(days=1)
    return first.toordinal(), last.toordinal()


def disagree(a: Point, b: Point, tolerance: int) -> bool:
    """Tell whether two figures differ by more than tolerance percent of the larger; dates by a day."""
    (la, ha), (lb, hb) = interval(a), interval(b)
    gap = max(lb - ha, la - hb, 0.0)
    if a.kind in EVENT_KINDS or a.kind == "rank":
        return gap > 0
    scale = max(abs(x) for x in (la, lb, *(h for h in (ha, hb) if h != math.inf))) or 1.0
    return gap / scale > tolerance / 100


def same_period(a: Point, b: Point) -> bool:
    """Tell whether two figures speak of the same time: both undated, or dated with spans that are
    mostly the same years (more than half of the years either names).

    An undated figure is not compared with a dated one: "$180 million in 1992" and an undated
    "$6 billion" are not two readings of one value, and their span would mislead. Nor is a share
    of 2011-2020 with one of 2016-2020, or of 2013 with one of the 2010s: both can be true."""
    if a.kind in EVENT_KINDS:   # two dates of one event are the same period by definition, if close
        (la, ha), (lb, hb) = interval(a), interval(b)
        return max(lb - ha, la - hb) <= MAX_DATE_GAP
    dated_a, dated_b = a.years != (None, None), b.years != (None, None)
    if not (dated_a and dated_b):
        return not (dated_a or dated_b)   # both undated
    if None in a.years or None in b.years:   # "since 2011": open, so any overlap may be the same time
        return overlaps(a.years, b.years)
    (fa, la), (fb, lb) = a.years, b.years
    shared = min(la, lb) - max(fa, fb) + 1
    return shared > (max(la, lb) - min(fa, fb) + 1) / 2


def compare(did: str, quantity: str, points: list[Point], tolerance: int, *, declared: bool) -> Dispute:
    """Compare a quantity's figures pairwise and say whether, and how, they disagree."""
    sources = len({p.source for p in points})
    conflicts, changes = [], []
    # Figures alike in value, period and source are compared once: a repetitive text stays linear.
    distinct = list({(interval(p), p.years, p.source): p for p in points}.values())
    for a, b in combinations(distinct[:MAX_VALUES], 2):
        if disagree(a, b, tolerance):
            (conflicts if same_period(a, b) else changes).append((a, b))
    one = "; all from one source" if sources == 1 and len(points) > 1 else ""
    if len(points) < 2:
        status, reason = "single figure", "Only one figure found" + ("; single source" if points else "")
    elif conflicts:
        who = "Sources disagree" if any(a.source != b.source for a, b in conflicts) else "One source disagrees with itself"
        what = "on the date" if points[0].kind in EVENT_KINDS else "for the same period"
        status, reason = "disputed", f"{who} {what}{one}"
    elif changes and points[0].kind in EVENT_KINDS:
        status, reason = "changes over time", "The dates are more than a year apart: probably different events"
    elif changes:
        periods = ", ".join(dict.fromkeys(p.when or "undated" for p in points))
        status, reason = "changes over time", f"Figures differ between periods ({periods}): a change over time, " \
                                              f"or an undated figure, not necessarily a disagreement{one}"
    else:
        status, reason = "consistent", f"Figures agree within {tolerance}%{one}" if points[0].kind not in EVENT_KINDS \
            else f"The dates agree{one}"
    # The range printed spans only figures of one period that disagree, never a change over time.
    spanned = list({id(p): p for pair in conflicts for p in pair}.values()) if conflicts else points
    if points and points[0].kind in EVENT_KINDS:
        lows, highs = zip(*((position(p), position(p)) for p in spanned))
    else:
        lows, highs = zip(*(bounds(p) for p in spanned)) if points else ((0.0,), (0.0,))
    unit = points[0].unit if points else ""
    if len(distinct) > MAX_VALUES:   # pairwise comparison is quadratic: say what was left uncompared
        reason += f"; only the first {MAX_VALUES} of {len(distinct)} different figures were compared"
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
        dated = spec.select.unit.strip().lower() == "date"
        fs = [f for f in found if (f.claim.kind in EVENT_KINDS if dated else f.claim.kind not in TIME_KINDS)
              and selects(spec.select, f, texts[f.claim.source])]
        used.update(f.claim for f in fs)
        pts = [point(f, f"{did}.{j}", label=_who(corpus, f.claim.source),
                     text=texts[f.claim.source]) for j, f in enumerate(fs, 1)]
        rows.append(compare(did, spec.quantity, pts, spec.tolerance, declared=True))
    for f in found:
        if f.claim.conversion and (d := conversion(f"dispute-{len(rows) + 1}", f, texts[f.claim.source])):
            rows.append(d)
    if discovered:
        for name, group, _ in discover(found, texts):
            if used.isdisjoint(f.claim for f in group):
                did = f"dispute-{len(rows) + 1}"
                pts = [point(f, f"{did}.{j}", label=_who(corpus, f.claim.source),
                         text=texts[f.claim.source]) for j, f in enumerate(group, 1)]
                d = compare(did, name, pts, 5, declared=False)
                if d.status == "disputed":  # a change between periods needs an analyst's reading
                    rows.append(d)
    return tuple(rows)


# --- discovery ------------------------------------------------------------------------------------------

_ANNUAL = re.compile(r"(?i)\b(?:annual|annually|yearly|a year|per year|each year|every year|per annum|a-year)\b")
_CLAUSE = re.compile(r"[,;:()\[\]\"“”—]|\.\s")


def _rate(f: Found, text: str) -> str:
    """Return what a figure is counted per ("year" for "annual sales of $600 million"), or "" for a total."""
    c = f.claim
    if "/" in c.unit:
        return c.unit.partition("/")[2]
    before = text[c.sentence_start:c.start]
    clause = before[max((m.end() for m in _CLAUSE.finditer(before)), default=0):]
    return "year" if _ANNUAL.search(clause) or _ANNUAL.search(c.subject) else ""


def _stem(word: str) -> str:
    return re.sub(r"(?:['’]s|ies|es|s|ed|ing|ion|ition|ation)$", "", word)[:7]


def _keys(f: Found, text: str) -> frozenset[str]:
    """Return the words that say what a figure is about: its subject, and for a date or a rank
    (whose subject is short) the names in its clause, which say whose event or rank it is."""
    c = f.claim
    words = re.findall(r"[^\W\d_][\w'’-]+", f"{c.unit if c.kind == 'count' else ''} {c.subject}".lower())
    if c.kind in EVENT_KINDS or c.kind == "rank":
        before, after = text[c.sentence_start:c.start], text[c.end:c.sentence_end]
        start = max((m.end() for m in _CLAUSE.finditer(before)), default=0)
        end = m.start() if (m := _CLAUSE.search(after)) else len(after)
        clause = before[start:] + " " + after[:end]
        words += [w.lower() for w in re.findall(r"\b[A-Z][\w'’-]+", clause) if not re.fullmatch(r"[A-Z]\w?", w)]
    return frozenset(_stem(w) for w in words if w not in _STOP and len(w) > 2)


def _comparable(f: Found) -> bool:
    c = f.claim
    if c.kind == "date":
        return c.iso[:1].isdigit()   # a date with its year; "April 5" alone cannot be placed
    if c.kind == "count":
        return bool(c.unit) and c.unit.lower() not in DURATIONS
    return c.kind not in TIME_KINDS


def discover(found: tuple[Found, ...], texts: dict[str, str], *,
             threshold: float = 0.6) -> list[tuple[str, list[Found], list[str]]]:
    """Group figures of one kind, unit and rate (a per-year figure is never a total) whose subjects
    share their rarer words; return (name, group, words) for every group of two or more.

    Every figure is considered: an index from each subject word to the figures that use it means only
    figures sharing a rare word are compared, so a long repetitive corpus stays near linear."""
    figs = [f for f in found if _comparable(f)]
    keys = [_keys(f, texts[f.claim.source]) for f in figs]
    df = Counter(w for k in keys for w in k)
    idf = {w: math.log((len(figs) + 1) / n) for w, n in df.items()}
    # Figures with the same kind, unit, rate and subject words are one signature.
    sigs: dict[tuple, list[int]] = {}
    for i, f in enumerate(figs):
        if keys[i]:
            c = f.claim
            unit = "date" if c.kind == "date" else c.unit.partition("/")[0].lower()
            sigs.setdefault((c.kind, unit, _rate(f, texts[c.source]), keys[i]), []).append(i)
    names = list(sigs)
    weight = [sum(idf[w] for w in name[3]) for name in names]
    index: dict[tuple, list[int]] = {}
    for i, (kind, unit, rate, words) in enumerate(names):
        for w in words:
            index.setdefault((kind, unit, rate, w), []).append(i)
    parent = list(range(len(names)))

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (kind, unit, rate, words) in enumerate(names):
        # Two signatures can share threshold of the lighter one's weight only if they share one of its
        # rarest words covering more than (1 - threshold) of it: only those words' lists are read.
        prefix, covered = [], 0.0
        for w in sorted(words, key=lambda w: (-idf[w], w)):
            prefix.append(w)
            covered += idf[w]
            if covered > (1 - threshold) * weight[i]:
                break
        for w in prefix:
            for j in index[(kind, unit, rate, w)]:
                if (weight[j], j) > (weight[i], i) and root(i) != root(j) and \
                        sum(idf[x] for x in words & names[j][3]) >= threshold * weight[i]:
                    parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i, name in enumerate(names):
        groups.setdefault(root(i), []).extend(sigs[name])
    out = []
    for members in groups.values():
        if len(members) > 1:
            members.sort()
            first = figs[members[0]]
            kind, unit, rate, _ = next(n for n in names if members[0] in sigs[n])
            shared = sorted(frozenset.intersection(*(keys[i] for i in members)), key=lambda w: (-idf[w], w))[:2]
            what = {"date": "date", "rank": "rank"}.get(kind) or first.claim.unit.partition("/")[0] or kind
            out.append((f"{_label(first.claim, texts[first.claim.source])} ({what}{' a ' + rate if rate else ''})",
                        [figs[i] for i in members], shared))
    return out
