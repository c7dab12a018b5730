"""Choose each section's excerpts: pinned quotes anchored to exact offsets, then the
most relevant passages, spread across sources, never repeated."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import index
from .corpus import QUOTABLE, TAG, Corpus, Passage, printable
from .errors import AnchorError
from .outline import Outline, Quote, Section

MAX_WORDS = 90        # a longer paragraph is cut to its most relevant sentences
MIN_WORDS = 12        # shorter passages are fragments, not excerpts
SEARCH_DEPTH = 200


@dataclass(frozen=True)
class Excerpt:
    id: str
    section: str
    source: str
    passage: str
    n: int               # paragraph number, for "par. N"
    start: int
    end: int
    text: str            # the original slice: source.text[start:end]
    display: str         # what is printed
    pinned: bool
    rank: int            # 0 for pinned quotes, then 1, 2, … by relevance
    cut_before: bool = False   # the excerpt starts inside its paragraph
    cut_after: bool = False
    flags: tuple[str, ...] = ()


def normalized(text: str, start: int, end: int) -> tuple[str, list[int], list[int]]:
    """Return text[start:end] normalised for matching, with each char's original span."""
    out, starts, ends = [], [], []
    tags = [(m.start(), m.end()) for m in TAG.finditer(text, start, end)]
    i = start
    while i < end:
        tag = next((t for t in tags if t[0] == i), None)
        if tag:
            i = tag[1]
            continue
        if text[i].isspace():
            j = i
            while j < end and text[j].isspace():
                j += 1
            if out and out[-1] != " ":
                out.append(" "), starts.append(i), ends.append(j)
            i = j
            continue
        j = i + 1   # a base character and its combining marks compose together
        while j < end and unicodedata.combining(text[j]):
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            out.append(ch), starts.append(i), ends.append(j)
        i = j
    while out and out[-1] == " ":
        out.pop(), starts.pop(), ends.pop()
    return "".join(out), starts, ends


def find(text: str, needle: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Find needle in text[start:end] up to whitespace, NFC and maintenance tags."""
    hay, starts, ends = normalized(text, start, len(text) if end is None else end)
    want = " ".join(unicodedata.normalize("NFC", needle).split())
    at = hay.find(want) if want else -1
    if at < 0:
        return None
    return starts[at], ends[at + len(want) - 1]


def anchor(corpus: Corpus, quote: Quote, section: str) -> Excerpt:
    """Anchor a pinned quote to its exact offsets, or say why it cannot be."""
    source = corpus.source(quote.source)
    for p in corpus.passages_of(source.id):
        if p.kind in QUOTABLE and (span := find(source.text, quote.text, p.start, p.end)):
            start, end = span
            return Excerpt(quote.id, section, source.id, p.id, p.n, start, end, source.text[start:end],
                           printable(source.text[start:end]), True, 0,
                           start > p.start, end < p.end, _flags(source.text, start, end))
    for r in corpus.removed:
        if r.source == source.id and find(source.text, quote.text, r.start, r.end):
            raise AnchorError(f"{quote.where}: quote is from {source.file} but not the source's own words "
                              f"({r.reason}); it cannot be quoted")
    raise AnchorError(f"{quote.where}: quote not found verbatim in {source.file} (source '{source.id}')")


def _flags(text: str, start: int, end: int) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFKC", m.group()) for m in TAG.finditer(text, start, end))


def _terms(query: str) -> list[str]:
    words = re.findall(r"\w+", query.lower())
    return [w[:5] for w in words if w not in {"or", "and", "not", "near"}]


def _trim(corpus: Corpus, p: Passage, terms: list[str]) -> tuple[int, int]:
    """Return the span of the sentences most about the terms, within MAX_WORDS."""
    text = corpus.source(p.source).text
    if len(p.clean.split()) <= MAX_WORDS or not p.sentences:
        return p.start, p.end
    sents = p.sentences

    def hits(span):
        words = re.findall(r"\w+", text[span[0]:span[1]].lower())
        return sum(1 for w in words if any(w.startswith(t) for t in terms))

    best, best_score = (p.start, p.end), -1.0
    for i in range(len(sents)):
        words, score = 0, 0
        for j in range(i, len(sents)):
            words += len(text[sents[j][0]:sents[j][1]].split())
            if words > MAX_WORDS and j > i:
                break
            score += hits(sents[j])
            if score > best_score:
                best, best_score = (sents[i][0], sents[j][1]), score
    return best


def choose(corpus: Corpus, section: Section, db: Path, used: set[str]) -> list[Excerpt]:
    """Pick a section's automatic excerpts: relevant, spread across sources, unused."""
    if not section.query or not section.excerpts:
        return []
    by_id = {p.id: p for p in corpus.passages}
    queues: dict[str, list[Passage]] = {}
    for hit in index.search(db, section.query, limit=SEARCH_DEPTH):
        p = by_id.get(hit.passage)
        if p and p.id not in used and len(p.clean.split()) >= MIN_WORDS:
            queues.setdefault(p.source, []).append(p)
    picked: list[Passage] = []
    while len(picked) < section.excerpts and any(queues.values()):
        # One round: the best remaining passage of each source, sources in order of their best.
        for source in list(queues):
            if queues[source] and len(picked) < section.excerpts:
                picked.append(queues[source].pop(0))
    terms = _terms(section.query)
    out = []
    for rank, p in enumerate(picked, 1):
        used.add(p.id)
        text = corpus.source(p.source).text
        start, end = _trim(corpus, p, terms)
        out.append(Excerpt(f"{section.id}-{rank}", section.id, p.source, p.id, p.n, start, end,
                           text[start:end], printable(text[start:end]), False, rank,
                           start > p.start, end < p.end, _flags(text, start, end)))
    return out


def select(corpus: Corpus, outline: Outline, db: Path) -> dict[str, list[Excerpt]]:
    """Return each section's excerpts: pinned quotes first, then automatic ones."""
    used: set[str] = set()
    chosen = {}
    for section in outline.sections:
        pinned = [anchor(corpus, q, section.id) for q in section.quotes]
        used.update(e.passage for e in pinned)
        chosen[section.id] = pinned
    for section in outline.sections:
        chosen[section.id] += choose(corpus, section, db, used)
    return chosen
