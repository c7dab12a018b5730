"""From claims to figures: every number located in its passage, the charts an outline asks for,
the chronology of dated events, and the figures sources disagree about.

A point is always an exact slice of its source (start, end, text) plus the value read from it;
charts, tables and notes only ever print points."""

from __future__ import annotations

import base64
import bisect
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .amounts import amount, chronology, display, position
from .claims import _STOP, TIME_KINDS, Claim, extract_claims, split_sentences
from .corpus import QUOTABLE, TAG, Corpus, Passage, printable
from .errors import AnchorError
from .progress import Progress
from .figspec import ChartSpec, DisputeSpec, Pin, Selector

EVENT_KINDS = ("date", "year")
DRAWN = {"bar": 22, "line": 40, "timeline": 40, "range": 8}   # rows (range: quantities) that fit on a page
KIND_WORDS = {"percent", "money", "count", "distance", "rank", "date"}
AMOUNT_KINDS = ("percent", "money", "count", "distance")   # what an axis of amounts can draw


@dataclass(frozen=True)
class Found:
    """A claim in its passage, with the years it refers to and the words a selector reads."""
    claim: Claim
    passage: Passage
    years: tuple            # (first, last) year; None where open or unknown
    context: tuple[int, int]


@dataclass(frozen=True)
class Point:
    id: str
    source: str
    start: int
    end: int
    text: str               # source.text[start:end], exactly
    kind: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    hedge: str
    when: str               # the period the figure refers to, as the source words it; "" if undated
    years: tuple
    label: str
    series: str
    sentence: tuple[int, int]
    passage: str
    par: int
    iso: str = ""           # ISO 8601 date of a dated event
    printed: tuple = ()     # (before, figure, after): the sentence as printed, split around the figure
    note: int = 0

    figure = property(lambda self: display(self), doc="The figure as printed: hedge, value or range, unit.")
    date = property(lambda self: chronology(self), doc="The date as printed in a chronology.")


@dataclass(frozen=True)
class Dispute:
    id: str
    quantity: str
    status: str             # disputed | changes over time | consistent | single figure | conversion
    reason: str
    points: tuple[Point, ...]
    low: float
    high: float
    unit: str
    sources: int
    declared: bool

    @property
    def span(self) -> str:
        """Return the range of the figures as printed: '18–20 million', '40–65%', '17–18 September 1950'."""
        kind = self.points[0].kind if self.points else "count"
        if kind in EVENT_KINDS:
            ends = sorted({(position(p), chronology(p)) for p in self.points if self.low <= position(p) <= self.high})
            (_, first), (_, last) = ends[0], ends[-1]
            (d1, _, rest1), (d2, _, rest2) = first.partition(" "), last.partition(" ")
            if first == last:
                return first
            return f"{d1}–{d2} {rest1}" if rest1 == rest2 and d1.isdigit() and d2.isdigit() else f"{first} – {last}"
        per = " per " + self.unit.partition("/")[2] if "/" in self.unit else ""
        low, high = (amount(x, self.unit, kind).removesuffix(per) for x in (self.low, self.high))
        a, b = (re.fullmatch(r"(\D*?)([\d.,]+)(.*)", x) for x in (low, high))
        if low == high or not (a and b):
            return (low if low == high else f"{low}–{high}") + per
        if a.group(1) == b.group(1) and a.group(3) == b.group(3):  # "18–20 million", "$4.85–5 billion"
            return f"{a.group(1)}{a.group(2)}–{b.group(2)}{b.group(3)}{per}"
        return f"{low}–{high}{per}"


