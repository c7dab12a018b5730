"""The document model: sections with excerpts, numbered Chicago-style notes, a
bibliography and a source register, ready for the templates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from . import prose
from .corpus import Corpus, Source
from .figures import numbered
from .outline import Judgment, Outline
from .select import Excerpt


@dataclass(frozen=True)
class Note:
    number: int
    source: str
    html: Markup         # the note as printed
    excerpt: str = ""    # id of the excerpt (or pinned quote) it supports
    par: int = 0         # the paragraph cited

    @property
    def call(self) -> Markup:
        """Return the note as placed in the text: a linked call, then the footnote itself."""
        return Markup('<a class="call" href="#note-{0}">{0}</a><span class="note" id="note-{0}">{1}</span>').format(
            self.number, self.html)


@dataclass(frozen=True)
class Finding:
    judgment: Judgment
    html: Markup         # the judgment's text as printed, notes included


@dataclass(frozen=True)
class Item:
    excerpt: Excerpt
    note: int


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    items: tuple[Item, ...]
    prose: Markup = Markup("")   # the analyst's text, printed before the excerpts
    topic: str = ""
    charts: tuple = ()           # figures.Chart, printed after the excerpts, each point with its note


@dataclass(frozen=True)
class Row:
    source: Source
    cited: int           # how many notes cite it
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Brief:
    outline: Outline
    parts: tuple[Part, ...]
    notes: tuple[Note, ...]
    bibliography: tuple[Markup, ...]
    register: tuple[Row, ...]
    judgments: tuple[Finding, ...] = ()

    @property
    def excerpts(self) -> int:
        """Return how many excerpts are printed."""
        return sum(len(part.items) for part in self.parts)


def long_date(iso: str) -> str:
    """Return '24 August 2016' for '2016-08-24', 'n.d.' for ''."""
    if not iso:
        return "n.d."
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def name_parts(author: str) -> tuple[str, str]:
    """Split an author's name into (given names, family name): the family name is the last word."""
    *given, family = author.split() or [""]
    return " ".join(given), family


def _surname(author: str) -> str:
    return name_parts(author)[1]


def _inverted(author: str) -> str:
    given, family = name_parts(author)
    return f"{family}, {given}" if given else author


_MINOR = {"a", "an", "and", "as", "at", "between", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def short_title(title: str) -> str:
    """Return a short title: the main title (before any colon), cut to about five words."""
    words = re.split(r":\s", title, maxsplit=1)[0].split()
    if len(words) > 5:
        words = words[:5]
        while words[-1].lower() in _MINOR:
            words.pop()
    return " ".join(words).rstrip(",;")


def _quoted(title: str, punct: str) -> Markup:
    # Chicago puts the comma or full stop inside the closing quotation mark.
    return Markup("“{}{}”").format(title, punct)


def _outlet(s: Source) -> Markup:
    return Markup("<i>{}</i>").format(s.outlet) + (Markup(" {}").format(s.issue) if s.issue else "")


def full_note(s: Source, locator: str) -> Markup:
    """Return the first, full note for a source: Author, “Title,” Outlet, Date, par. N."""
    out = Markup("{}, ").format(s.author) if s.author else Markup("")
    tail = [_outlet(s)] if s.outlet else []
    tail += [escape(long_date(s.date)), escape(locator)]
    return out + _quoted(s.title or s.file, ",") + Markup(" ") + Markup(", ").join(tail) + Markup(".")


def short_note(s: Source, locator: str) -> Markup:
    """Return the short note used after the first: Surname, “Short Title,” par. N."""
    title = _quoted(short_title(s.title or s.file), ",")
    head = Markup("{}, ").format(_surname(s.author)) if s.author else Markup("")
    return head + title + Markup(" {}.").format(locator)


def bibliography_entry(s: Source) -> Markup:
    """Return Author. “Title.” Outlet, Date. — or the title first when no author is named."""
    out = Markup("{}. ").format(_inverted(s.author)) if s.author else Markup("")
    out += _quoted(s.title or s.file, ".")
    tail = [_outlet(s)] if s.outlet else []
    tail.append(escape(long_date(s.date)))
    end = Markup(", ").join(tail)
    return out + Markup(" ") + end + ("" if end.endswith(".") else Markup("."))


def _sort_key(s: Source) -> str:
    return (_surname(s.author) or s.title).casefold().lstrip("“\"'")


def make_brief(corpus: Corpus, outline: Outline, chosen: dict[str, list[Excerpt]], charts: dict | None = None) -> Brief:
    """Number the notes in reading order (judgments, then each section's prose, excerpts and
    chart points) and gather the back matter."""
    notes: list[Note] = []
    seen: set[str] = set()
    pinned = {e.id: e for excerpts in chosen.values() for e in excerpts if e.pinned}

    def cite(source_id: str, n: int, excerpt: str = "") -> Note:
        s = corpus.source(source_id)
        html = short_note(s, f"par. {n}") if s.id in seen else full_note(s, f"par. {n}")
        seen.add(s.id)
        notes.append(Note(len(notes) + 1, s.id, html, excerpt, n))
        return notes[-1]

    def written(text: str, inline: bool = False) -> Markup:
        calls = [cite(c.key, c.par).call if c.par else cite(pinned[c.key].source, pinned[c.key].n, c.key).call
                 for c in prose.citations(text)[0]]
        return prose.render(text, calls, inline=inline)

    findings = tuple(Finding(j, written(j.text, inline=True)) for j in outline.judgments)
    parts = []
    for section in outline.sections:
        text = written(section.text) if section.text else Markup("")
        items = [Item(e, cite(e.source, e.n, e.id).number) for e in chosen.get(section.id, [])]
        figures = tuple(numbered(c, cite) for c in (charts or {}).get(section.id, ()))
        parts.append(Part(section.id, section.title, tuple(items), text, section.topic, figures))
    cited = {s.id: sum(1 for n in notes if n.source == s.id) for s in corpus.sources}
    register = []
    for s in corpus.sources:
        flags = []
        if s.date_note:
            flags.append(s.date_note)
        tagged = sum(1 for p in corpus.passages_of(s.id) if p.flags)
        if tagged:
            flags.append(f"{tagged} passage(s) marked unsourced in the original")
        register.append(Row(s, cited[s.id], tuple(flags)))
    used = sorted((s for s in corpus.sources if cited[s.id]), key=_sort_key)
    return Brief(outline, tuple(parts), tuple(notes), tuple(bibliography_entry(s) for s in used), tuple(register),
                 findings)
