"""Load the seeds: metadata from sources.yaml, text cut into passages with exact offsets.

Offsets are indices into the file's text exactly as read with
``open(path, encoding="utf-8", newline="").read()``; nothing here rewrites that
text. Normalisation (NFC, whitespace, maintenance tags) only makes the printed
form of a passage, kept beside its original slice.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import yaml

from . import yamlio
from .progress import Progress
from .errors import SourceError, at
from .files import not_a_file, real
from .schema import date_problem

SOURCE_TYPES = ("analysis", "news", "reference", "opinion")
GRADES = ("A", "B", "C", "D", "E", "F")
MAX_SEED_BYTES = 20_000_000
# sources.yaml is sized for a library of 100,000 sources of up to 40 values (500 bytes) each.
SOURCES_MAX_BYTES = 64_000_000
SOURCES_MAX_VALUES = 4_000_000
QUOTABLE = ("paragraph", "quote", "item")


@dataclass(frozen=True)
class Source:
    id: str
    file: str            # path relative to the project
    sha256: str
    text: str = field(repr=False)
    title: str = ""
    subtitle: str = ""
    outlet: str = ""
    issue: str = ""      # volume and number, e.g. "17, no. 159"
    author: str = ""
    date: str = ""
    date_note: str = ""
    type: str = ""
    grade: str = ""
    url: str = ""
    accessed: str = ""
    authors: tuple[str, ...] = ()   # each person named; author joins them as a note prints them
    key: str = ""        # sha256 of the text, the removal rules and drop lines: what decides the passages
    original: str = ""   # the file the text was extracted from (PDF, HTML, DOCX), relative to the project
    original_sha256: str = ""
    first_page: int = 1  # the printed number of the first page of a paginated source
    paragraphs: int = 0  # how many quotable paragraphs it has: par. 1 to par. N


@dataclass(frozen=True)
class Passage:
    id: str              # "<source>.p<n>" for quotable passages, "<source>.h<k>" for headings
    source: str
    n: int               # paragraph number for the "par. N" locator; 0 for headings
    kind: str            # heading | paragraph | quote | item
    start: int
    end: int
    text: str            # the original slice, byte for byte
    clean: str           # the printable form
    flags: tuple[str, ...] = ()   # maintenance tags found, e.g. ("citation needed",)
    heading: str = ""    # the nearest heading above, for context
    sentences: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Removed:
    source: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True, eq=False)
class Corpus:
    """The sources, and their passages read on demand: a brief that quotes ten sources of a
    library of ten thousand reads the passages of those ten (and of those its charts search)."""

    sources: tuple[Source, ...]
    segmented: Callable[[str], tuple[list[Passage], list[Removed]]] = field(repr=False)  # by source id
    skipped: tuple[str, ...] = ()   # why each seed left out under skip_bad was left out

    def source(self, source_id: str) -> Source:
        """Return the source with this id."""
        return self._by_id[source_id]

    def passages_of(self, source_id: str) -> list[Passage]:
        """Return a source's passages in document order."""
        return self._segments(source_id)[0]

    def removed_of(self, source_id: str) -> list[Removed]:
        """Return what was set aside in a source, in document order."""
        return self._segments(source_id)[1]

    def passage(self, passage_id: str) -> Passage | None:
        """Return the passage with this id ('<source>.p<n>' or '<source>.h<k>'), or None."""
        source_id = passage_id.rpartition(".")[0]
        if source_id not in self._by_id:
            return None
        if source_id not in self._ids:
            self._ids[source_id] = {p.id: p for p in self.passages_of(source_id)}
        return self._ids[source_id].get(passage_id)

    @property
    def passages(self) -> tuple[Passage, ...]:
        """Return every passage of every source: reads the whole library."""
        return tuple(p for s in self.sources for p in self.passages_of(s.id))

    @property
    def removed(self) -> tuple[Removed, ...]:
        """Return everything set aside in every source: reads the whole library."""
        return tuple(r for s in self.sources for r in self.removed_of(s.id))

    def __eq__(self, other) -> bool:
        return isinstance(other, Corpus) and (self.sources, self.passages, self.removed, self.skipped) == \
            (other.sources, other.passages, other.removed, other.skipped)

    __hash__ = None

    # Built once on first use: a lookup per source or per passage must not scan the corpus.
    _by_id = functools.cached_property(lambda self: {s.id: s for s in self.sources})
    _ids = functools.cached_property(lambda self: {})
    _loaded = functools.cached_property(lambda self: {})

    def _segments(self, source_id: str) -> tuple[list[Passage], list[Removed]]:
        if source_id not in self._loaded:
            if source_id not in self._by_id:
                return [], []
            self._loaded[source_id] = self.segmented(source_id)
        return self._loaded[source_id]


