"""The segmented corpus, cached per file: a warm load reads no seed it has already read.

A file is known by its name, size, modification time and inode; while those hold, its text and
sha256 come from the cache, and its passages are read from it only when asked for. The passages are kept under the key that decided
them (the text's hash, the removal rules, drop: and keep: lines), so a change of rules
segments the cached text again without reading the file. The cache is only a cache: any
error reading or writing it is ignored, and a damaged one is started again.
"""

from __future__ import annotations

import functools
import marshal
import os
import pickle
import sqlite3
from dataclasses import fields
from contextlib import suppress
from pathlib import Path

from .files import locked, unlinked, unpickle

VERSION = "7"   # bump when Passage, Removed, Claim, segmentation or claims extraction change


class Cache:
    """Cached texts and passages of the seeds, in out/.cache/segments.sqlite."""

    def __init__(self, folder: Path | None):
        self.db, self.rows, self.new, self.new_claims, self.folder = None, None, [], [], folder
        self.stamps: dict[str, str] = {}
        if folder is None:
            return
        path = unlinked(folder / "segments.sqlite")   # a symlink to another database is replaced
        try:
            with locked(folder / "segments.lock"):   # runs started at once take turns to create it
                try:
                    self.db = self._open(path)
                except sqlite3.DatabaseError as e:
                    if "locked" in str(e):   # busy, not broken: do without the cache this time
                        raise
                    path.unlink(missing_ok=True)
                    self.db = self._open(path)
        except (OSError, sqlite3.DatabaseError):
            self.db = None

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)")
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if not version or version[0] != VERSION:   # another layout: start again
            with db:
                db.execute("DROP TABLE IF EXISTS files")
                db.execute("DROP TABLE IF EXISTS claims")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
        db.executescript("""
            CREATE TABLE IF NOT EXISTS files(name TEXT PRIMARY KEY, stat TEXT, sha256 TEXT, key TEXT, text TEXT,
                                             data BLOB, paragraphs INTEGER);
            -- The claims found in a source's passages, by what decided them: {passage id: (Passage or None, [Claim])}.
            CREATE TABLE IF NOT EXISTS claims(key TEXT PRIMARY KEY, data BLOB);
        """)
        return db

    def _row(self, name: str):
        if self.db is None:
            return None
        if self.rows is None:   # one query for the whole library, not one per file
            try:
                self.rows = {r[0]: r[1:] for r in self.db.execute(
                    "SELECT name, stat, sha256, key, text, paragraphs FROM files")}
            except sqlite3.DatabaseError:
                self.db = None
                return None
        return self.rows.get(name)

    def stamp(self, path) -> str:
        """Return a file's stamp (see stamp()), taken once per load: one stat, not one per question."""
        path = str(path)
        if path not in self.stamps:
            self.stamps[path] = stamp(path)
        return self.stamps[path]

    def sha256(self, name: str, path: Path) -> str | None:
        """Return the cached sha256 of a file whose size, time and inode have not changed, else None."""
        row = self._row(name)
        return row[1] if row and row[0] and row[0] == self.stamp(path) else None

    def segments(self, name: str, path: Path, key: str) -> tuple[str, int] | None:
        """Return (text, paragraphs) of a file unchanged and segmented under key, or None; its passages
        are read on demand through reader()."""
        row = self._row(name)
        if not row or row[0] != self.stamp(path) or row[2] != key or row[3] is None:
            return None
        return row[3], row[4]

    def text(self, name: str, path: Path) -> str | None:
        """Return the cached text of an unchanged file (whatever its passages' key), or None."""
        row = self._row(name)
        if not row or row[0] != self.stamp(path) or not row[2]:
            return None
        return row[3]

    def put(self, name: str, path: Path, sha: str, key: str = "", value=None, paragraphs: int = 0) -> None:
        """Remember a file's sha256 and, under key, its (text, passages, removed)."""
        if self.db is not None:
            text, data = (value[0], _pack(*value[1:])) if value is not None else (None, None)
            self.new.append((name, self.stamp(path), sha, key, text, data, paragraphs))

    def reader(self):
        """Return a function reading a file's (passages, removed) from the cache, or None: for after save()."""
        path = self.folder / "segments.sqlite" if self.folder else None
        db = None

        def read(name: str):
            nonlocal db
            if path is None:
                return None
            try:
                db = db or sqlite3.connect(path, timeout=30)
                row = db.execute("SELECT data FROM files WHERE name = ?", (name,)).fetchone()
                return _unpack(row[0]) if row and row[0] else None
            except (sqlite3.DatabaseError, ValueError, TypeError, EOFError):
                return None
        return read

    def claims(self, keys: list[str]) -> dict[str, dict]:
        """Return the claims cached under each of keys that has some: {key: {passage id: [Claim]}}."""
        out = {}
        if self.db is None:
            return out
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self.db.execute(f"SELECT key, data FROM claims WHERE key IN ({','.join('?' * len(chunk))})",
                                       chunk)
                out.update((k, unpickle(data)) for k, data in rows)
        except Exception:   # only a cache: whatever is wrong with it, the claims are found again
            return {}
        return out

    def put_claims(self, key: str, found: dict) -> None:
        """Remember a source's claims, passage by passage."""
        if self.db is not None:
            self.new_claims.append((key, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)))

    def save(self) -> None:
        """Write what was added in one transaction."""
        if self.db is None:
            return
        try:
            with locked(self.folder / "segments.lock"), self.db:
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)", self.new)
                self.db.executemany("INSERT OR REPLACE INTO claims VALUES (?, ?)", self.new_claims)
        except (sqlite3.DatabaseError, OSError):
            pass
        with suppress(sqlite3.DatabaseError):
            self.db.close()
        self.db, self.new, self.new_claims = None, [], []


# Passages are stored as plain tuples (marshal) and made into objects by filling their __dict__:
# three times faster to load than pickled dataclasses, for 150,000 passages in a warm check.

def _pack(passages, removed) -> bytes:
    return marshal.dumps(([astuple_shallow(p) for p in passages], [astuple_shallow(r) for r in removed]))


def astuple_shallow(obj) -> tuple:
    """Return a dataclass's field values in order, not copied."""
    d = obj.__dict__
    return tuple([d[name] for name in _names(type(obj))])


def _unpack(data: bytes):
    from .corpus import Passage, Removed

    passages, removed = marshal.loads(data)
    p_names, r_names = _names(Passage), _names(Removed)
    return [_made(Passage, p_names, t) for t in passages], [_made(Removed, r_names, t) for t in removed]


def _made(cls, names: tuple[str, ...], values: tuple):
    if len(values) != len(names):
        raise ValueError("cached passage from another version")
    obj = object.__new__(cls)
    obj.__dict__.update(zip(names, values))   # a frozen dataclass's fields live in its __dict__
    return obj


@functools.cache
def _names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def stamp(path: Path) -> str:
    """Return what tells that a file changed without reading it: size, modification time, inode."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