@dataclass(frozen=True)
class Chart:
    id: str
    section: str
    kind: str
    title: str
    subtitle: str
    measure: str
    alt: str
    points: tuple[Point, ...]
    disputes: tuple[Dispute, ...] = ()
    left_out: str = ""      # what was found but cannot be drawn, said in the caption
    svg: str = ""

    @property
    def src(self) -> str:
        """Return the SVG as a data: URI, the only kind of image the renderer fetches besides assets."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")

    @property
    def cited(self) -> tuple:
        """Return (source id, runs of consecutive note numbers as (first, last)) per source, in order."""
        by: dict[str, list[list[int]]] = {}
        for p in self.points:
            runs = by.setdefault(p.source, [])
            if runs and runs[-1][1] in (p.note - 1, p.note):   # a note may serve two points of one place
                runs[-1][1] = p.note
            else:
                runs.append([p.note, p.note])
        return tuple((k, tuple(tuple(r) for r in v)) for k, v in by.items())


@dataclass(frozen=True)
class Figures:
    claims: tuple[Found, ...]
    charts: dict            # section id -> tuple[Chart, ...]


# --- claims in their passages --------------------------------------------------------------------------

def _span_years(c: Claim) -> tuple:
    if c.kind == "year":
        return int(c.value), int(c.value)
    if c.kind == "date":
        y = int(c.iso[:4]) if c.iso[:1].isdigit() else None
        return y, y
    return (int(c.low) if c.low is not None else None), (int(c.high) if c.high is not None else None)


def corpus_claims(corpus: Corpus, only: set[str] | None = None, *, cache=None) -> tuple[Found, ...]:
    """Extract the claims of every quotable passage (or of those whose ids are in only): page chrome
    and comments never give a figure. A cache folder keeps each passage's claims by content."""
    from .segments import Cache

    store = Cache(cache)
    try:
        return _claims(corpus, only, store if cache else None)
    finally:
        store.save()


def _claims(corpus: Corpus, only: set[str] | None, cache) -> tuple[Found, ...]:
    # The quotable passages asked for, by source: every one is '<source>.p<n>', n from 1 to its paragraphs.
    asked: dict[str, set[str]] = {}
    if only is None:
        asked = {s.id: {f"{s.id}.p{n}" for n in range(1, s.paragraphs + 1)} for s in corpus.sources}
    else:   # only the sources holding a passage asked for are read
        for pid in only:
            asked.setdefault(pid.rpartition(".")[0], set()).add(pid)
    keys = {s.id: f"{s.key}:{s.id}" for s in corpus.sources if asked.get(s.id)}
    # {passage id: (the passage if it states a figure, else None, [Claim])}
    stored = cache.claims(list(keys.values())) if cache else {}
    out = []
    shown = Progress("finding the figures", len(keys))
    for s in corpus.sources:
        if s.id not in keys:
            continue
        shown.step()
        known = stored.get(keys[s.id], {})
        if not asked[s.id] <= known.keys():   # read the source's passages only for claims not cached
            passages = [p for p in corpus.passages_of(s.id) if p.kind in QUOTABLE and p.id in asked[s.id]]
            asked[s.id] = {p.id for p in passages}   # an id the source no longer has asks for nothing
            missing = [p for p in passages if p.id not in known]
            claims = extract_claims(s.text, source=s.id, spans=[(p.start, p.end) for p in missing])
            starts = [c.start for c in claims]
            for p in missing:
                mine = claims[bisect.bisect_left(starts, p.start):bisect.bisect_left(starts, p.end)]
                known[p.id] = (p if mine else None, mine)
            if cache:
                cache.put_claims(keys[s.id], known)
        passages = sorted((known[pid][0] for pid in asked[s.id] if known[pid][1]), key=lambda p: p.start)
        for p in passages:
            mine = known[p.id][1]
            times: dict[int, list[Claim]] = {}   # sentence start -> the times it states
            for t in mine:
                if t.kind in TIME_KINDS:
                    times.setdefault(t.sentence_start, []).append(t)
            sentences: list = []                 # the passage's sentences, split once if a fragment needs them
            for c in mine:
                context = _context(s.text, p, c, sentences)
                stated = times.get(context[0], []) + (times.get(c.sentence_start, []) if context[0] < c.sentence_start
                                                      else [])
                if not c.period and c.kind not in TIME_KINDS and context[0] < c.sentence_start:
                    # A fragment ("Or more precisely, $4.85 billion.") refers to the time of the sentence before.
                    before = [t for t in stated if t.start < c.sentence_start]
                    c = replace(c, period=before[-1].period) if before else c
                when = next((t for t in stated if t.period == c.period), None) if c.period else None
                years = _span_years(c) if c.kind in TIME_KINDS else _span_years(when) if when else (None, None)
                out.append(Found(c, p, years, context))
    shown.close()
    return tuple(_from_to(out, {s.id: s.text for s in corpus.sources}))