@dataclass(frozen=True)
class Rules:
    end_markers: tuple[str, ...]          # lines as seen(): a line equal to one ends the article
    drop_patterns: tuple[tuple[re.Pattern, str], ...]   # RE2 patterns: linear in the line
    min_words: int
    abbreviations: frozenset[str]
    end_patterns: tuple[re.Pattern, ...] = ()   # a line matching one ends the article (a comment thread)
    digest: str = ""     # sha256 of the rules as read: part of every cache key


SUPERSCRIPTS = "\u02b0-\u02ff\u1d2c-\u1dbf\u2070-\u209f"   # where rendered maintenance tags take their letters


def _tag_pattern(tags: list[str]) -> re.Pattern:
    """Compile the maintenance tags into one pattern: "[citation needed]" in brackets, or
    "ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ" in superscript letters standing alone; never a lone superscript (km², 10⁹)."""
    tiny: dict[str, str] = {}   # a letter -> the superscript and modifier letters that print as it
    for c in (c for lo, hi in ((0x02B0, 0x0300), (0x1D2C, 0x1DC0), (0x2070, 0x20A0)) for c in range(lo, hi)):
        plain = unicodedata.normalize("NFKC", chr(c)).lower()
        if len(plain) == 1 and "a" <= plain <= "z":
            tiny[plain] = tiny.get(plain, "") + chr(c)
    letters = "".join(tiny.values())

    def small(word: str) -> str:   # a letter with no superscript form (q) is printed plain
        return "".join(f"[{tiny[ch]}]" if ch in tiny else r"\??" if ch == "?" else
                       "[-–—]" if ch in "-–—" else re.escape(ch) for ch in word)

    tags = sorted({" ".join(t.lower().split()) for t in tags}, key=len, reverse=True)   # the longest first
    bracketed = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in tags)
    superscript = "|".join("[ \u00a0]+".join(small(w) for w in t.split()) for t in tags)
    # The lookahead lets the engine skip plain text at once: 15 times faster on a long seed.
    return re.compile(rf"(?=[\[{letters}])(?:\[\s*(?i:{bracketed})\s*\]|(?<![{letters}])(?:{superscript})(?![{letters}]))")


TAGS = yaml.safe_load(resources.files("briefing.data").joinpath("maintenance_tags.yaml").read_text("utf-8"))["tags"]
TAG = _tag_pattern(TAGS)


def tag_flags(text: str, start: int, end: int) -> tuple[str, ...]:
    """Return the maintenance tags in text[start:end] as words, e.g. ("citation needed", "who?")."""
    return tuple(" ".join(unicodedata.normalize("NFKC", m.group()).strip("[] ").split()).lower()
                 for m in TAG.finditer(text, start, end))


_END = re.compile(r"""[.!?…:]["'”’)\]]*$""")
_LINE = re.compile(r"[^\r\n]+")


RULES = {"end_markers": "a list of lines", "end_patterns": "a list of regular expressions",
         "drop_patterns": "a list of {pattern, reason}", "min_words": "a whole number from 1 to 100",
         "abbreviations": "a list of words"}


def _check_rules(extra, where: str) -> None:
    """Refuse a project's boilerplate: block unless it has the documented shape."""
    if not isinstance(extra, dict):
        raise SourceError(f"{where}: boilerplate: expected a mapping with {', '.join(RULES)}")
    for key, value in extra.items():
        at_key = extra.where(key) if hasattr(extra, "where") else where
        if key not in RULES:
            raise SourceError(f"{at_key}: boilerplate: unknown key '{key}' (allowed: {', '.join(RULES)})")
        if key == "min_words":
            ok = type(value) is int and 1 <= value <= 100
        elif key == "drop_patterns":
            ok = isinstance(value, list) and all(isinstance(p, dict) and set(p) == {"pattern", "reason"}
                                                 and all(isinstance(v, str) for v in p.values()) for p in value)
        else:
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if not ok:
            raise SourceError(f"{at_key}: boilerplate.{key}: expected {RULES[key]}")


