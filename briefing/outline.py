"""Read and validate an outline: what one audience's brief contains, in what order."""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from . import prose, topics as topic_library
from .errors import OutlineError, at
from .files import real
from .schema import Bool, Choice, Date, Field, Int, List, NoneOr, Obj, Str, by_position, json_schema, validate
from .variants import resolve
from .figspec import CHART, DISPUTE, ChartSpec, DisputeSpec, chart_spec, dispute_specs

# ICD 203 expressions of likelihood, each with its paired synonym, and the band they stand for.
LIKELIHOOD = {
    "almost no chance": "1–5%", "remote": "1–5%",
    "very unlikely": "5–20%", "highly improbable": "5–20%",
    "unlikely": "20–45%", "improbable": "20–45%", "improbably": "20–45%",
    "roughly even chance": "45–55%", "roughly even odds": "45–55%",
    "likely": "55–80%", "probable": "55–80%", "probably": "55–80%",
    "very likely": "80–95%", "highly probable": "80–95%",
    "almost certain": "95–99%", "almost certainly": "95–99%", "nearly certain": "95–99%",
}
CONFIDENCE = ("low", "moderate", "high")
BACK_MATTER = ("bibliography", "register", "method")
CITING = "Markdown; cite with [@quote-id] or [@source-id, par. N]"

QUOTE = Obj({
    "id": Field(Str("Name to cite this quote by in analyst prose; defaults to q1, q2, …",
                    r"[A-Za-z][\w-]*", "a name of letters, digits, - or _")),
    "source": Field(Str("Id of the source in seeds/sources.yaml."), required=True),
    "text": Field(Str("The exact words, as they appear in the source (whitespace may differ)."), required=True),
}, "A quote pinned by the analyst; the build refuses it unless found verbatim.", "quote")

SECTION = Obj({
    "id": Field(Str("Stable id for links and the manifest; defaults to the title in lower case.",
                    r"[a-z0-9][a-z0-9-]*", "lower-case letters, digits and -")),
    "title": Field(Str("Heading printed in the brief and the table of contents; defaults to the topic's title.")),
    "topic": Field(Str("A topic from the library (built-in, or the project's topics.yaml) whose query, "
                       "synonyms and exclusions choose the automatic excerpts.")),
    "query": Field(Str("Full-text query (SQLite FTS5 syntax: words, OR, NOT, \"phrases\", prefix*) "
                       "that chooses automatic excerpts; with a topic, it narrows the topic's."), default=""),
    "exclude": Field(List(Str("A word or phrase; a trailing * matches any ending."),
                          "Never choose a passage containing any of these."), default=[]),
    "text": Field(Str(f"Analyst prose printed before the excerpts ({CITING})."), default=""),
    "excerpts": Field(Int("How many automatic excerpts to add to the pinned quotes.", 0, 50), default=3),
    "quotes": Field(List(QUOTE, "Quotes pinned to this section, printed first."), default=[]),
    "chart": Field(NoneOr(CHART), default=None),
}, "One section of the brief.", "section")

PAGE = Obj({
    "size": Field(Choice(("A4", "letter"), "Paper size; margins are set for each."), default="A4"),
    "duplex": Field(Bool("Print on both sides: sections start on a right-hand page, blank pages say so."),
                    default=False),
    "bleed": Field(Int("Bleed in millimetres for a print shop (0 for none).", 0, 10), default=0),
    "crop_marks": Field(Bool("Print crop and registration marks (needs bleed)."), default=False),
}, "Paper and printing.", "page")

JUDGMENT = Obj({
    "text": Field(Str(f"The judgment, one or two sentences ({CITING})."), required=True),
    "likelihood": Field(Choice(tuple(LIKELIHOOD), "How likely, in the words of the ICD 203 scale."), default=""),
    "confidence": Field(Choice(CONFIDENCE, "Confidence in the judgment (ICD 203)."), default=""),
}, "A key judgment, printed at the front of the brief.", "judgment")