def _from_to(found: list[Found], texts: dict) -> list[Found]:
    """Date the ends of a change: in "between 1997 and 2004, exports rose from $2 million to $323 million"
    the first figure is for 1997 and the second for 2004."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        ca, cb = a.claim, b.claim
        if (ca.sentence_start == cb.sentence_start and ca.kind == cb.kind and ca.kind not in TIME_KINDS
                and a.years == b.years and None not in a.years and a.years[0] < a.years[1]
                and re.fullmatch(r"\s+to\s+", texts[ca.source][ca.end:cb.start])
                and re.search(r"(?i)\bfrom\s+$", texts[ca.source][ca.sentence_start:ca.start])):
            y0, y1 = a.years
            out[i] = replace(a, years=(y0, y0), claim=replace(ca, period=str(y0)))
            out[i + 1] = replace(b, years=(y1, y1), claim=replace(cb, period=str(y1)))
    return out


def _context(text: str, p: Passage, c: Claim, sentences: list) -> tuple[int, int]:
    """Return the span a selector reads: the sentence, and the one before when it is a bare fragment."""
    near = text[max(c.sentence_start, c.start - 200):c.start] + " " + text[c.end:min(c.sentence_end, c.end + 200)]
    if len([w for w in re.findall(r"[^\W\d_]{3,}", near) if w.lower() not in _STOP]) >= 2:
        return c.sentence_start, c.sentence_end
    if not sentences:
        sentences.extend(split_sentences(text, p.start, p.end))
    i = bisect.bisect_right(sentences, c.sentence_start - 1, key=lambda s: s[0]) - 1  # "Or more precisely, …"
    return (sentences[i][0] if i >= 0 else c.sentence_start), c.sentence_end


def point(f: Found, pid: str, *, label: str = "", series: str = "", text: str = "") -> Point:
    """Make a chartable, citable point from a found claim; text is its source's text, for the printed sentence."""
    c = f.claim
    p = Point(pid, c.source, c.start, c.end, c.text, c.kind, c.value, c.low, c.high, c.unit, c.hedge,
              c.period, f.years, label or _label(c, text), series, f.context, f.passage.id, f.passage.n, c.iso)
    return replace(p, printed=printed(text, p)) if text else p


def printed(text: str, p: Point) -> tuple[str, str, str]:
    """Return a point's sentence as printed, split around the figure: (before, figure, after)."""
    pre, post = text[p.sentence[0]:p.start], text[p.end:p.sentence[1]]
    return (printable(pre) + (" " if pre[-1:].isspace() else ""), printable(p.text),
            (" " if post[:1].isspace() else "") + printable(post))


