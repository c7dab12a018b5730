"""Load the seeds: metadata from sources.yaml, text cut into passages with exact offsets.

Offsets are indices into the file's text exactly as read with
``open(path, encoding="utf-8", newline="").read()``; nothing here rewrites that
text. Normalisation (NFC, whitespace, maintenance tags) only makes the printed
form of a passage, kept beside its original slice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from . import yamlio
from .errors import SourceError, at

SOURCE_TYPES = ("analysis", "news", "reference", "opinion")
GRADES = ("A", "B", "C", "D", "E", "F")
MAX_SEED_BYTES = 20_000_000
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


@dataclass(frozen=True)
class Corpus:
    sources: tuple[Source, ...]
    passages: tuple[Passage, ...]
    removed: tuple[Removed, ...]

    def source(self, source_id: str) -> Source:
        """Return the source with this id."""
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)

    def passages_of(self, source_id: str) -> list[Passage]:
        """Return a source's passages in document order."""
        return [p for p in self.passages if p.source == source_id]


@dataclass(frozen=True)
class Rules:
    end_markers: tuple[str, ...]
    drop_patterns: tuple[tuple[re.Pattern, str], ...]
    min_words: int
    abbreviations: frozenset[str]


# Runs of superscript/modifier letters, e.g. Wikipedia's rendered maintenance tags.
_TINY = "".join(chr(c) for c in range(0x02B0, 0x1E00)
                if unicodedata.category(chr(c)) == "Lm" and unicodedata.name(chr(c), "").startswith("MODIFIER LETTER"))
_TINY += "".join(chr(c) for c in range(0x2070, 0x20A0) if unicodedata.name(chr(c), "").startswith("SUPERSCRIPT"))
_TINY += "\u00b9\u00b2\u00b3\u1d2c\u1d43-\u1d6a\u1d9c-\u1dbf"
TAG = re.compile(f"[{_TINY}]+(?:[ \u00a0][{_TINY}]+)*\\??")
_END = re.compile(r"""[.!?…:]["'”’)\]]*$""")
_LINE = re.compile(r"[^\r\n]+")


RULES = {"end_markers": "a list of lines", "drop_patterns": "a list of {pattern, reason}",
         "min_words": "a whole number from 1 to 100", "abbreviations": "a list of words"}


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