def _compile(pattern: str, where: str, key: str):
    """Compile a boilerplate pattern for RE2, which matches in time linear in the line: a
    project's `(a+)+$` must not hang the build on a long line, as Python's engine would."""
    import re2

    try:
        re.compile(pattern)   # Python's message says best what is wrong with the syntax
    except re.error as e:
        raise SourceError(f"{where}: boilerplate.{key}: '{pattern}' is not a regular expression ({e.msg})") from None
    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as e:
        why = e.args[0].decode("utf-8", "replace") if isinstance(e.args[0], bytes) else str(e.args[0])
        raise SourceError(f"{where}: boilerplate.{key}: '{pattern}' cannot be matched in linear time ({why}); "
                          f"write it without back-references or look-around") from None


def load_rules(extra: dict | None = None, *, where: str = "boilerplate") -> Rules:
    """Read the built-in boilerplate rules, extended by a project's own."""
    data = yaml.safe_load(resources.files("briefing.data").joinpath("boilerplate.yaml").read_text("utf-8"))
    extra = {} if extra is None else extra
    _check_rules(extra, where)
    merged = {key: list(data.get(key, [])) + list(extra.get(key, []))
              for key in ("end_markers", "end_patterns", "drop_patterns", "abbreviations")}
    merged["min_words"] = int(extra.get("min_words", data["min_words"]))
    merged["maintenance_tags"] = TAGS   # what printing leaves out: cached passages depend on it
    return Rules(
        end_markers=tuple(seen(m) for m in merged["end_markers"]),
        drop_patterns=tuple((_compile(p["pattern"], where, "drop_patterns"), p["reason"])
                            for p in merged["drop_patterns"]),
        min_words=merged["min_words"],
        abbreviations=frozenset(merged["abbreviations"]),
        end_patterns=tuple(_compile(p, where, "end_patterns") for p in merged["end_patterns"]),
        digest=hashlib.sha256(json.dumps(merged, sort_keys=True, ensure_ascii=False).encode()).hexdigest(),
    )


_EMPHASIS = re.compile(r"(?<!\w)\*(\S(?:[^*]*\S)?)\*(?!\w)")


# Explicit bidi embeddings, overrides and isolates could print a quote in another order
# than its words ("Trojan Source"); the printed form drops them, the manifest keeps them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Return text as it should be printed: tags, bidi overrides and *emphasis* marks removed, NFC, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", _EMPHASIS.sub(r"\1", TAG.sub("", _BIDI.sub("", text)))).split())


# A sentence ends at a stop (a maintenance tag may follow it: "…in Baku.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ In March…")
# or at a line break. Possessive runs keep a long run of dots or quotes linear, not quadratic.
_BOUNDARY = re.compile(rf"(?<![.!?…])[.!?…]++[\"”’')\]]*+(?:[{SUPERSCRIPTS}]++(?: [{SUPERSCRIPTS}]++)*+\??)?(?=\s)|\n")
_NEXT = re.compile(r"\s*[\"“‘'(\[]?(.)", re.S)


@functools.cache
def _lowered(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w.lower() for w in words)


def sentences(text: str, start: int, end: int, abbreviations=frozenset(), *,
              lines: bool = True) -> tuple[tuple[int, int], ...]:
    """Split text[start:end] into sentence spans with absolute offsets.

    With lines, a line break ends a sentence unless the next line starts in lower case;
    without, line breaks are a paragraph's wrapping and end nothing.
    """
    abbreviations = _lowered(frozenset(abbreviations))
    cuts, begin = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        nxt = _NEXT.match(text, m.end(), end)   # matched in place: slicing a long line is quadratic
        if m.group() == "\n":
            if not lines or (nxt and nxt.group(1).islower()):
                continue   # a hard-wrapped line goes on with the sentence
        elif not nxt or not (nxt.group(1).isupper() or nxt.group(1).isdigit()):
            continue
        else:
            word = re.search(r"\S*$", text[max(begin, m.start() - 64):m.start()]).group()
            if len(word) == 1 or "." in word or word.lower() in abbreviations:
                continue   # initials, "U.S." and "Dr." end no sentence
        cuts.append((begin, m.start() if m.group() == "\n" else m.end()))
        begin = m.end()
    cuts.append((begin, end))
    spans = []
    for a, b in cuts:
        a, b = a + len(text[a:b]) - len(text[a:b].lstrip()), a + len(text[a:b].rstrip())
        if a < b:
            spans.append((a, b))
    return tuple(spans)