def _label(c: Claim, text: str = "") -> str:
    """Return a label from the claim's subject, a whole phrase in the source's own capitals: "Jews living
    in Azerbaijan", "Share of Azerbaijan's major arms imports"."""
    words = c.subject.split()
    if c.kind == "percent" and words and words[0] == "of":
        words = ["share", *words]   # "69 percent of arms imports" is a share of them
    head, own = " ".join(words), words[words[:1] == ["share"]:]
    sentence = text[c.sentence_start:c.sentence_end] if text else ""
    if own and (m := re.search(r"\W+".join(map(re.escape, own)), sentence, re.I)):
        # The subject stops after eight words: run on over a name it cut ("the Brazilian Air Force"),
        # and to the end of the clause when that is near, never into a figure.
        after = sentence[m.end():c.start - c.sentence_start] if m.end() <= c.start - c.sentence_start \
            else sentence[m.end():]
        rest = re.match(r"[^,;:.()“”\"\d$€£]*", after).group().rstrip()
        if len(rest.split()) > 5:
            rest = re.match(r"(?:\s+[A-Z][\w’'-]*)*", rest).group()
        while rest.split() and rest.split()[-1].lower() in _STOP:   # "…stood at", "…are"
            rest = rest[:rest.rstrip().rfind(" ")].rstrip()
        head = " ".join(words[:len(words) - len(own)] + [m.group() + rest])
    elif sentence:   # the words are apart ("In 2020 trade between Azerbaijan and Israel"): each its own capitals
        tokens = re.findall(r"[\w’'-]+", sentence)
        cased: dict[str, str] = {}
        for token in tokens[1:] + tokens[:1]:   # a sentence's first capital is the sentence's, not the word's
            cased.setdefault(token.lower(), token)
        head = " ".join(cased.get(w.lower(), w) for w in words)
    return head[:1].upper() + head[1:] if head else c.text


# --- selectors ----------------------------------------------------------------------------------------

def _term(term: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, term.split())), re.I)


def _unit_ok(sel: Selector, c: Claim) -> bool:
    u = sel.unit.strip().lower()
    if not u:
        return True
    if u in KIND_WORDS:
        return c.kind == u or (u == "date" and c.kind in TIME_KINDS)
    have = c.unit.lower()
    return have == u or have.rstrip("s") == u.rstrip("s")


def _period(sel: Selector) -> tuple:
    a, _, b = sel.period.partition("-")
    return int(a), (int(b) if b else None) if _ else int(a)


def overlaps(a: tuple, b: tuple) -> bool:
    """Tell whether two (first, last) year spans can overlap; an unknown end is open."""
    return (a[0] is None or b[1] is None or a[0] <= b[1]) and (b[0] is None or a[1] is None or b[0] <= a[1])


def selects(sel: Selector, f: Found, text: str) -> bool:
    """Tell whether a found claim meets a selector: its words, unit and period."""
    ctx = text[f.context[0]:f.context[1]]
    if not _unit_ok(sel, f.claim):
        return False
    if sel.period and (f.years == (None, None) or not overlaps(f.years, _period(sel))):
        return False
    return (all(_term(t).search(ctx) for t in sel.match) and (not sel.any or any(_term(t).search(ctx) for t in sel.any))
            and not any(_term(t).search(ctx) for t in sel.exclude))


def _wanted(kind: str, f: Found) -> bool:
    if kind == "timeline":
        return f.claim.kind in EVENT_KINDS and f.years[0] is not None
    return f.claim.kind not in TIME_KINDS


def pinned(corpus: Corpus, found: tuple[Found, ...], pin: Pin, sel: Selector, kind: str) -> Found:
    """Return the figure inside a pinned text, or say why there is none."""
    from .select import find

    src = corpus.source(pin.source)
    for p in corpus.passages_of(src.id):
        if p.kind in QUOTABLE and (span := find(src.text, pin.text, p.start, p.end)):
            inside = [f for f in found if f.claim.source == src.id and span[0] <= f.claim.start
                      and f.claim.end <= span[1] and _wanted(kind, f) and _unit_ok(sel, f.claim)]
            if not inside:
                raise AnchorError(f"{pin.where}: no {sel.unit or 'figure'} in these words of {src.file}")
            return inside[0]
    raise AnchorError(f"{pin.where}: text not found verbatim in {src.file} (source '{src.id}')")


# --- charts -------------------------------------------------------------------------------------------

