"""Read and validate an outline: what one audience's brief contains, in what order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import yamlio
from .errors import OutlineError
from .schema import Bool, Choice, Date, Field, Int, List, Obj, Str, validate

QUOTE = Obj({
    "id": Field(Str("Name to cite this quote by in analyst prose; defaults to q1, q2, …",
                    r"[A-Za-z][\w-]*", "a name of letters, digits, - or _")),
    "source": Field(Str("Id of the source in seeds/sources.yaml."), required=True),
    "text": Field(Str("The exact words, as they appear in the source (whitespace may differ)."), required=True),
}, "A quote pinned by the analyst; the build refuses it unless found verbatim.", "quote")

SECTION = Obj({
    "id": Field(Str("Stable id for links and the manifest; defaults to the title in lower case.",
                    r"[a-z0-9][a-z0-9-]*", "lower-case letters, digits and -")),
    "title": Field(Str("Heading printed in the brief and the table of contents."), required=True),
    "query": Field(Str("Full-text query (SQLite FTS5 syntax: words, OR, NOT, \"phrases\", prefix*) "
                       "that chooses automatic excerpts."), default=""),
    "excerpts": Field(Int("How many automatic excerpts to add to the pinned quotes.", 0, 50), default=3),
    "quotes": Field(List(QUOTE, "Quotes pinned to this section, printed first."), default=[]),
}, "One section of the brief.", "section")

PAGE = Obj({
    "size": Field(Choice(("A4", "letter"), "Paper size; margins are set for each."), default="A4"),
    "duplex": Field(Bool("Print on both sides: sections start on a right-hand page, blank pages say so."),
                    default=False),
    "bleed": Field(Int("Bleed in millimetres for a print shop (0 for none).", 0, 10), default=0),
    "crop_marks": Field(Bool("Print crop and registration marks (needs bleed)."), default=False),
}, "Paper and printing.", "page")

OUTLINE = Obj({
    "title": Field(Str("Title on the cover and in the PDF metadata."), required=True),
    "subtitle": Field(Str("Line under the title on the cover."), default=""),
    "audience": Field(Str("Who the brief is for, printed on the cover."), default=""),
    "marking": Field(Str("Handling marking printed at the top and bottom of every page, e.g. OFFICIAL."), default=""),
    "date": Field(Date("Issue date; also the PDF's creation date."), required=True),
    "cutoff": Field(Date("Information cut-off date: nothing later was considered."), default=""),
    "version": Field(Str("Version printed on the cover."), default="1"),
    "status": Field(Choice(("draft", "final"), "A DRAFT watermark is printed on every page until final."),
                    default="draft"),
    "page": Field(PAGE, default=None),
    "max_pages": Field(Int("Page budget including cover and markings; 0 for none.", 0, 1000), default=0),
    "sections": Field(List(SECTION, "The sections, in order.", min_items=1), required=True),
}, "A briefing outline: one per audience.", "outline")


@dataclass(frozen=True)
class Quote:
    id: str
    source: str
    text: str
    where: str           # file:line:col of the quote text, for errors


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    query: str
    excerpts: int
    quotes: tuple[Quote, ...]


@dataclass(frozen=True)
class Page:
    size: str = "A4"
    duplex: bool = False
    bleed: int = 0
    crop_marks: bool = False


@dataclass(frozen=True)
class Outline:
    name: str            # the file's stem: names the default output
    path: Path
    title: str
    subtitle: str
    audience: str
    marking: str
    date: str
    cutoff: str
    version: str
    sections: tuple[Section, ...]
    status: str = "draft"
    page: Page = Page()
    max_pages: int = 0


def slug(text: str) -> str:
    """Return a lower-case id made from text."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def load_outline(path: Path, *, sources: set[str] | None = None) -> Outline:
    """Read an outline, reporting every problem at once with file:line:col."""
    path = Path(path)
    data = yamlio.load(path, what="outline")
    value, problems = validate(OUTLINE, data, f"{path}:1:1")
    if value is None or problems:
        raise OutlineError(problems)
    sections, ids, quote_ids = [], set(), set()
    for i, (raw, s) in enumerate(zip(data["sections"], value["sections"])):
        sid = s["id"] or slug(s["title"])
        if sid in ids:
            problems.append(f"{raw.where('id' if 'id' in raw else 'title')}: sections[{i}].id: duplicate section id '{sid}'")
        ids.add(sid)
        quotes = []
        for j, (rq, q) in enumerate(zip(raw.get("quotes") or [], s["quotes"])):
            qid = q["id"] or f"q{len(quote_ids) + 1}"
            if qid in quote_ids:
                problems.append(f"{rq.where('id')}: sections[{i}].quotes[{j}].id: duplicate quote id '{qid}'")
            quote_ids.add(qid)
            if sources is not None and q["source"] not in sources:
                problems.append(f"{rq.where('source')}: sections[{i}].quotes[{j}].source: unknown source "
                                f"'{q['source']}' (known: {', '.join(sorted(sources))})")
            quotes.append(Quote(qid, q["source"], q["text"], rq.where("text")))
        sections.append(Section(sid, s["title"], s["query"], s["excerpts"], tuple(quotes)))
    if problems:
        raise OutlineError(problems)
    return Outline(name=path.stem, path=path, sections=tuple(sections), page=Page(**(value["page"] or {})),
                   **{k: value[k] for k in ("title", "subtitle", "audience", "marking", "date", "cutoff", "version",
                                            "status", "max_pages")})