_BULLET = re.compile(r"^(?:[-–—*•·▪◦‣>]+|#{1,6}|\d{1,3}[.)])\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def seen(line: str, *, printed: bool = False) -> str:
    """Return a line as a person sees it: no bullet or tags, quotes and spacing plain, case-folded."""
    return _BULLET.sub("", line if printed else printable(line)).translate(_QUOTES).casefold()


# A new list item, heading or quote starts a line; joining wrapped lines stops there.
_STARTS_BLOCK = re.compile(r"(?:#{1,6}|>|[*•-]|\d{1,3}[.)])\s")


def wrap_width(lengths: list[int]) -> int:
    """Return the column a hard-wrapped text was wrapped at, or 0 when its lines are not wrapped."""
    # Text wrapped at a column fills most lines to near it; text saved from the web or a
    # word processor has one line per paragraph, of every length.
    if len(lengths) < 4:
        return 0
    width = sorted(lengths)[int(0.9 * (len(lengths) - 1))]
    full = sum(1 for n in lengths if n >= 0.6 * width)
    return width if 30 <= width <= 160 and full >= 0.5 * len(lengths) else 0


def continues(line: str, after: str, width: int) -> bool:
    """Tell whether the line after line goes on with its paragraph (a hard-wrapped or reflowed line)."""
    if _STARTS_BLOCK.match(after) or line.startswith("#"):
        return False
    if after[:1].islower():
        return True   # a sentence does not start in lower case: the line was broken mid-sentence
    # Filled to the margin: the next word did not fit, so the line was wrapped. Proportional
    # type fills a line with fewer or more letters, hence the slack for a line broken mid-sentence.
    fits = len(line) + 1 + len(after.split(maxsplit=1)[0])
    if _END.search(line):
        return bool(width) and fits > width   # else two sentences either side of a break may be two paragraphs
    if line.endswith((",", ";", "-", "–", "—")):
        return True
    return bool(width) and fits > 0.9 * width


def _blank_between(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return gap.count("\n") + gap.count("\r") - gap.count("\r\n") >= 2


TRUNCATED = "truncated: the text ends mid-sentence"
NO_SENTENCE = "no complete sentence (a title, deck or caption)"
DROPPED = "listed under drop: in sources.yaml"


def segment(source: Source, rules: Rules, drop: tuple[str, ...] = (),
            keep: tuple[str, ...] = ()) -> tuple[list[Passage], list[Removed]]:
    """Cut a source into passages, joining wrapped lines and setting page chrome and reader comments aside."""
    text = source.text
    lines = []
    for m in _LINE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and (text[start].isspace() or text[start] == "\ufeff"):
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            lines.append((start, end, printable(text[start:end])))

    drop_set, keep_set = {seen(d) for d in drop}, {seen(k) for k in keep}
    removed: list[Removed] = []

    def remove(start, end, reason):
        removed.append(Removed(source.id, start, end, reason))

    # First the chrome, line by line; then the lines left are joined into paragraphs.
    kept, ended, forced = [], False, set()
    for i, (start, end, clean) in enumerate(lines):
        looks = seen(clean, printed=True)
        if looks in keep_set:   # the analyst's override: the source's own words, whatever a rule says
            kept.append(i)
            forced.add(i)
        elif ended:
            remove(start, end, "after the end of the article (comments, bio or links)")
        elif looks in rules.end_markers or any(p.search(looks) for p in rules.end_patterns):
            ended = True
            remove(start, end, "end of the article")
        elif looks in drop_set:
            remove(start, end, DROPPED)
        elif reason := next((why for pattern, why in rules.drop_patterns if pattern.search(clean)), None):
            remove(start, end, reason)
        elif any(n.startswith(clean) or clean.startswith(n)
                 for n in (lines[j][2] for j in (i - 1, i + 1) if 0 <= j < len(lines))):
            remove(start, end, "repeated line (caption or byline)")
        else:
            kept.append(i)
    width = wrap_width([lines[i][1] - lines[i][0] for i in kept])
    groups: list[list[int]] = []
    for i in kept:
        if (groups and groups[-1][-1] == i - 1 and not _blank_between(text, lines[i - 1][1], lines[i][0])
                and continues(lines[i - 1][2], lines[i][2], width)):
            groups[-1].append(i)
        else:
            groups.append([i])

    passages: list[Passage] = []
    heading, number, headings = "", 0, 0
    for g, group in enumerate(groups):
        start, end = lines[group[0]][0], lines[group[-1]][1]
        kind, body = "paragraph", start
        marker = re.match(r"(#{1,6}|>|[*•-])\s+", text[start:end])
        if marker:
            kind = {"#": "heading", ">": "quote"}.get(marker.group(1)[0], "item")
            body = start + marker.end()
        clean = lines[group[0]][2] if len(group) == 1 and body == start else printable(text[body:end])
        spans = sentences(text, body, end, rules.abbreviations, lines=False) if kind != "heading" else ()
        if kind != "heading" and not forced.intersection(group) and not (
                len(clean.split()) >= rules.min_words and (_END.search(clean) or kind == "item")):
            # Keep every complete sentence: only a text without one is a title, deck or caption.
            whole = [b for a, b in spans if _END.search(text[a:b])]
            if whole and len(printable(text[body:whole[-1]]).split()) >= rules.min_words:
                if g == len(groups) - 1 and whole[-1] < end:   # the file stops mid-sentence
                    tail = whole[-1] + len(text[whole[-1]:end]) - len(text[whole[-1]:end].lstrip())
                    remove(tail, end, TRUNCATED)
                    end, clean = whole[-1], printable(text[body:whole[-1]])
                    spans = tuple(s for s in spans if s[1] <= end)
            elif len(clean.split()) <= 8 and not clean.endswith((",", ";")):
                kind = "heading"
            else:
                remove(start, end, NO_SENTENCE)
                continue
        if kind == "heading":
            headings += 1
            heading = clean
            passages.append(Passage(f"{source.id}.h{headings}", source.id, 0, kind, body, end,
                                    text[body:end], clean))
            continue
        number += 1
        flags = tag_flags(text, body, end)
        passages.append(Passage(f"{source.id}.p{number}", source.id, number, kind, body, end,
                                text[body:end], clean, flags, heading, spans))
    return _drop_pull_quotes(passages, removed)


PULL_QUOTE_CHECKS = 2_000_000   # bounds the search on hostile, repetitive seeds


def _drop_pull_quotes(passages, removed):
    """Set aside a paragraph repeated inside a longer one: a pull quote, not the text."""
    # A paragraph inside another has its inner words whole there too, so it is compared
    # only with passages holding its longest inner word: near linear, not quadratic. A
    # pull quote missed once the budget is spent stays quotable: it is the source's words.
    key = {i: max(p.clean.split()[1:-1], key=len, default="") for i, p in enumerate(passages)
           if p.kind != "heading"}
    holding: dict[str, list[int]] = {w: [] for w in key.values() if w}
    for j, q in enumerate(passages):
        for w in set(q.clean.split()) & holding.keys():
            holding[w].append(j)
    kept, budget = [], PULL_QUOTE_CHECKS
    for i, p in enumerate(passages):
        host = None
        if i in key:
            for j in holding[key[i]] if key[i] else range(len(passages)):
                budget -= 1
                if budget < 0:
                    break
                if len(passages[j].clean) > len(p.clean) and p.clean in passages[j].clean:
                    host = passages[j]
                    break
        if host:
            removed.append(Removed(p.source, p.start, p.end, f"pull quote repeated in par. {host.n}"))
        else:
            kept.append(p)
    # Renumber so "par. N" counts the paragraphs a reader of the article sees.
    out, number = [], 0
    for p in kept:
        if p.kind != "heading":
            number += 1
            p = Passage(f"{p.source}.p{number}", p.source, number, p.kind, p.start, p.end, p.text,
                        p.clean, p.flags, p.heading, p.sentences)
        out.append(p)
    return out, sorted(removed, key=lambda r: r.start)


def read_seed(path: Path, name: str) -> str:
    """Read a seed file as text, refusing empty, binary, huge or non-UTF-8 files."""
    try:
        if why := not_a_file(path):   # a folder or a named pipe would fail or block
            raise SourceError(f"{name}: {why}")
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SourceError(f"{name}: {size:,} bytes; the limit for a seed is {MAX_SEED_BYTES:,}")
        with open(path, "rb") as f:
            data = f.read(MAX_SEED_BYTES + 1)   # the file may grow after stat()
    except OSError as e:
        raise SourceError(f"{name}: cannot read: {e.strerror}") from None
    if len(data) > MAX_SEED_BYTES:
        raise SourceError(f"{name}: more than {MAX_SEED_BYTES:,} bytes; the limit for a seed is {MAX_SEED_BYTES:,}")
    if not data.strip():
        raise SourceError(f"{name}: empty file")
    if b"\0" in data:
        raise SourceError(f"{name}: binary file (contains NUL bytes); seeds must be UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SourceError(f"{at(name, line)}: not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None
    bad = re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]", text)   # a form feed \x0c separates pages
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        hint = " (text decoded from Windows-1252?)" if bad.group() >= "\x80" else ""
        raise SourceError(f"{at(name, line)}: control character U+{ord(bad.group()):04X} in text{hint}")
    return text


FIELDS = ("id", "file", "title", "subtitle", "outlet", "issue", "author", "date", "date_note",
          "type", "grade", "url", "accessed", "drop", "keep", "sha256", "original", "original_sha256", "first_page")


def check_date(value, where: str, *, full: bool = False) -> str:
    """Return a date as written (2016, 2016-08 or 2016-08-24), refusing one that is not a real date."""
    value = str(value).strip()
    problem = date_problem(value, partial=not full)
    if problem:
        raise SourceError(f"{where}: {problem}")
    return value


_AND = re.compile(r",?\s+(?:and|&)\s+|;\s*|,\s+(?=[^,]+\s)")


def split_authors(value, where: str) -> tuple[str, ...]:
    """Return the people in an author field: a YAML list, or names joined by 'and', '&', ';' or commas."""
    if isinstance(value, list):
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise SourceError(f"{where}: author: expected a name or a list of names")
        return tuple(" ".join(v.split()) for v in value)
    value = " ".join(str(value or "").split())
    if re.search(r",\s*(?:Jr|Sr|II|III|IV)\.?$", value):
        return (value,)   # "Martin Luther King, Jr." is one person
    return tuple(n for n in _AND.split(value) if n) if value else ()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_PLAIN = re.compile(r"[\w.,+-]+")


def _inside(seeds: Path, entry, key: str, listing: dict | None = None) -> str:
    """Return the path of the file an entry names, refusing one outside seeds/ (seeds is resolved).
    listing maps the names in seeds/ to their os.DirEntry, read once for the whole library."""
    name = entry[key]
    if _PLAIN.fullmatch(name) and name not in (".", ".."):
        # A plain name in seeds/ that is no symlink is inside: no need to resolve it (slow, 10,000 times),
        # nor to make a Path of it.
        path = os.path.join(seeds, name)
        try:
            if listing is not None and name in listing:
                if not listing[name].is_symlink():
                    return path
            elif not os.path.islink(path):
                return path
        except (OSError, ValueError):
            pass
    try:
        path = real(seeds / entry[key])
    except (OSError, ValueError):   # a NUL byte or a symlink loop
        raise SourceError(f"{entry.where(key)}: {entry[key]!r} is not a usable file name") from None
    if not path.is_relative_to(seeds):
        raise SourceError(f"{entry.where(key)}: '{entry[key]}' is outside {seeds.name}/")
    return str(path)


def _unmatched_drop(source: Source, drop: list[str], removed: list[Removed]) -> int | None:
    """Return the index of the first drop: line that matches no line of the source, or None."""
    wanted = {seen(d): i for i, d in enumerate(drop)}
    for r in removed:
        for line in source.text[r.start:r.end].splitlines():
            wanted.pop(seen(line), None)
    return min(wanted.values(), default=None)


def load_corpus(seeds: Path, *, root: Path | None = None, cache: Path | None = None,
                skip_bad: bool = False) -> Corpus:
    """Load every source listed in seeds/sources.yaml and cut it into passages.

    With a cache folder, a file unchanged since it was last segmented is not read again. With
    skip_bad, a seed that cannot be read as text or has no quotable paragraph is left out and
    named in the corpus's skipped, instead of stopping the library.
    """
    from .segments import Cache

    root = root or seeds.parent
    store = Cache(cache)
    try:
        return _load(seeds, root, store, skip_bad)
    finally:
        store.save()


_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _load(seeds: Path, root: Path, cache, skip_bad: bool) -> Corpus:
    seeds_real, root_real = real(seeds), real(root)
    # seeds/ read once: whether a name is a symlink, and which files are listed nowhere, without a stat each.
    try:
        with os.scandir(seeds_real) as found:
            listing = {e.name: e for e in found}
    except OSError:
        listing = {}   # reading sources.yaml says what is wrong
    under = str(root_real).rstrip(os.sep) + os.sep

    def relative(path: str) -> str:
        return path[len(under):] if path.startswith(under) else str(Path(path).relative_to(root_real))

    index = seeds / "sources.yaml"
    data = yamlio.load(index, what="sources file", max_bytes=SOURCES_MAX_BYTES, max_values=SOURCES_MAX_VALUES,
                       cache=cache.folder / "sources.pickle" if cache.folder else None)
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceError(f"{at(index, 1)}: expected a mapping with a 'sources:' list")
    rules = load_rules(data.get("boilerplate"), where=data.where("boilerplate"))
    sources, seen_ids, originals, skipped, files = [], set(), set(), [], {}
    fresh, recipes = {}, {}   # source id -> (passages, removed) just segmented; -> how to segment it again
    shown = Progress("reading the sources", len(data["sources"]))
    for i, entry in enumerate(data["sources"]):
        shown.step()
        where = data["sources"].where(i)
        if not isinstance(entry, dict):
            raise SourceError(f"{where}: each source must be a mapping")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise SourceError(f"{entry.where(unknown[0])}: unknown field '{unknown[0]}' (allowed: {', '.join(FIELDS)})")
        for key in ("id", "file"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SourceError(f"{entry.where(key)}: source needs a '{key}'")
        if not _ID.fullmatch(entry["id"]):
            raise SourceError(f"{entry.where('id')}: source id '{entry['id']}' must be lower-case letters, digits, - or _")
        if entry["id"] in seen_ids:
            raise SourceError(f"{entry.where('id')}: duplicate source id '{entry['id']}'")
        seen_ids.add(entry["id"])
        if entry.get("type") and entry["type"] not in SOURCE_TYPES:
            raise SourceError(f"{entry.where('type')}: type must be one of {', '.join(SOURCE_TYPES)}; got '{entry['type']}'")
        if entry.get("grade") and str(entry["grade"]) not in GRADES:
            raise SourceError(f"{entry.where('grade')}: grade must be one of A–F; got '{entry['grade']}'")
        drop, keep = entry.get("drop") or [], entry.get("keep") or []
        for key, value in (("drop", drop), ("keep", keep)):
            if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
                raise SourceError(f"{entry.where(key)}: {key}: expected a list of lines")
        path = _inside(seeds_real, entry, "file", listing)
        name = relative(path)
        if name in files:   # each listing would read, segment and hold the whole file again
            raise SourceError(f"{entry.where('file')}: {name} is already source '{files[name]}'; "
                              f"list each file once")
        files[name] = entry["id"]
        meta = {k: str(entry.get(k) or "").strip() for k in ("title", "subtitle", "outlet", "issue", "date_note",
                                                             "type", "grade", "url")}
        if meta["url"] and not re.fullmatch(r"https?://\S+", meta["url"]):
            raise SourceError(f"{entry.where('url')}: url: expected a web address starting with http:// or "
                              f"https://; got {meta['url']!r}")
        for key in ("date", "accessed"):
            if entry.get(key):
                meta[key] = check_date(entry[key], f"{entry.where(key)}: {key}", full=key == "accessed")
        authors = split_authors(entry["author"], entry.where("author")) if entry.get("author") else ()
        first_page = entry.get("first_page", 1)
        if isinstance(first_page, bool) or not isinstance(first_page, int) or not 0 <= first_page <= 1_000_000:
            raise SourceError(f"{entry.where('first_page')}: first_page: expected the printed number of the first "
                              f"page, a whole number; got {first_page!r}")
        sha = cache.sha256(name, path)
        digest = sha and _key(sha, rules, drop, keep)
        hit = sha and cache.segments(name, path, digest)   # (text, paragraphs)
        if hit:
            text = hit[0]
        else:
            try:
                text = (sha and cache.text(name, path)) or read_seed(Path(path), name)
            except SourceError as e:
                if not skip_bad:
                    raise
                skipped.append(str(e))
                continue
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            digest = _key(sha, rules, drop, keep)
        if entry.get("sha256") and entry["sha256"] != sha:
            raise SourceError(f"{entry.where('sha256')}: {name} is not the text that was added (its sha256 "
                              f"differs); restore it, or remove sha256 to accept the change")
        original = original_sha = ""
        if entry.get("original"):
            opath = _inside(seeds_real, entry, "original", listing)
            original = relative(opath)
            if not os.path.isfile(opath):
                raise SourceError(f"{entry.where('original')}: {original}: file not found")
            original_sha = cache.sha256(original, opath)
            if not original_sha:
                original_sha = _sha256(opath)
                cache.put(original, opath, original_sha)
            if entry.get("original_sha256") and entry["original_sha256"] != original_sha:
                raise SourceError(f"{entry.where('original_sha256')}: {original} changed since it was added "
                                  f"(its sha256 differs); run briefing add again")
            originals.add(os.path.basename(opath))
        source = Source(id=entry["id"], file=name, sha256=sha, text=text, author=join_names(authors),
                        authors=authors, key=digest, original=original, original_sha256=original_sha,
                        first_page=first_page, paragraphs=hit[1] if hit else 0, **meta)
        recipes[source.id] = (source, name, tuple(drop), tuple(keep))
        if hit:   # cached only once it passed the checks below, which depend on nothing else
            sources.append(source)
            continue
        ps, rs = segment(source, rules, tuple(drop), tuple(keep))
        if not any(p.kind != "heading" for p in ps):
            if not skip_bad:
                raise SourceError(f"{name}: no quotable paragraph left after removing page chrome")
            skipped.append(f"{name}: no quotable paragraph left after removing page chrome")
            continue
        unmatched = _unmatched_drop(source, drop, rs)
        if unmatched is not None:
            raise SourceError(f"{entry['drop'].where(unmatched)}: drop line matches no line of {name}: "
                              f"{drop[unmatched]!r}")
        found = keep and ({seen(text[p.start:p.end]) for p in ps} | {seen(line) for p in ps
                                                                     for line in p.text.splitlines()})
        for k, line in enumerate(keep):
            if seen(line) not in found:
                raise SourceError(f"{entry['keep'].where(k)}: keep line matches no line of {name}: {line!r}")
        source = replace(source, paragraphs=max((p.n for p in ps), default=0))
        cache.put(name, path, sha, digest, (text, ps, rs), source.paragraphs)
        fresh[source.id] = (ps, rs)
        sources.append(source)
    shown.close()
    listed = {Path(s.file).name for s in sources} | originals | {Path(m.split(":")[0]).name for m in skipped}
    stray = sorted(name for name, e in listing.items()
                   if os.path.splitext(name)[1] in (".txt", ".md") and name not in listed and e.is_file())
    if stray:
        raise SourceError(f"{seeds.name}/{stray[0]}: not listed in {index.name}; add an entry for it")
    reader = cache.reader()

    def segmented(source_id: str):
        if source_id in fresh:
            return fresh.pop(source_id)
        source, name, drop, keep = recipes[source_id]
        return reader(name) or segment(source, rules, drop, keep)   # a cache gone since: cut it again

    return Corpus(tuple(sources), segmented, tuple(skipped))


def _key(sha: str, rules: Rules, drop: list[str], keep: list[str]) -> str:
    """Return what decides a source's passages: its text's hash, the rules, its drop: and keep: lines."""
    return hashlib.sha256("\0".join([sha, rules.digest, *drop, "\1", *keep]).encode("utf-8")).hexdigest()


def join_names(names) -> str:
    """Return names as a note prints them: 'A', 'A and B', 'A, B, and C'."""
    names = list(names)
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + ", and " + names[-1]


def page_span(text: str, start: int, end: int, first: int = 1) -> tuple[int, int] | None:
    """Return the first and last page of text[start:end], counting form feeds from page first;
    None for unpaginated text."""
    if "\f" not in text:
        return None
    return text.count("\f", 0, start) + first, text.count("\f", 0, end) + first


def locator(source: Source, start: int, end: int, par: int) -> str:
    """Return the Chicago locator of a span: 'p. 12' or 'pp. 12–13' in a paginated source, else 'par. N'."""
    pages = page_span(source.text, start, end, source.first_page)
    if not pages:
        return f"par. {par}"
    return f"p. {pages[0]}" if pages[0] == pages[1] else f"pp. {pages[0]}–{pages[1]}"