def make_charts(corpus: Corpus, sections, disputes: tuple[DisputeSpec, ...], found: tuple[Found, ...]) -> dict:
    """Return each section's chart, computed from the claims its spec selects."""
    texts = {s.id: s.text for s in corpus.sources}
    out = {}
    for section in sections:
        spec: ChartSpec | None = getattr(section, "chart", None)
        if spec is None:
            continue
        if spec.kind == "range":
            from .disputes import find_disputes

            rows = find_disputes(corpus, disputes, found, discovered=spec.discovered)
            out[section.id] = (range_chart(section.id, spec, rows),)
            continue
        chosen = [(pinned(corpus, found, pin, spec.select, spec.kind), pin) for pin in spec.points]
        if spec.kind == "timeline":
            for f, pin in chosen:
                if not is_event(texts[f.claim.source], f.claim.sentence_start, f.claim):
                    raise AnchorError(f"{pin.where}: {f.claim.text!r} is not the date of what its sentence reports "
                                      f"(a comparison or a bound); a timeline event is a sentence dated by it")
        taken = {f.claim for f, _ in chosen}
        more = [f for f in found if _wanted(spec.kind, f) and f.claim not in taken
                and (spec.kind != "timeline" or is_event(texts[f.claim.source], f.claim.sentence_start, f.claim))
                and (spec.select.match or spec.select.any or not spec.points)  # with pins, unit only checks them
                and selects(spec.select, f, texts[f.claim.source])]
        chosen += [(f, None) for f in more[:spec.limit]]
        points = [point(f, f"{section.id}.{i}", label=pin.label if pin else "", series=pin.series if pin else "",
                        text=texts[f.claim.source])
                  for i, (f, pin) in enumerate(chosen, 1)]
        if spec.kind == "timeline":
            points = [event(texts[p.source], p, found, label=pin.label if pin else "") for p, (_, pin)
                      in zip(points, chosen)]
            points.sort(key=lambda p: (position(p), p.source, p.start))
        elif spec.kind == "line":
            points.sort(key=lambda p: (p.series, p.years[1] or p.years[0] or 0))
        if len(points) == 1:
            raise AnchorError(f"{spec.where}: only one figure matches this {spec.kind} chart "
                              f"({points[0].text!r} in {points[0].source}); a chart needs two or more: "
                              f"pin or select another, or give the figure in the section's text")
        out[section.id] = (chart(section.id, spec, tuple(points)),)
    return out


def range_chart(section: str, spec: ChartSpec, rows) -> Chart:
    """Make the range chart of the disputed figures; its points are the rows' values, in table order."""
    shown = tuple(d for d in rows if len(d.points) > 1)
    points = tuple(p for d in shown for p in d.points)
    measure = spec.measure or "Figures the sources give for the same quantity"
    alt = f"Range chart. {spec.title}. " + " ".join(
        f"{d.quantity}: " + "; ".join(f"{p.label} {display(p)}" + (f" ({p.when})" if p.when else "")
                                      for p in d.points) + "." for d in shown)
    more = (f"The chart draws the first {DRAWN['range']} of {len(shown)} quantities; the tables list them all"
            if len(shown) > DRAWN["range"] else "")
    return Chart(f"chart-{section}", section, "range", spec.title,
                 f"{measure} · {len(shown)} quantities, {len(points)} figures from "
                 f"{len({p.source for p in points})} sources", measure, alt, points, shown, left_out=more)


# --- dated events ---------------------------------------------------------------------------------------

def _clause(text: str, sentence_start: int, c: Claim) -> tuple[int, int]:
    """Return the span of the clause around a date: from the last , ; : before it to the next one after."""
    before = list(re.finditer(r"[,;:]\s+", text[sentence_start:c.start]))
    start = sentence_start + before[-1].end() if before else sentence_start
    # "On December 25, 1991, Israel…": the comma inside a date is no clause boundary.
    after = re.search(r"[,;:.]\s+", text[c.end:])
    return start, c.end + after.start() if after else len(text)


def is_event(text: str, sentence_start: int, c: Claim) -> bool:
    """Tell whether a date is the date of its sentence's event, not a comparison or a bound
    ("like a similar announcement in 2006", "since 2011"): words in data/standalone.yaml."""
    from .select import standalone

    start, _ = _clause(text, sentence_start, c)
    before = text[sentence_start:c.start]
    if before.count("(") > before.count(")"):   # a citation in brackets: "(Haaretz, October 1)"
        return False
    return not re.search(r"\b" + standalone()["not_the_event"].pattern, text[start:c.start], re.I)


