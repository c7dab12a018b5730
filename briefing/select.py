"""Choose each section's excerpts: pinned quotes anchored to exact offsets, then the
most relevant passages, spread across sources, never repeated."""

from __future__ import annotations

import difflib
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from . import index
from .corpus import QUOTABLE, TAG, Corpus, Passage, printable, tag_flags
from .errors import AnchorError, OutlineError
from .outline import Outline, Quote, Section

MAX_WORDS = 90        # a longer paragraph is cut to its most relevant sentences
MIN_WORDS = 12        # shorter passages are fragments, not excerpts
SEARCH_DEPTH = 200
# bm25 scores only compare within one query: a passage scoring under a quarter of the
# best match merely mentions a term, and spreading across sources must not promote it.
RELEVANCE = 0.25
NEAREST_WORK = 5_000_000   # steps of comparison spent looking for a stale pin's nearest passage (a few seconds)
SUGGEST = 0.6         # a stale quote at least this similar to a passage gets it as a suggestion


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
    topic: str = ""

    @property
    def marked(self) -> str:
        """Return the printed text with … where it was cut from its paragraph, unless the source
        itself marks an omission there ("peoples. ..." gets no second ellipsis)."""
        text = self.display.strip()
        before = self.cut_before and not text.startswith(("...", "…"))
        after = self.cut_after and not text.endswith(("...", "…"))
        return ("… " if before else "") + text + (" …" if after else "")


@functools.lru_cache(maxsize=1024)   # every pin scans its source's paragraphs from the first
def normalized(text: str, start: int, end: int) -> tuple[str, list[int], list[int]]:
    """Return text[start:end] normalised for matching, with each char's original span (not to be changed)."""
    out, starts, ends = [], [], []
    tags = {m.start(): m.end() for m in TAG.finditer(text, start, end)}   # a dict: long lines stay linear
    i = start
    while i < end:
        if i in tags:
            i = tags[i]
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


def anchor(corpus: Corpus, quote: Quote, section: str, topic: str = "") -> Excerpt:
    """Anchor a pinned quote to its exact offsets, or say why it cannot be."""
    source = corpus.source(quote.source)
    for p in corpus.passages_of(source.id):
        if p.kind in QUOTABLE and (span := find(source.text, quote.text, p.start, p.end)):
            start, end = span
            return Excerpt(quote.id, section, source.id, p.id, p.n, start, end, source.text[start:end],
                           printable(source.text[start:end]), True, 0,
                           start > p.start, end < p.end, tag_flags(source.text, start, end), topic)
    for r in corpus.removed_of(source.id):
        if find(source.text, quote.text, r.start, r.end):
            raise AnchorError(f"{quote.where}: quote is from {source.file} but not the source's own words "
                              f"({r.reason}); it cannot be quoted")
    message = f"{quote.where}: quote not found verbatim in {source.file} (source '{source.id}')"
    near = nearest(corpus, source.id, quote.text)
    if near and near[0] >= SUGGEST:
        ratio, p, text = near
        message += f"; nearest is par. {p.n}, {ratio:.0%} similar: {text!r}"
    raise AnchorError(message)


