"""The document model: sections with excerpts, numbered Chicago-style notes, a
bibliography and a source register, ready for the templates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from . import prose
from .corpus import Corpus, Source, join_names, locator
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
    locator: str = ""    # as printed: "par. 4", or "p. 12" in a paginated source (a PDF)

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
    register: tuple[Row, ...]    # the sources cited, or every source with the outline's register: all
    judgments: tuple[Finding, ...] = ()
    library: int = 0             # sources in the library, cited or not

    @property
    def excerpts(self) -> int:
        """Return how many excerpts are printed."""
        return sum(len(part.items) for part in self.parts)


def long_date(iso: str) -> str:
    """Return '24 August 2016' for '2016-08-24', 'August 2016' for '2016-08', '2016' for '2016', 'n.d.' for ''."""
    if not iso:
        return "n.d."
    if len(iso) == 4:
        return iso
    if len(iso) == 7:
        return f"{dt.date.fromisoformat(iso + '-01'):%B %Y}"
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d:%B %Y}"


def name_parts(author: str) -> tuple[str, str]:
    """Split an author's name into (given names, family name): the family name is the last word."""
    *given, family = author.split() or [""]
    return " ".join(given), family


def _people(s: Source) -> tuple[str, ...]:
    return s.authors or ((s.author,) if s.author else ())


def _surnames(s: Source) -> str:
    """Return the short-note form: 'Traoré', 'Traoré and Dubois', 'Traoré, Dubois, and Ali', 'Traoré et al.'."""
    names = [name_parts(a)[1] for a in _people(s)]
    return f"{names[0]} et al." if len(names) > 3 else join_names(names)


def _inverted(s: Source) -> str:
    """Return the bibliography form: the first person family name first: 'Traoré, Amadou, and Claire Dubois'."""
    first, *rest = _people(s)
    given, family = name_parts(first)
    names = [f"{family}, {given}" if given else first, *rest]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", and " + names[-1]