def event(text: str, p: Point, found: tuple[Found, ...], *, label: str = "") -> Point:
    """Label a dated point; its sentence is printed whole, the date in it shown in bold."""
    if not label:
        claim = next((f.claim for f in found if f.claim.source == p.source and f.claim.start == p.start), None)
        start, end = _clause(text, p.sentence[0], claim) if claim else p.sentence
        end = min(end, p.sentence[1])
        rest = re.sub(r"\s+", " ", (text[start:p.start] + " " + text[p.end:end]))
        words = re.findall(r"[^\s,;:()\"“”]+", TAG.sub(" ", rest))
        while words and words[0].lower() in _STOP | {"later", "then", "also"}:
            words.pop(0)
        words = words[:10]
        while len(words) > 1 and words[-1].lower() in _STOP:
            words.pop()
        label = " ".join(words).rstrip(".")
        label = label[:1].upper() + label[1:]
    return replace(p, label=label or p.text)


def chart(section: str, spec: ChartSpec, points: tuple[Point, ...]) -> Chart:
    """Assemble a chart with its subtitle and alt text from its points."""
    left_out = ""
    if spec.kind == "line":
        undated = [p for p in points if p.years == (None, None)]
        points = tuple(p for p in points if p not in undated)
        if undated:
            left_out = f"{len(undated)} undated figure(s) not plotted: " + "; ".join(
                f"{display(p)} ({p.source})" for p in undated)
    if len(points) > DRAWN[spec.kind]:
        left_out = " ".join(x for x in (left_out, f"The chart draws the first {DRAWN[spec.kind]} of {len(points)} "
                                                  "figures; the table lists them all") if x)
    return Chart(f"chart-{section}", section, spec.kind, spec.title, subtitle(spec.measure, points), spec.measure,
                 alt_text(spec.kind, spec.title, points), points, left_out=left_out)


def subtitle(measure: str, points) -> str:
    """Return 'measure · N figures from K sources · first–last year'."""
    sources = len({p.source for p in points})
    years = sorted(y for p in points for y in p.years if y is not None)
    parts = [measure] if measure else []
    parts.append(f"{len(points)} figure{'s' * (len(points) != 1)} from {sources} source{'s' * (sources != 1)}")
    if years:
        parts.append(f"{years[0]}–{years[-1]}" if years[0] != years[-1] else str(years[0]))
    return " · ".join(parts)


def alt_text(kind: str, title: str, points) -> str:
    """Describe a chart's data in words, for readers who cannot see it."""
    what = {"bar": "Bar chart", "line": "Chart over time", "timeline": "Timeline", "range": "Range chart"}[kind]
    items = "; ".join(f"{p.label}: {display(p)}" + (f" ({p.when})" if p.when and kind != "timeline" else "")
                      for p in points)
    return f"{what}. {title}. {items}."


# --- the stage ------------------------------------------------------------------------------------------

def candidates(corpus: Corpus, sections, db) -> set[str] | None:
    """Return the ids of the passages whose figures the sections' charts can select, found through the
    search index; None when a chart can select any figure in the library.

    A selector's match: and any: words must be in a figure's sentence, so in its passage: the index
    finds those passages, and only their claims are read. A range chart compares every figure."""
    from . import index
    from .select import find

    out: set[str] = set()
    for spec in (s.chart for s in sections if getattr(s, "chart", None)):
        if spec.kind == "range" or db is None:
            return None
        for pin in spec.points:   # the passage holding a pinned figure; pinned() says why if none does
            src = corpus.source(pin.source)
            out.update(p.id for p in corpus.passages_of(src.id)
                       if p.kind in QUOTABLE and find(src.text, pin.text, p.start, p.end))
        sel = spec.select
        if spec.points and not (sel.match or sel.any):
            continue   # with pins and no words, the unit only checks the pins
        query = _fts(sel)
        if query is None:
            return None
        out |= index.ids(db, query)
    return out