def nearest(corpus: Corpus, source_id: str, quote: str) -> tuple[float, Passage, str] | None:
    """Return the run of sentences in a source most like quote: (similarity, passage, printed text).

    Paragraphs sharing the most words with the quote are tried first, and the search stops
    after NEAREST_WORK steps of comparison: a large source must not make a stale pin hang."""
    want = " ".join(unicodedata.normalize("NFC", quote).split())
    if len(want) > 2000:   # difflib is quadratic; nobody pins a quote that long
        return None
    text = corpus.source(source_id).text
    words = set(want.casefold().split())
    passages = sorted((p for p in corpus.passages_of(source_id) if p.kind in QUOTABLE),
                      key=lambda p: -len(words.intersection(p.clean.casefold().split())))
    best: tuple[float, Passage | None, str] = (0.0, None, "")
    work = 0
    for p in passages:
        spans = p.sentences or ((p.start, p.end),)
        for i in range(len(spans)):
            for j in range(i, len(spans)):
                candidate = printable(text[spans[i][0]:spans[j][1]])
                if len(candidate) > 2 * len(want) + 20:
                    break
                m = difflib.SequenceMatcher(None, want, candidate, autojunk=False)
                # The quick upper bounds skip most candidates without the full comparison, which
                # costs up to a step per pair of characters: count that work against the budget.
                if m.real_quick_ratio() <= best[0]:
                    continue
                work += len(candidate) + len(want)
                if m.quick_ratio() <= best[0]:
                    continue
                work += len(candidate) * len(want) // 4
                if work > NEAREST_WORK:
                    return best if best[1] else None
                if (ratio := m.ratio()) > best[0]:
                    best = (ratio, p, candidate)
    return best if best[1] else None


def _terms(query: str) -> list[str]:
    # Words after NOT say what a section is not about; they must not pull sentences in.
    words = re.findall(r"\w+", re.split(r"\bNOT\b", query)[0].lower())
    return [w[:5] for w in words if w not in {"or", "and", "not", "near"}]


@functools.cache
def standalone() -> dict[str, re.Pattern]:
    """Return the patterns of briefing/data/standalone.yaml: each list as one regex of its words."""
    data = yaml.safe_load(resources.files("briefing.data").joinpath("standalone.yaml").read_text("utf-8"))

    def one(words: list[str]) -> re.Pattern:   # longest first, so "in addition" wins over "in"
        alternatives = (r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
        return re.compile(r"(?:%s)\b" % "|".join(alternatives), re.I)

    return {key: one(words) for key, words in data.items()}


_OPENING = "\"'“‘«(…—–-. "   # what may stand before a sentence's first word


def leans(sentence: str) -> bool:
    """Tell whether a sentence leans on the one before: it opens with a pronoun or a connective."""
    words = standalone()
    first = printable(sentence).lstrip(_OPENING)
    return bool(words["pronouns"].match(first) or words["connectives"].match(first))


def dangles(sentence: str) -> bool:
    """Tell whether a sentence ends on a colon, what it introduces left out."""
    return printable(sentence).endswith(":")


def span(corpus: Corpus, p: Passage, terms: list[str]) -> tuple[int, int] | None:
    """Return the excerpt to print from a passage: the whole paragraph when it is short and stands
    alone, else the run of whole sentences most about the terms within MAX_WORDS that neither starts
    leaning on the sentence before nor ends on a colon; None when there is no such run."""
    text = corpus.source(p.source).text
    sents = p.sentences or ((p.start, p.end),)
    starts = [not leans(text[a:b]) for a, b in sents]
    starts[0] = starts[0] or p.n == 1   # a source's first sentence has nothing before it to lean on
    ends = [not dangles(text[a:b]) for a, b in sents]
    if len(p.clean.split()) <= MAX_WORDS and starts[0] and ends[-1]:
        return p.start, p.end
    best = _best_sentences(text, sents, terms, starts, ends)
    if best is None:
        return None
    start, end = best
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) < MIN_WORDS:
        return None
    if len(words) > 2 * MAX_WORDS:   # one run-on "sentence" longer than any excerpt should be
        end = start + words[MAX_WORDS - 1].end()
    return start, end


def _best_sentences(text: str, sents, terms: list[str], starts: list[bool], ends: list[bool]) -> tuple[int, int] | None:
    """Return the window of whole sentences with the most term hits within MAX_WORDS that may start
    at its first sentence and end at its last."""

    def hits(span):
        words = re.findall(r"\w+", text[span[0]:span[1]].lower())
        return sum(1 for w in words if any(w.startswith(t) for t in terms))

    # Count each sentence once: the windows of a long paragraph overlap.
    lengths, scores = [len(text[a:b].split()) for a, b in sents], [hits(span) for span in sents]
    best, best_score = None, -1.0
    for i in range(len(sents)):
        if not starts[i]:
            continue
        words, score = 0, 0
        for j in range(i, len(sents)):
            words += lengths[j]
            if words > MAX_WORDS and j > i:
                break
            score += scores[j]
            if ends[j] and score > best_score:
                best, best_score = (sents[i][0], sents[j][1]), score
    return best