OUTLINE = Obj({
    "extends": Field(Str("Another outline (path relative to this one, inside the project) this one varies: "
                         "its fields and sections apply unless given here; sections given here replace "
                         "theirs by id or are added.")),
    "drop": Field(List(Str("A section id."), "Ids of sections of the extended outline to leave out."), default=[]),
    "order": Field(List(Str("A section id."), "Section ids in the order to print them; the rest follow."),
                   default=[]),
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
    "max_pages": Field(Int("Page budget including cover and markings; 0 for none. The lowest-ranked "
                           "automatic excerpts are dropped until the brief fits.", 0, 1000), default=0),
    "cover": Field(Bool("Print a cover page; without one, the title heads the first page."), default=True),
    "contents": Field(Bool("Print a table of contents."), default=True),
    "back_matter": Field(List(Choice(BACK_MATTER, "A back-matter part."), "Parts printed after the sections."),
                         default=list(BACK_MATTER)),
    "public": Field(Bool("The brief is for the public (the press): the internal fields of the sources, "
                         "reliability grades and notes on their dates, are left out of the brief, its "
                         "manifest and its attached bibliography."), default=False),
    "register": Field(Choice(("cited", "all"), "Which sources the source register, the manifest and the "
                                               "method note list: those the brief cites, or every source in "
                                               "the library."), default="cited"),
    "judgments": Field(List(JUDGMENT, "Key judgments: the bottom line, printed before the sections."), default=[]),
    "sections": Field(List(SECTION, "The sections, in order.", min_items=1), required=True),
    "changes_since": Field(Str("An earlier issue of this brief to compare with: its evidence manifest "
                               "(.evidence.json) or its PDF, as a path inside the project folder, e.g. "
                               "archive/minister-1.0.evidence.json. The brief then prints a \"Changes since "
                               "version X\" annex after its sections: judgments changed, excerpts added or "
                               "dropped, figures changed, sources added. Not inherited by variants.")),
    "disputes": Field(List(DISPUTE, "Quantities whose figures are compared across sources and dates; a "
                                    "section with a range chart shows them."), default=[]),
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
    query: str           # the FTS5 query run: the topic's, narrowed by the section's, minus exclusions
    excerpts: int
    quotes: tuple[Quote, ...]
    topic: str = ""
    text: str = ""       # analyst prose, Markdown with citations
    chart: ChartSpec | None = None


@dataclass(frozen=True)
class Judgment:
    text: str            # Markdown with citations
    likelihood: str = ""
    confidence: str = ""

    @property
    def band(self) -> str:
        """Return the probability band of the likelihood word, e.g. '55–80%'."""
        return LIKELIHOOD.get(self.likelihood, "")


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
    cover: bool = True
    contents: bool = True
    back_matter: tuple[str, ...] = BACK_MATTER
    register: str = "cited"     # or "all": the register lists every source in the library
    public: bool = False        # for the public: no grades or date notes
    judgments: tuple[Judgment, ...] = ()
    disputes: tuple[DisputeSpec, ...] = ()
    changes_since: Path | None = None   # an earlier issue's manifest or PDF, for the changes annex


# The ids the brief gives its own parts, and the patterns of the ids it makes (notes, sources,
# charts, disputes): a section or quote may not take one. A section's automatic excerpts are
# numbered after it (trade-1, trade-2…), so "note" and "dispute" are taken as well.
OWN_IDS = {"cover": "the cover", "contents": "the table of contents", "judgments": "the key judgments",
           "changes": "the changes annex", "bibliography": "the bibliography", "register": "the source register",
           "method": "the method note"}
OWN_PATTERNS = ((re.compile(r"note(?:-\d+)?$"), "the footnotes (note-1, note-2…)"),
                (re.compile(r"src-"), "a source register row (src-…)"), (re.compile(r"chart-"), "a chart (chart-…)"),
                (re.compile(r"dispute(?:-\d+)?$"), "the disputed figures (dispute-1, dispute-2…)"))


def owned(name: str) -> str:
    """Return what part of the brief already goes by id name, or '' if none does."""
    return OWN_IDS.get(name) or next((what for pattern, what in OWN_PATTERNS if pattern.match(name)), "")


def slug(text: str) -> str:
    """Return a lower-case id made from text."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _items(raw, key: str) -> list:
    """Return raw[key] if it is a list, else []: a wrong type is already a reported problem."""
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if isinstance(value, list) else []


def section_id(raw) -> str:
    """Return the id a section goes by: its id, else its topic, else its title in lower case."""
    if not isinstance(raw, dict):
        return ""
    for key in ("id", "topic"):
        if isinstance(raw.get(key), str) and raw[key]:
            return raw[key]
    return slug(str(raw["title"])) if raw.get("title") else ""


def load_outline(path: Path, *, sources: dict[str, int] | set[str] | None = None,
                 topics: dict[str, topic_library.Topic] | None = None, root: Path | None = None) -> Outline:
    """Read an outline and what it extends, reporting every problem at once with file:line:col.

    sources maps each source id to its number of paragraphs (a set of ids skips the paragraph
    check); topics is the topic library; root is the project folder that extends must stay in.
    """
    path = Path(path)
    data, problems = resolve(path, root=Path(root or path.parent), section_id=section_id)
    value, more = validate(OUTLINE, data, f"{path}:1:1")
    problems += more
    if value is None:
        raise OutlineError(by_position(problems))
    # Go on past type errors, so that every problem is reported at once; skip what is unusable.
    for key in ("drop", "order"):
        if value[key] and not value["extends"]:
            problems.append(f"{data.where(key)}: {key}: only an outline that extends another can {key} sections")
    library = topics if topics is not None else topic_library.load_topics()
    sections, ids, quote_ids = [], set(), set()
    # One namespace: sections, quotes and the brief's own parts are all anchors in one document.
    taken = {sid: f"section '{sid}'" for sid in map(section_id, _items(data, "sections")) if sid}
    named = {q["id"] for s in value.get("sections") or [] if s for q in s["quotes"] or [] if q and q["id"]}
    named |= set(taken)   # q1, q2… step around the ids given by hand
    for i, (raw, s) in enumerate(zip(_items(data, "sections"), value.get("sections") or [])):
        if s is None:
            continue
        topic = library.get(s["topic"]) if s["topic"] else None
        if s["topic"] and topic is None:
            problems.append(f"{raw.where('topic')}: sections[{i}].topic: {_unknown_topic(s['topic'], library)}")
        title = s["title"] or (topic.title if topic else "")
        if not title and not s["topic"]:
            problems.append(f"{data['sections'].where(i)}: sections[{i}].title: required (or name a topic)")
        sid = s["id"] or s["topic"] or slug(title)
        key = next((k for k in ("id", "topic", "title") if k in raw), None)
        if sid in ids:
            problems.append(f"{raw.where(key)}: sections[{i}].id: duplicate section id '{sid}'"
                            + ("" if s["id"] else f" (from its {key}; give the section an id)"))
        elif owner := owned(sid):
            problems.append(f"{raw.where(key)}: sections[{i}].id: '{sid}'{'' if s['id'] else f' (from its {key})'} "
                            f"is already the id of {owner}; give the section another id")
        ids.add(sid)
        fts = topic_library.query(topic, s["query"] or "", tuple(s["exclude"] or ()))
        if fts and (why := topic_library.query_problem(fts)):
            key = next((k for k in ("query", "exclude") if s[k]), "topic")
            problems.append(f"{raw.where(key)}: sections[{i}].{key}: bad search query: {why}")
        quotes = []
        for j, (rq, q) in enumerate(zip(_items(raw, "quotes"), s["quotes"] or [])):
            if q is None:
                continue
            qid = q["id"] or next(f"q{n}" for n in range(len(quote_ids) + 1, 10**6) if f"q{n}" not in named)
            if qid in quote_ids:
                problems.append(f"{rq.where('id')}: sections[{i}].quotes[{j}].id: duplicate quote id '{qid}'")
            elif q["id"] and (owner := taken.get(qid) or owned(qid)):
                problems.append(f"{rq.where('id')}: sections[{i}].quotes[{j}].id: '{qid}' is already the id of "
                                f"{owner}; give the quote another id")
            quote_ids.add(qid)
            if sources is not None and q["source"] not in sources:
                problems.append(f"{rq.where('source')}: sections[{i}].quotes[{j}].source: unknown source "
                                f"'{q['source']}' (known: {', '.join(sorted(sources))})")
            quotes.append(Quote(qid, q["source"], q["text"], rq.where("text")))
        chart = chart_spec(raw["chart"], s["chart"], f"sections[{i}].chart", problems, sources) if s["chart"] else None
        sections.append(Section(sid, title, fts, s["excerpts"], tuple(quotes), s["topic"] or "", s["text"], chart))
    for i, raw in enumerate(_items(data, "sections")):
        problems += _cite_problems(raw, f"sections[{i}].text", quote_ids, sources, path)
    for i, raw in enumerate(_items(data, "judgments")):
        problems += _cite_problems(raw, f"judgments[{i}].text", quote_ids, sources, path)
    disputes = dispute_specs(data.get("disputes"), value["disputes"], problems)
    since = _earlier_issue(value["changes_since"], data.where("changes_since"), Path(root or path.parent), problems)
    if problems:
        raise OutlineError(by_position(problems))
    judgments = tuple(Judgment(j["text"], j["likelihood"], j["confidence"]) for j in value["judgments"])
    return Outline(name=path.stem, path=path, sections=tuple(sections), page=Page(**(value["page"] or {})),
                   back_matter=tuple(value["back_matter"]), judgments=judgments,
                   disputes=disputes, changes_since=since,
                   **{k: value[k] for k in ("title", "subtitle", "audience", "marking", "date", "cutoff", "version",
                                            "status", "max_pages", "cover", "contents", "register", "public")})


def _earlier_issue(name: str | None, where: str, root: Path, problems: list[str]) -> Path | None:
    """Return the earlier issue's file named by changes_since, or None; a missing one is a problem."""
    if not name:
        return None
    path = root / name
    try:
        inside, found = real(path).is_relative_to(real(root)), path.is_file()
    except (OSError, ValueError):   # a name too long, a NUL byte
        inside, found = True, False
    if not inside:
        problems.append(f"{where}: changes_since: {name!r} is outside the project ({real(root)})")
    elif not found:
        problems.append(f"{where}: changes_since: no such file {name!r} (looked for {path}); give the "
                        f"evidence manifest or PDF of the earlier issue, relative to the project folder")
    return path


def _unknown_topic(name: str, library: dict) -> str:
    hint = difflib.get_close_matches(name, list(library), n=1)
    extra = f"did you mean '{hint[0]}'?" if hint else f"topics: {', '.join(sorted(library))}"
    return f"unknown topic {name!r} ({extra})"


def _cite_problems(raw, path: str, quote_ids: set[str], sources, outline: Path) -> list[str]:
    """Check the citations in raw's text: quotes must be pinned, paragraphs must exist."""
    text = raw.get("text") if isinstance(raw, dict) else None
    if not isinstance(text, str):
        return []
    # Inherited text can cite a quote whose section the variant dropped or replaced: say which variant.
    variant = f" (in {outline}, which extends {raw.path.name})" if Path(raw.path) != outline else ""
    inline = path.startswith("judgments")   # a judgment is one paragraph: read as it is printed
    cites, bad = prose.citations(text, inline=inline)
    locate = _locator(raw)
    out = [f"{locate(b)}: {path}: malformed citation {b!r}; write [@quote-id] or [@source-id, par. N]"
           for b in bad]
    locate = _locator(raw)
    out += [f"{locate(b)}: {path}: citation {b!r} is inside a link, where no note can go; "
            f"put it after the link" for b in prose.misplaced(text, inline=inline)]
    locate = _locator(raw)
    for c in cites:
        where = f"{locate(c.text)}: {path}: {c.text}"
        if not c.par and c.key not in quote_ids:
            hint = f"; to cite the source, give a paragraph: [@{c.key}, par. N]" if sources and c.key in sources else ""
            out.append(f"{where}: no pinned quote with id '{c.key}'{hint}{variant}")
        elif c.par and sources is not None and c.key not in sources:
            out.append(f"{where}: unknown source '{c.key}' (known: {', '.join(sorted(sources))})")
        elif c.par and isinstance(sources, dict) and c.par > sources[c.key]:
            out.append(f"{where}: source '{c.key}' has paragraphs 1 to {sources[c.key]}")
    return out


def _locator(raw):
    """Return a function giving file:line:col of each needle in raw's text value. Needles are
    looked for from where the last one was found, so that thousands of problems in one text
    cost one pass over the file, not one each."""
    path = Path(raw.path)
    stat = path.stat()
    text, starts = _read(path, stat.st_mtime_ns, stat.st_size)
    line, column = raw.marks["text"]
    begin = cursor = starts[line - 1] + column - 1 if line <= len(starts) else len(text)

    def locate(needle: str) -> str:
        nonlocal cursor
        found = text.find(needle, cursor)
        if found < 0:
            found = text.find(needle, begin)   # written before the last one found
        if found < 0:
            return raw.where("text")   # the citation is broken across lines: point at the text
        cursor = found + len(needle)
        n = bisect.bisect_right(starts, found)
        return at(raw.path, n, found - starts[n - 1] + 1)
    return locate


@functools.lru_cache(maxsize=8)
def _read(path: Path, mtime_ns: int, size: int) -> tuple[str, list[int]]:
    """Return a file's text and the offset where each line starts, read once per version."""
    text = path.read_text("utf-8")
    return text, [0] + [m.end() for m in re.finditer("\n", text)]


def schema_document(topic_names=()) -> dict:
    """Return the outline schema as JSON Schema, listing the topics an outline may name."""
    doc = json_schema(OUTLINE, "briefing outline")
    # A variant takes title, date and sections from the outline it extends.
    doc["anyOf"] = [{"required": ["extends"]}, {"required": doc.pop("required")}]
    if topic_names:
        doc["properties"]["sections"]["items"]["properties"]["topic"]["enum"] = sorted(topic_names)
    return doc