def load_rules(extra: dict | None = None, *, where: str = "boilerplate") -> Rules:
    """Read the built-in boilerplate rules, extended by a project's own."""
    data = yaml.safe_load(resources.files("briefing.data").joinpath("boilerplate.yaml").read_text("utf-8"))
    extra = {} if extra is None else extra
    _check_rules(extra, where)
    markers = list(data["end_markers"]) + list(extra.get("end_markers", []))
    patterns = list(data["drop_patterns"]) + list(extra.get("drop_patterns", []))
    compiled = []
    for p in patterns:
        try:
            compiled.append((re.compile(p["pattern"]), p["reason"]))
        except re.error as e:
            raise SourceError(f"{where}: boilerplate.drop_patterns: '{p['pattern']}' is not a regular "
                              f"expression ({e.msg})") from None
    return Rules(
        end_markers=tuple(m.casefold() for m in markers),
        drop_patterns=tuple(compiled),
        min_words=int(extra.get("min_words", data["min_words"])),
        abbreviations=frozenset(data["abbreviations"]) | frozenset(extra.get("abbreviations", [])),
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
SUPERSCRIPTS = "\u02b0-\u02ff\u1d2c-\u1dbf\u2070-\u209f"   # letters of rendered maintenance tags
_BOUNDARY = re.compile(rf"(?<![.!?…])[.!?…]++[\"”’')\]]*+(?:[{SUPERSCRIPTS}]++(?: [{SUPERSCRIPTS}]++)*+\??)?(?=\s)|\n")
_NEXT = re.compile(r"\s*[\"“‘'(\[]?(.)", re.S)


def sentences(text: str, start: int, end: int, abbreviations=frozenset()) -> tuple[tuple[int, int], ...]:
    """Split text[start:end] into sentence spans with absolute offsets."""
    abbreviations = {a.lower() for a in abbreviations}
    cuts, begin = [], start
    for m in _BOUNDARY.finditer(text, start, end):
        nxt = _NEXT.match(text, m.end(), end)   # matched in place: slicing a long line is quadratic
        if m.group() == "\n":
            if nxt and nxt.group(1).islower():
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


def segment(source: Source, rules: Rules, drop: tuple[str, ...] = ()) -> tuple[list[Passage], list[Removed]]:
    """Cut a source into passages, setting page chrome and reader comments aside."""
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

    drop_set = {d.casefold() for d in drop}
    passages: list[Passage] = []
    removed: list[Removed] = []
    heading, number, headings, ended = "", 0, 0, False

    def remove(start, end, reason):
        removed.append(Removed(source.id, start, end, reason))

    for i, (start, end, clean) in enumerate(lines):
        if ended:
            remove(start, end, "after the end of the article (comments, bio or links)")
            continue
        if clean.casefold() in rules.end_markers:
            ended = True
            remove(start, end, "end of the article")
            continue
        if clean.casefold() in drop_set:
            remove(start, end, "listed under drop: in sources.yaml")
            continue
        reason = next((why for pattern, why in rules.drop_patterns if pattern.search(clean)), None)
        if reason:
            remove(start, end, reason)
            continue
        neighbours = [lines[j][2] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        if any(n.startswith(clean) or clean.startswith(n) for n in neighbours):
            remove(start, end, "repeated line (caption or byline)")
            continue

        kind, body = "paragraph", start
        marker = re.match(r"(#{1,6}|>|[*•-])\s+", text[start:end])
        if marker:
            kind = {"#": "heading", ">": "quote"}.get(marker.group(1)[0], "item")
            body = start + marker.end()
            clean = printable(text[body:end])
        if kind != "heading" and (len(clean.split()) < rules.min_words or not _END.search(clean)):
            kind = "heading" if len(clean.split()) <= 8 and not clean.endswith((",", ";")) else ""
            if not kind:
                remove(start, end, "fragment: not a complete sentence")
                continue
        if kind == "heading":
            headings += 1
            heading = clean
            passages.append(Passage(f"{source.id}.h{headings}", source.id, 0, kind, body, end,
                                    text[body:end], clean))
            continue
        number += 1
        flags = tuple(unicodedata.normalize("NFKC", m.group()) for m in TAG.finditer(text, body, end))
        passages.append(Passage(f"{source.id}.p{number}", source.id, number, kind, body, end,
                                text[body:end], clean, flags, heading,
                                sentences(text, body, end, rules.abbreviations)))
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
        if not path.is_file():   # a folder or a named pipe would fail or block
            raise SourceError(f"{name}: {'file not found' if not path.exists() else 'not a regular file'}")
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
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        hint = " (text decoded from Windows-1252?)" if bad.group() >= "\x80" else ""
        raise SourceError(f"{at(name, line)}: control character U+{ord(bad.group()):04X} in text{hint}")
    return text


FIELDS = ("id", "file", "title", "subtitle", "outlet", "issue", "author", "date", "date_note",
          "type", "grade", "url", "drop")


def load_corpus(seeds: Path, *, root: Path | None = None) -> Corpus:
    """Load every source listed in seeds/sources.yaml and cut it into passages."""
    root = root or seeds.parent
    index = seeds / "sources.yaml"
    data = yamlio.load(index, what="sources file")
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourceError(f"{at(index, 1)}: expected a mapping with a 'sources:' list")
    rules = load_rules(data.get("boilerplate"), where=data.where("boilerplate"))
    sources, passages, removed, seen = [], [], [], set()
    for i, entry in enumerate(data["sources"]):
        where = data["sources"].where(i)
        if not isinstance(entry, dict):
            raise SourceError(f"{where}: each source must be a mapping")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise SourceError(f"{entry.where(unknown[0])}: unknown field '{unknown[0]}' (allowed: {', '.join(FIELDS)})")
        for key in ("id", "file"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SourceError(f"{entry.where(key)}: source needs a '{key}'")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", entry["id"]):
            raise SourceError(f"{entry.where('id')}: source id '{entry['id']}' must be lower-case letters, digits, - or _")
        if entry["id"] in seen:
            raise SourceError(f"{entry.where('id')}: duplicate source id '{entry['id']}'")
        seen.add(entry["id"])
        if entry.get("type") and entry["type"] not in SOURCE_TYPES:
            raise SourceError(f"{entry.where('type')}: type must be one of {', '.join(SOURCE_TYPES)}; got '{entry['type']}'")
        if entry.get("grade") and str(entry["grade"]) not in GRADES:
            raise SourceError(f"{entry.where('grade')}: grade must be one of A–F; got '{entry['grade']}'")
        drop = entry.get("drop") or []
        if not isinstance(drop, list) or not all(isinstance(d, str) for d in drop):
            raise SourceError(f"{entry.where('drop')}: drop: expected a list of lines")
        try:
            path = (seeds / entry["file"]).resolve()
        except (OSError, ValueError):   # a NUL byte or a symlink loop
            raise SourceError(f"{entry.where('file')}: {entry['file']!r} is not a usable file name") from None
        if not path.is_relative_to(seeds.resolve()):
            raise SourceError(f"{entry.where('file')}: '{entry['file']}' is outside {seeds.name}/")
        name = str(path.relative_to(root.resolve()))
        text = read_seed(path, name)
        meta = {k: str(entry.get(k) or "").strip() for k in FIELDS if k not in ("id", "file", "drop")}
        source = Source(id=entry["id"], file=name, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        text=text, **meta)
        ps, rs = segment(source, rules, tuple(drop))
        if not any(p.kind != "heading" for p in ps):
            raise SourceError(f"{name}: no quotable paragraph left after removing page chrome")
        sources.append(source)
        passages += ps
        removed += rs
    listed = {Path(s.file).name for s in sources}
    stray = sorted(p.name for p in seeds.iterdir()
                   if p.is_file() and p.suffix in (".txt", ".md") and p.name not in listed)
    if stray:
        raise SourceError(f"{seeds.name}/{stray[0]}: not listed in {index.name}; add an entry for it")
    return Corpus(tuple(sources), tuple(passages), tuple(removed))