def choose(corpus: Corpus, section: Section, db: Path, used: set[str], taken: frozenset[str] = frozenset()) -> list[Excerpt]:
    """Pick a section's automatic excerpts: relevant, spread across sources, unused; their ids
    (trade-1, trade-2…) step around the ids taken by sections and pinned quotes."""
    if not section.query or not section.excerpts:
        return []
    terms = _terms(section.query)
    queues: dict[str, list[tuple[Passage, tuple[int, int]]]] = {}
    hits = index.search(db, section.query, limit=SEARCH_DEPTH)
    for hit in hits:
        if hit.score > RELEVANCE * hits[0].score:   # bm25: lower is better, and negative
            break
        p = corpus.passage(hit.passage)
        if p and p.id not in used and len(p.clean.split()) >= MIN_WORDS and (cut := span(corpus, p, terms)):
            queues.setdefault(p.source, []).append((p, cut))
    picked: list[tuple[Passage, tuple[int, int]]] = []
    while len(picked) < section.excerpts and any(queues.values()):
        # One round: the best remaining passage of each source, sources in order of their best.
        for source in list(queues):
            if queues[source] and len(picked) < section.excerpts:
                picked.append(queues[source].pop(0))
    out = []
    ids = (f"{section.id}-{n}" for n in itertools.count(1) if f"{section.id}-{n}" not in taken)
    for rank, ((p, (start, end)), eid) in enumerate(zip(picked, ids), 1):
        used.add(p.id)
        text = corpus.source(p.source).text
        out.append(Excerpt(eid, section.id, p.source, p.id, p.n, start, end,
                           text[start:end], printable(text[start:end]), False, rank,
                           start > p.start, end < p.end, tag_flags(text, start, end), section.topic))
    return out


def shortfall(corpus: Corpus, outline: Outline, db: Path, chosen: dict[str, list[Excerpt]]) -> dict[str, str]:
    """Return why each section that asks for excerpts has none: "none" when no passage matches its
    query well enough to quote, "taken" when the passages that do are quoted in other sections."""
    out = {}
    for section in outline.sections:
        if chosen.get(section.id) or not section.query or not section.excerpts:
            continue
        terms = _terms(section.query)
        hits = index.search(db, section.query, limit=SEARCH_DEPTH)
        quotable = (p for hit in hits if hit.score <= RELEVANCE * hits[0].score
                    and (p := corpus.passage(hit.passage)) and len(p.clean.split()) >= MIN_WORDS and span(corpus, p, terms))
        out[section.id] = "taken" if next(quotable, None) else "none"
    return out


def pinned(corpus: Corpus, outline: Outline) -> dict[str, list[Excerpt]]:
    """Anchor every pinned quote, reporting all that cannot be anchored at once."""
    chosen, problems = {}, []
    for section in outline.sections:
        chosen[section.id] = []
        for q in section.quotes:
            try:
                chosen[section.id].append(anchor(corpus, q, section.id, section.topic))
            except AnchorError as e:
                problems.append(str(e))
    if problems:
        raise OutlineError(problems)
    return chosen


def select(corpus: Corpus, outline: Outline, db: Path) -> dict[str, list[Excerpt]]:
    """Return each section's excerpts: pinned quotes first, then automatic ones."""
    chosen = pinned(corpus, outline)
    used = {e.passage for excerpts in chosen.values() for e in excerpts}
    taken = frozenset(s.id for s in outline.sections) | {q.id for s in outline.sections for q in s.quotes}
    for section in outline.sections:
        chosen[section.id] += choose(corpus, section, db, used, taken)
    return chosen
