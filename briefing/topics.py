"""The topic library: named searches (query, synonyms, exclusions) that outline sections
can use by name. Built-in topics ship as data; a project's topics.yaml adds or replaces."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import yamlio
from .errors import OutlineError
from .schema import Field, List, Map, Obj, Str, by_position, validate

BUILTIN = Path(str(resources.files("briefing.data").joinpath("topics.yaml")))
PROJECT_FILE = "topics.yaml"   # at the project's root, beside seeds/ and outlines/

TERMS = "words or phrases; a trailing * matches any ending"
TOPIC = Obj({
    "title": Field(Str("Default heading of a section that uses this topic."), required=True),
    "doc": Field(Str("What the topic covers, for the analyst reading the library."), default=""),
    "query": Field(Str("Full-text query (SQLite FTS5 syntax) for the topic's core terms."), default=""),
    "synonyms": Field(List(Str("A synonym."), f"More {TERMS}, any of which also matches."), default=[]),
    "exclude": Field(List(Str("An exclusion."), f"Passages containing any of these {TERMS} are never chosen."),
                     default=[]),
}, "One topic.", "topic")

LIBRARY = Obj({
    "topics": Field(Map(TOPIC, "Topics by name; sections refer to them with topic: NAME."), required=True),
}, "A topic library.", "topics")


@dataclass(frozen=True)
class Topic:
    name: str
    title: str
    doc: str
    query: str
    synonyms: tuple[str, ...]
    exclude: tuple[str, ...]
    where: str           # file:line:col of the topic, for errors


def phrase(term: str) -> str:
    """Return a word or phrase as an FTS5 string, keeping a trailing * as a prefix search."""
    prefix = term.endswith("*")
    body = term.rstrip("*").strip().replace('"', '""')
    return f'"{body}"' + ("*" if prefix else "")


def query(topic: Topic | None, refine: str = "", exclude: tuple[str, ...] = ()) -> str:
    """Return the FTS5 query for a section: the topic's terms, narrowed by refine, minus exclusions."""
    positive = refine
    if topic:
        terms = ([f"({topic.query})"] if topic.query else []) + [phrase(s) for s in topic.synonyms]
        positive = " OR ".join(terms)
        if refine:
            positive = f"({positive}) AND ({refine})"
    negative = (topic.exclude if topic else ()) + tuple(exclude)
    if positive and negative:
        return f"({positive}) NOT ({' OR '.join(phrase(n) for n in negative)})"
    return positive


def query_problem(fts: str) -> str | None:
    """Return why SQLite FTS5 rejects a query, or None if it is valid."""
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE VIRTUAL TABLE t USING fts5(heading, text)")
        try:
            db.execute("SELECT * FROM t WHERE t MATCH ?", (fts,)).fetchall()
        except sqlite3.OperationalError as e:
            return str(e)
    return None


def _read(path: Path) -> dict[str, Topic]:
    data = yamlio.load(path, what="topic library")
    if data is None:   # an empty file (or only comments) adds nothing
        return {}
    value, problems = validate(LIBRARY, data, f"{path}:1:1")
    for name, t in ((value or {}).get("topics") or {}).items():
        if t is not None and not (t["query"] or t["synonyms"]):
            problems.append(f"{data['topics'].where(name)}: topics.{name}: needs a query or synonyms")
        elif t is not None and (why := query_problem(query(_topic(name, t, "")))):
            problems.append(f"{data['topics'].where(name)}: topics.{name}: bad query: {why}")
    if problems:
        raise OutlineError(by_position(problems))
    return {name: _topic(name, t, data["topics"].where(name)) for name, t in value["topics"].items()}


def _topic(name: str, t: dict, where: str) -> Topic:
    return Topic(name, t["title"], t["doc"], t["query"], tuple(t["synonyms"]), tuple(t["exclude"]), where)


def load_topics(project_root: Path | None = None) -> dict[str, Topic]:
    """Return the built-in topics, with a project's own topics.yaml added or replacing by name."""
    topics = _read(BUILTIN)
    own = Path(project_root) / PROJECT_FILE if project_root else None
    if own and own.is_file():
        topics |= _read(own)
    return topics