_MINOR = {"a", "an", "and", "as", "at", "between", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def short_title(title: str) -> str:
    """Return a short title: the main title (before any colon), cut to about five words."""
    words = re.split(r":\s", title, maxsplit=1)[0].split()
    if len(words) > 5:
        cut = words[:5]
        while cut and cut[-1].lower() in _MINOR:
            cut.pop()
        words = cut or words[:5]   # a title of only short words keeps its first five
    return " ".join(words).rstrip(",;")


def _quoted(title: str, punct: str) -> Markup:
    # Chicago puts the comma or full stop inside the closing quotation mark.
    return Markup("“{}{}”").format(title, punct)


def _outlet(s: Source) -> Markup:
    return Markup("<i>{}</i>").format(s.outlet) + (Markup(" {}").format(s.issue) if s.issue else "")


def _link(url: str) -> Markup:
    return Markup('<a class="url" href="{0}">{0}</a>').format(url)


def _web(s: Source) -> list[Markup]:
    """Return the access date and URL that end a note for a source read online."""
    out = [escape(f"accessed {long_date(s.accessed)}")] if s.accessed else []
    return out + ([_link(s.url)] if s.url else [])


def full_note(s: Source, locator: str) -> Markup:
    """Return the first, full note for a source: Author, “Title,” Outlet, Date, par. N, accessed Date, URL."""
    out = Markup("{}, ").format(s.author) if s.author else Markup("")
    tail = [_outlet(s)] if s.outlet else []
    tail += [escape(long_date(s.date)), escape(locator)] + _web(s)
    return out + _quoted(s.title or s.file, ",") + Markup(" ") + Markup(", ").join(tail) + Markup(".")


def short_note(s: Source, locator: str) -> Markup:
    """Return the short note used after the first: Surname, “Short Title,” par. N."""
    title = _quoted(short_title(s.title or s.file), ",")
    head = Markup("{}, ").format(_surnames(s)) if s.author else Markup("")
    return head + title + Markup(" {}.").format(locator)


def bibliography_entry(s: Source) -> Markup:
    """Return Author. “Title.” Outlet, Date. Accessed Date. URL. — or the title first when no author is named."""
    out = Markup("{}. ").format(_inverted(s).rstrip(".")) if s.author else Markup("")
    out += _quoted(s.title or s.file, ".")
    tail = [_outlet(s)] if s.outlet else []
    tail.append(escape(long_date(s.date)))
    end = Markup(", ").join(tail)
    out += Markup(" ") + end + ("" if end.endswith(".") else Markup("."))
    if s.accessed:
        out += Markup(" Accessed {}.").format(long_date(s.accessed))
    return out + (Markup(" {}.").format(_link(s.url)) if s.url else Markup(""))


def _sort_key(s: Source) -> str:
    return (name_parts(_people(s)[0])[1] if s.author else s.title).casefold().lstrip("“\"'")


def make_brief(corpus: Corpus, outline: Outline, chosen: dict[str, list[Excerpt]], charts: dict | None = None) -> Brief:
    """Number the notes in reading order (judgments, then each section's prose, excerpts and
    chart points) and gather the back matter."""
    notes: list[Note] = []
    seen: set[str] = set()
    pinned = {e.id: e for excerpts in chosen.values() for e in excerpts if e.pinned}

    def span(source_id: str, n: int) -> tuple[int, int]:
        p = corpus.passage(f"{source_id}.p{n}")
        return (p.start, p.end) if p else (0, 0)

    excerpts = {e.id: e for found in chosen.values() for e in found}

    def cite(source_id: str, n: int, excerpt: str = "") -> Note:
        s = corpus.source(source_id)
        e = excerpts.get(excerpt)
        where = locator(s, *((e.start, e.end) if e else span(s.id, n)), n)
        html = short_note(s, where) if s.id in seen else full_note(s, where)
        seen.add(s.id)
        notes.append(Note(len(notes) + 1, s.id, html, excerpt, n, where))
        return notes[-1]

    def written(text: str, inline: bool = False) -> Markup:
        calls = [cite(c.key, c.par).call if c.par else cite(pinned[c.key].source, pinned[c.key].n, c.key).call
                 for c in prose.citations(text, inline=inline)[0]]
        return prose.render(text, calls, inline=inline)

    findings = tuple(Finding(j, written(j.text, inline=True)) for j in outline.judgments)
    parts = []
    for section in outline.sections:
        text = written(section.text) if section.text else Markup("")
        items = [Item(e, cite(e.source, e.n, e.id).number) for e in chosen.get(section.id, [])]
        figures = tuple(numbered(c, cite) for c in (charts or {}).get(section.id, ()))
        parts.append(Part(section.id, section.title, tuple(items), text, section.topic, figures))
    cited: dict[str, int] = {}
    for n in notes:
        cited[n.source] = cited.get(n.source, 0) + 1
    listed = corpus.sources if outline.register == "all" else [s for s in corpus.sources if s.id in cited]
    register = []
    for s in listed:
        flags = []
        if s.date_note:
            flags.append(s.date_note)
        if s.date and outline.cutoff and s.date[:len(outline.cutoff)] > outline.cutoff[:len(s.date)]:
            flags.append(f"dated {long_date(s.date)}, after the information cut-off of {long_date(outline.cutoff)}")
        tagged = sum(1 for p in corpus.passages_of(s.id) if p.flags)
        if tagged:
            flags.append(f"{tagged} passage(s) marked unsourced in the original")
        register.append(Row(s, cited.get(s.id, 0), tuple(flags)))
    used = sorted((s for s in corpus.sources if s.id in cited), key=_sort_key)
    return Brief(outline, tuple(parts), tuple(notes), tuple(bibliography_entry(s) for s in used), tuple(register),
                 findings, len(corpus.sources))
