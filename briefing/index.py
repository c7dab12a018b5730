"""Full-text search over passages: SQLite FTS5 with bm25, cached and updated per file.

A source is re-indexed when its key changes: the key covers the seed's bytes and the
removal rules (boilerplate and drop: lines), everything that decides its passages.

This module is also the front of the two backends: a project whose index is a
postgresql:// URL (in briefing.yaml or BRIEFING_INDEX_URL) shares one index on a
PostgreSQL server (pgindex.py), with the same functions and the same ranking.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from . import pgindex, yamlio
from .corpus import QUOTABLE, Corpus
from .errors import BriefingError, OutlineError
from .files import inside, locked, unlinked
from .progress import Progress
from .schema import Field, Obj, Str, validate

# Bump when segmentation or the schema changes, so old caches are rebuilt.
SCHEMA = "6"


# A match in the heading a passage sits under counts half as much as one in its text.
HEADING_WEIGHT = 0.5
# FTS5's snippet() is quadratic in the hits of one passage; a longer one shows its opening.
SNIPPET_MAX = 20_000


CONFIG_FILE = "briefing.yaml"    # at the project's root, beside seeds/ and outlines/
ENV = "BRIEFING_INDEX_URL"       # overrides the file, e.g. for one person's run or CI
_WHERE = r"sqlite|postgres(?:ql)?://\S+"
CONFIG = Obj({
    "index": Field(Str("Where the search index lives: sqlite (the default, a cache in out/.cache/) or a "
                       "postgresql://user@host/database URL for a team.", _WHERE,
                       "sqlite or a postgresql:// URL"), default="sqlite"),
}, "The project's settings.", "project")


@dataclass(frozen=True)
class Hit:
    passage: str     # passage id
    source: str
    score: float     # bm25: lower is better
    snippet: str


def location(root: Path) -> Path | str:
    """Return where a project's index lives: a SQLite file under out/, or a PostgreSQL URL."""
    where = os.environ.get(ENV, "").strip()
    if where and not re.fullmatch(_WHERE, where):
        raise BriefingError(f"{ENV}: expected sqlite or a postgresql:// URL, got {where!r}")
    config = Path(root) / CONFIG_FILE
    if not where and config.is_file():
        data = yamlio.load(config, what="project settings")
        value, problems = validate(CONFIG, {} if data is None else data, f"{config}:1:1")
        if problems:
            raise OutlineError(problems)
        where = value["index"]
    return where if where and where != "sqlite" else inside(root, Path(root) / "out") / ".cache" / "index.sqlite"


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(unlinked(path), timeout=30)   # a symlink to another database is replaced
    db.executescript("""
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
        -- Each source's passages hold the rowids first..last: removing a source deletes that range,
        -- since a match on the UNINDEXED source column would scan the whole table once per source.
        CREATE TABLE IF NOT EXISTS files(source TEXT PRIMARY KEY, sha256 TEXT, first INTEGER, last INTEGER);
        CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5(
            id UNINDEXED, source UNINDEXED, heading, text, tokenize='porter unicode61 remove_diacritics 2');
    """)
    return db


def sync(corpus: Corpus, path: Path) -> dict[str, str]:
    """Bring the index at path up to date; re-index only sources whose key changed.

    Returns what happened to each source: 'indexed', 'unchanged' or 'removed'.
    """
    if pgindex.is_url(path):
        return pgindex.sync(corpus, path)
    try:
        with locked(path.with_name(path.name + ".lock")):   # one run at a time creates or updates it
            return _sync(corpus, path)
    except OSError as e:   # e.g. out/ is a file, or read-only
        raise BriefingError(f"{path}: cannot write the search index: {e.strerror or e}") from None


def _sync(corpus: Corpus, path: Path) -> dict[str, str]:
    try:
        db = _open(path)
        version = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if not version or version[0] != SCHEMA:
            db.close()
            path.unlink()
            db = _open(path)
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
        with closing(db), db:
            known = {row[0]: row[1:] for row in db.execute("SELECT source, sha256, first, last FROM files")}
            report = {}
            # Rowids are given, never reused: a new range starts after every range recorded.
            after = db.execute("SELECT coalesce(max(last), 0) FROM files").fetchone()[0]
            shown = Progress("indexing the sources", len(corpus.sources))
            for source in corpus.sources:
                shown.step()
                was = known.pop(source.id, None)
                if was and was[0] == source.key:
                    report[source.id] = "unchanged"
                    continue
                if was:
                    db.execute("DELETE FROM passages WHERE rowid BETWEEN ? AND ?", was[1:])
                rows = [(p.id, p.source, p.heading, p.clean) for p in corpus.passages_of(source.id)
                        if p.kind in QUOTABLE]
                db.executemany("INSERT INTO passages(rowid, id, source, heading, text) VALUES (?, ?, ?, ?, ?)",
                               [(after + i, *row) for i, row in enumerate(rows, 1)])
                db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                           (source.id, source.key, after + 1, after + len(rows)))
                after += len(rows)
                report[source.id] = "indexed"
            shown.close()
            for gone, (_, first, last) in known.items():
                db.execute("DELETE FROM passages WHERE rowid BETWEEN ? AND ?", (first, last))
                db.execute("DELETE FROM files WHERE source = ?", (gone,))
                report[gone] = "removed"
            return report
    except sqlite3.DatabaseError as e:
        # A corrupt or foreign cache file is only a cache: start again.
        if path.exists() and ("malformed" in str(e) or "not a database" in str(e)):
            path.unlink()
            return _sync(corpus, path)
        raise BriefingError(f"{path}: search index error: {e}") from None


def search(path: Path, query: str, *, limit: int = 20) -> list[Hit]:
    """Return passages matching an FTS5 query, best first."""
    limit = max(0, min(limit, 2**62))   # more than there are passages is all of them: a 64-bit LIMIT takes it
    if pgindex.is_url(path):
        return [Hit(*row) for row in pgindex.search(path, query, limit=limit, heading=HEADING_WEIGHT,
                                                     snippet_max=SNIPPET_MAX)]
    with closing(sqlite3.connect(path)) as db:
        try:
            rows = db.execute(
                "SELECT id, source, bm25(passages, 0, 0, ?, 1), CASE WHEN length(text) <= ? "
                "THEN snippet(passages, 3, '[', ']', '…', 16) ELSE substr(text, 1, 100) || '…' END "
                "FROM passages WHERE passages MATCH ? ORDER BY 3, id LIMIT ?",
                (HEADING_WEIGHT, SNIPPET_MAX, query, limit)).fetchall()
        except sqlite3.OperationalError as e:
            raise BriefingError(f"bad search query {query!r}: {e}") from None
    return [Hit(*row) for row in rows]


def ids(path: Path, query: str) -> set[str]:
    """Return the ids of every passage matching an FTS5 query, unranked: candidates for a finer test."""
    with closing(sqlite3.connect(path)) as db:
        try:
            return {row[0] for row in db.execute("SELECT id FROM passages WHERE passages MATCH ?", (query,))}
        except sqlite3.OperationalError as e:
            raise BriefingError(f"bad search query {query!r}: {e}") from None
