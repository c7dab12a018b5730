"""The segmented corpus, cached per file: a warm load reads no seed it has already read.

A file is known by its name, size, modification time and inode; while those hold, its text,
sha256 and passages come from the cache. The passages are kept under the key that decided
them (the text's hash, the removal rules, drop: and keep: lines), so a change of rules
segments the cached text again without reading the file. The cache is only a cache: any
error reading or writing it is ignored, and a damaged one is started again.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path

VERSION = "1"   # bump when Passage, Removed or segmentation change


class Cache:
    """Cached texts and passages of the seeds, in out/.cache/segments.sqlite."""

    def __init__(self, folder: Path | None):
        self.db, self.rows, self.new, self.folder = None, None, [], folder
        if folder is None:
            return
        path = folder / "segments.sqlite"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = self._open(path)
        except (OSError, sqlite3.DatabaseError):
            try:
                path.unlink(missing_ok=True)
                self.db = self._open(path)
            except (OSError, sqlite3.DatabaseError):
                self.db = None

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        db.executescript("""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS files(name TEXT PRIMARY KEY, stat TEXT, sha256 TEXT, key TEXT, data BLOB);
        """)
        version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if not version or version[0] != VERSION:
            with db:
                db.execute("DELETE FROM files")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (VERSION,))
        return db

    def _row(self, name: str):
        if self.db is None:
            return None
        if self.rows is None:   # one query for the whole library, not one per file
            try:
                self.rows = {r[0]: r[1:] for r in self.db.execute("SELECT name, stat, sha256, key FROM files")}
            except sqlite3.DatabaseError:
                self.db = None
                return None
        return self.rows.get(name)

    def sha256(self, name: str, path: Path) -> str | None:
        """Return the cached sha256 of a file whose size, time and inode have not changed, else None."""
        row = self._row(name)
        return row[1] if row and row[0] and row[0] == stamp(path) else None

    def segments(self, name: str, path: Path, key: str):
        """Return (text, passages, removed) cached for the file under key, or None."""
        row = self._row(name)
        if not row or row[0] != stamp(path) or row[2] != key:
            return None
        try:
            (data,) = self.db.execute("SELECT data FROM files WHERE name = ?", (name,)).fetchone()
            return pickle.loads(data)
        except (sqlite3.DatabaseError, pickle.UnpicklingError, TypeError, EOFError, AttributeError):
            return None

    def text(self, name: str, path: Path) -> str | None:
        """Return the cached text of an unchanged file (whatever its passages' key), or None."""
        row = self._row(name)
        if not row or row[0] != stamp(path) or not row[2]:
            return None
        try:
            (data,) = self.db.execute("SELECT data FROM files WHERE name = ?", (name,)).fetchone()
            return pickle.loads(data)[0]
        except (sqlite3.DatabaseError, pickle.UnpicklingError, TypeError, EOFError, AttributeError):
            return None

    def put(self, name: str, path: Path, sha: str, key: str = "", value=None) -> None:
        """Remember a file's sha256 and, under key, its (text, passages, removed)."""
        if self.db is not None:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL) if value is not None else None
            self.new.append((name, stamp(path), sha, key, data))

    def save(self) -> None:
        """Write what was added in one transaction."""
        if self.db is None:
            return
        try:
            if self.new:
                with self.db:
                    self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", self.new)
            self.db.close()
        except (sqlite3.DatabaseError, OSError):
            pass
        self.db, self.new = None, []


def stamp(path: Path) -> str:
    """Return what tells that a file changed without reading it: size, modification time, inode."""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