def hint(corpus: Corpus, outline, db) -> str:
    """Say, for the figures stage's time limit, how much text it reads and what would make it less."""
    some = candidates(corpus, outline.sections, db)
    ranged = any(s.chart and s.chart.kind == "range" for s in outline.sections if getattr(s, "chart", None))
    if some is None:
        why = "a range chart compares every figure" if ranged else "a chart selects by unit alone"
        return (f"{why}, so all {sum(s.paragraphs for s in corpus.sources):,} paragraphs of "
                f"{len(corpus.sources):,} sources are read; "
                f"give the charts match: words")
    longest = max((corpus.passage(p) for p in some), key=lambda p: len(p.text), default=None)
    return (f"the charts read {len(some):,} passage{'s' * (len(some) != 1)}" + (f"; the longest is {longest.id} ({len(longest.text):,} "
                                                          f"characters): split or shorten it" if longest else ""))


def _fts(sel: Selector) -> str | None:
    """Return an FTS5 query finding every passage that can hold a figure the selector selects, or None."""
    def phrase(term):
        # _term() matches a word's beginning ("thread" finds "threads"): so does a prefix phrase.
        words = re.findall(r"\w+", term)
        return '"' + " ".join(words) + '"*' if words else None

    musts = [phrase(t) for t in sel.match]
    anys = [phrase(t) for t in sel.any]
    if None in musts or None in anys or not (musts or anys):
        return None
    return " AND ".join(musts + (["(" + " OR ".join(anys) + ")"] if anys else []))


def make(corpus: Corpus, outline, *, assets=(), draw: bool = True, db=None, cache=None) -> Figures:
    """Find the claims the outline's charts can select (through the index at db, else every claim),
    compute the charts and, unless told not to, draw them as SVG. cache is a folder for the claims found
    and the charts drawn (a chart drawn before from the same inputs is read back, not drawn)."""
    found = corpus_claims(corpus, candidates(corpus, outline.sections, db), cache=cache)
    charts = make_charts(corpus, outline.sections, tuple(getattr(outline, "disputes", ())), found)
    if draw and charts:
        from .charts import brief_sans, svg

        fonts = brief_sans(assets)
        order = _order(corpus)
        charts = {k: tuple(replace(c, svg=svg(c, fonts=fonts, order=order, cache=cache and Path(cache) / "charts"))
                           if drawable(c) else c for c in v)
                  for k, v in charts.items()}
    return Figures(found, charts)


def pictures(corpus: Corpus, brief, *, assets=()) -> dict[str, bytes]:
    """Draw the brief's charts as PNG images, by chart id, for a Word copy."""
    charts = [c for part in brief.parts for c in part.charts if drawable(c)]
    if not charts:
        return {}
    from .charts import brief_sans, png

    fonts, order = brief_sans(assets), _order(corpus)
    return {c.id: png(c, fonts=fonts, order=order) for c in charts}


def _order(corpus: Corpus) -> dict:
    """Map each source to (index, name): its colour, marker and hatch, the same in every chart."""
    return {s.id: (i, who(s)) for i, s in enumerate(corpus.sources)}


def drawable(c: Chart) -> bool:
    """Tell whether a chart has something to draw: two points or more, or a disputed amount."""
    if c.kind == "range":
        return any(d.points[0].kind in AMOUNT_KINDS for d in c.disputes)
    return len(c.points) > 1


def who(s) -> str:
    """Return how a source is named beside its figures: the author's surname, else a short title."""
    from .brief import short_title

    return s.author.split()[-1] if s.author else short_title(s.title or s.file)


def numbered(c: Chart, cite) -> Chart:
    """Give every point of a chart its own note, in table order; cite(source, par, ref) returns the Note."""
    pts = {p.id: replace(p, note=cite(p.source, p.par, p.id).number) for p in c.points}
    return replace(c, points=tuple(pts.values()),
                   disputes=tuple(replace(d, points=tuple(pts[p.id] for p in d.points)) for d in c.disputes))
