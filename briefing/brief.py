"""The document model: sections with excerpts, numbered Chicago-style notes, a
bibliography and a source register, ready for the templates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

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
    others: tuple[str, ...] = ()   # further sources of a note that combines several citations

    @property
    def sources(self) -> tuple[str, ...]:
        """Return every source the note cites."""
        return (self.source, *self.others)

    @property
    def ref(self) -> Markup:
        """Return the note's call alone: a link to a note printed at an earlier call."""
        return Markup('<a class="call" href="#note-{0}">{0}</a>').format(self.number)

    @property
    def call(self) -> Markup:
        """Return the note as placed in the text: a linked call, then the footnote itself."""
        return self.ref + Markup('<span class="note" id="note-{0}">{1}</span>').format(self.number, self.html)


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
    empty: str = ""              # why it has no excerpt: "none" match, "taken" by other sections, "budget"


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
    baked: frozenset[int] = frozenset()   # notes already placed in the prose and judgments

    @property
    def excerpts(self) -> int:
        """Return how many excerpts are printed."""
        return sum(len(part.items) for part in self.parts)


def public(s: Source) -> Source:
    """Return a source without its internal fields (grade, date note), for a brief to the public."""
    return replace(s, grade="", date_note="")


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
# Words that begin a new phrase: a short title stops before one rather than end inside its phrase.
_PHRASE_START = {"about", "against", "after", "amid", "among", "at", "before", "between", "by", "for", "from",
                 "in", "into", "of", "on", "over", "since", "through", "to", "towards", "under", "with", "without"}


def short_title(title: str) -> str:
    """Return a short title: the main title (before any colon) if it has five words or fewer, else its
    longest opening of two to five words that ends a phrase (at a comma, or before a preposition)."""
    main = re.split(r":\s", title, maxsplit=1)[0].strip()
    words = main.split()
    if len(words) <= 5:
        return main.rstrip(",;")
    for n in range(5, 1, -1):
        if words[n - 1][-1] in ",;" or words[n].lower() in _PHRASE_START:
            cut = words[:n]
            if any(w.lower().rstrip(",;") not in _MINOR for w in cut):   # a phrase ends on a word that counts;
                while cut[-1].lower().rstrip(",;") in _MINOR:               # a title of only short words keeps five
                    cut.pop()
            return " ".join(cut).rstrip(",;")
    return main   # no phrase ends early: the whole main title rather than a cut one


def _quoted(title: str, punct: str) -> Markup:
    # Chicago puts the comma or full stop inside the closing quotation mark.
    return Markup("“{}{}”").format(title, punct)


def _site(s: Source) -> bool:
    """Return whether the source is an entry of a reference site (a wiki), cited by the site's name."""
    return s.type == "reference" and bool(s.outlet) and not s.author


def _outlet(s: Source) -> Markup:
    return Markup("<i>{}</i>").format(s.outlet) + (Markup(" {}").format(s.issue) if s.issue else "")


def _link(url: str) -> Markup:
    return Markup('<a class="url" href="{0}">{0}</a>').format(url)


def _web(s: Source) -> list[Markup]:
    """Return the access date and URL that end a note for a source read online."""
    out = [escape(f"accessed {long_date(s.accessed)}")] if s.accessed else []
    return out + ([_link(s.url)] if s.url else [])


def full_note(s: Source, locator: str) -> Markup:
    """Return the first, full note for a source: Author, “Title,” Outlet, Date, par. N, accessed Date, URL;
    an entry of a reference site as Site, s.v. “Title,” Date, par. N, URL (Chicago 14.233)."""
    if _site(s):
        out = Markup("{}, s.v. ").format(s.outlet)
        tail = []
    else:
        out = Markup("{}, ").format(s.author) if s.author else Markup("")
        tail = [_outlet(s)] if s.outlet else []
    tail += [escape(long_date(s.date)), escape(locator)] + _web(s)
    return out + _quoted(s.title or s.file, ",") + Markup(" ") + Markup(", ").join(tail) + Markup(".")


def short_note(s: Source, locator: str, *, again: bool = False) -> Markup:
    """Return the short note used after the first: Surname, “Short Title,” par. N. A note that
    cites the same source as the note before it (again) drops the title: Surname, par. N —
    Chicago 17 prefers this to "Ibid." (14.34)."""
    if again and s.author:
        return Markup("{}, {}.").format(_surnames(s), locator)
    title = _quoted(short_title(s.title or s.file), ",")
    head = Markup("{}, ").format(_surnames(s)) if s.author else Markup("")
    return head + title + Markup(" {}.").format(locator)


def combined_locator(locators: list[str]) -> str:
    """Return one locator for several places in a source: 'par. 43' and 'par. 45' give 'pars. 43, 45'."""
    places = list(dict.fromkeys(locators))
    if len(places) == 1:
        return places[0]
    if all(p.startswith("par. ") for p in places):
        return "pars. " + ", ".join(p[5:] for p in places)
    return ", ".join(places)


def bibliography_entry(s: Source) -> Markup:
    """Return Author. “Title.” Outlet, Date. Accessed Date. URL. — or the title first when no author is
    named, or the site first for an entry of a reference site: Site. “Title.” Date. URL."""
    if _site(s):
        out = Markup("{}. ").format(s.outlet.rstrip("."))
    else:
        out = Markup("{}. ").format(_inverted(s).rstrip(".")) if s.author else Markup("")
    out += _quoted(s.title or s.file, ".")
    tail = [_outlet(s)] if s.outlet and not _site(s) else []
    tail.append(escape(long_date(s.date)))
    end = Markup(", ").join(tail)
    out += Markup(" ") + end + ("" if end.endswith(".") else Markup("."))
    if s.accessed:
        out += Markup(" Accessed {}.").format(long_date(s.accessed))
    return out + (Markup(" {}.").format(_link(s.url)) if s.url else Markup(""))


def _sort_key(s: Source) -> str:
    return (name_parts(_people(s)[0])[1] if s.author else s.outlet if _site(s) else s.title).casefold().lstrip("“\"'")


def make_brief(corpus: Corpus, outline: Outline, chosen: dict[str, list[Excerpt]], charts: dict | None = None,
               empty: dict[str, str] | None = None) -> Brief:
    """Number the notes in reading order (judgments, then each section's prose, excerpts and
    chart points) and gather the back matter; empty says why a section has no excerpt (see Part)."""
    notes: list[Note] = []
    seen: set[str] = set()
    pinned = {e.id: e for excerpts in chosen.values() for e in excerpts if e.pinned}

    def span(source_id: str, n: int) -> tuple[int, int]:
        p = corpus.passage(f"{source_id}.p{n}")
        return (p.start, p.end) if p else (0, 0)

    excerpts = {e.id: e for found in chosen.values() for e in found}

    def place(source_id: str, n: int, excerpt: str = "") -> tuple[Source, str]:
        s = corpus.source(source_id)
        e = excerpts.get(excerpt)
        return s, locator(s, *((e.start, e.end) if e else span(s.id, n)), n)

    def note(cites: list[tuple[str, int, str]]) -> tuple[Note, bool]:
        """Return the note for citations made at one place in the text, and whether it is new.

        Several citations side by side make one note, a source's places joined ("pars. 43, 45");
        a citation of the same place as the note before it, in the same block (a text, a chart),
        is that note again."""
        runs: list[tuple[Source, list[str]]] = []
        for source_id, n, excerpt in cites:
            s, where = place(source_id, n, excerpt)
            if runs and runs[-1][0].id == s.id:
                runs[-1][1].append(where)
            else:
                runs.append((s, [where]))
        last = notes[-1] if notes else None
        if len(runs) == 1 and last and not last.others and last.source == runs[0][0].id \
                and last.locator == combined_locator(runs[0][1]) and block[0] == block[1]:
            return last, False
        block[1] = block[0]
        texts, before = [], last.sources[-1] if last else ""
        for s, places in runs:
            where = combined_locator(places)
            texts.append(short_note(s, where, again=before == s.id) if s.id in seen else full_note(s, where))
            seen.add(s.id)
            before = s.id
        html = Markup("; ").join(Markup(x[:-1]) for x in texts[:-1]) + (Markup("; ") if len(texts) > 1 else "") \
            + texts[-1]
        source_id, n, excerpt = cites[0]
        notes.append(Note(len(notes) + 1, runs[0][0].id, html, excerpt, n, combined_locator(runs[0][1]),
                          tuple(s.id for s, _ in runs[1:])))
        return notes[-1], True

    block = [0, -1]   # the block being numbered, and the block of the last note

    def cite(source_id: str, n: int, excerpt: str = "") -> Note:
        return note([(source_id, n, excerpt)])[0]

    def start_block() -> None:
        block[0] += 1

    baked: set[int] = set()   # notes printed inside the prose; the templates print only their calls

    def written(text: str, inline: bool = False) -> Markup:
        start_block()
        calls = []
        for group in prose.groups(text, inline=inline):
            found, new = note([(c.key, c.par, "") if c.par else (pinned[c.key].source, pinned[c.key].n, c.key)
                               for c in group])
            calls.append(found.call if new else found.ref)
            baked.add(found.number)
        return prose.render(text, calls, inline=inline)

    findings = tuple(Finding(j, written(j.text, inline=True)) for j in outline.judgments)
    parts = []
    for section in outline.sections:
        text = written(section.text) if section.text else Markup("")
        items = []
        for e in chosen.get(section.id, []):
            start_block()
            items.append(Item(e, cite(e.source, e.n, e.id).number))
        figures = []
        for c in (charts or {}).get(section.id, ()):
            start_block()
            figures.append(numbered(c, cite))
        figures = tuple(figures)
        parts.append(Part(section.id, section.title, tuple(items), text, section.topic, figures,
                          "" if items else (empty or {}).get(section.id, "")))
    cited: dict[str, int] = {}
    for n in notes:
        for source_id in n.sources:
            cited[source_id] = cited.get(source_id, 0) + 1
    listed = corpus.sources if outline.register == "all" else [s for s in corpus.sources if s.id in cited]
    register = []
    for s in listed:
        s = public(s) if outline.public else s
        flags = []
        if s.date_note:
            flags.append(s.date_note)
        if s.date and outline.cutoff and s.date[:len(outline.cutoff)] > outline.cutoff[:len(s.date)]:
            flags.append(f"dated {long_date(s.date)}, after the information cut-off of {long_date(outline.cutoff)}")
        tagged = sum(1 for p in corpus.passages_of(s.id) if p.flags)
        if tagged:
            flags.append(f"{tagged} {'passage' if tagged == 1 else 'passages'} marked unsourced in the original")
        register.append(Row(s, cited.get(s.id, 0), tuple(flags)))
    used = sorted((s for s in corpus.sources if s.id in cited), key=_sort_key)
    return Brief(outline, tuple(parts), tuple(notes), tuple(bibliography_entry(s) for s in used), tuple(register),
                 findings, len(corpus.sources), frozenset(baked))
