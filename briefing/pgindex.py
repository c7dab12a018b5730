"""The shared index: full-text search over passages in PostgreSQL, for a team on one server.

The same contract as the SQLite index (index.sync, index.search): the same passages, keyed by the
same Source.key, and the same ranking, so both give a brief the same excerpts. PostgreSQL matches
through a GIN index on a tsvector; the tokens are FTS5's (ftsquery.terms), stemmed by PostgreSQL's
own Porter stemmer; the rank is FTS5's bm25, computed in SQL over the tsvector's positions
(ts_rank_cd has no inverse document frequency, and would pick other passages than SQLite does).
Several people syncing at once take turns on an advisory lock, each in one transaction.
"""

from __future__ import annotations

import re
from . import ftsquery
from .corpus import QUOTABLE, Corpus
from .errors import BriefingError

# Bump when the tables, the tokens or the ranking change: the tables are then rebuilt.
SCHEMA = "pg4"
K1, B = 1.2, 0.75   # FTS5's bm25 constants

_CREATE = """
CREATE TABLE briefing_meta(key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE briefing_files(source text PRIMARY KEY, key text NOT NULL, passages bigint NOT NULL,
                            tokens bigint NOT NULL);
CREATE TABLE briefing_passages(id text PRIMARY KEY, source text NOT NULL, heading text NOT NULL,
                               text text NOT NULL, tokens integer NOT NULL, tsv tsvector NOT NULL);
CREATE INDEX briefing_passages_source ON briefing_passages(source);
CREATE INDEX briefing_passages_tsv ON briefing_passages USING gin(tsv);
-- The tokens arrive cut and folded as FTS5 cuts them; PostgreSQL stems them (Porter, no stop words).
CREATE TEXT SEARCH DICTIONARY briefing_porter (TEMPLATE = snowball, Language = porter);
CREATE TEXT SEARCH CONFIGURATION briefing_porter (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION briefing_porter ALTER MAPPING FOR asciiword, word, numword WITH briefing_porter;
-- Weighted instances of one phrase in a passage: FTS5's term frequency, heading (A) and text (D).
CREATE FUNCTION briefing_tf(doc tsvector, phrase text[], prefix boolean, weight text, heading float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH t AS (SELECT u.lexeme, x.pos, x.w FROM unnest(doc) u, unnest(u.positions, u.weights) x(pos, w)
             WHERE u.lexeme = ANY(phrase) OR (prefix AND starts_with(u.lexeme, phrase[cardinality(phrase)])))
  SELECT coalesce(sum(CASE s.w WHEN 'A' THEN heading ELSE 1.0::float8 END), 0.0::float8)
  FROM t s
  WHERE (weight = '' OR s.w = weight) AND (s.lexeme = phrase[1] OR (prefix AND cardinality(phrase) = 1 AND starts_with(s.lexeme, phrase[1])))
    AND NOT EXISTS (SELECT 1 FROM generate_series(2, cardinality(phrase)) j WHERE NOT EXISTS (
          SELECT 1 FROM t n WHERE n.pos = s.pos + j - 1 AND n.w = s.w AND (n.lexeme = phrase[j]
            OR (prefix AND j = cardinality(phrase) AND starts_with(n.lexeme, phrase[j])))))
$$;
"""
_DROP = """
DROP TABLE IF EXISTS briefing_meta, briefing_files, briefing_passages;
DROP FUNCTION IF EXISTS briefing_tf(tsvector, text[], boolean, text, float8);
DROP TEXT SEARCH CONFIGURATION IF EXISTS briefing_porter;
DROP TEXT SEARCH DICTIONARY IF EXISTS briefing_porter;
"""
_DOCUMENT = ("setweight(to_tsvector('briefing_porter', hterms), 'A') "
             "|| setweight(to_tsvector('briefing_porter', tterms), 'D')")

# bm25 exactly as FTS5 computes it (fts5_aux.c), in the same order, so the scores agree to the bit.
_SEARCH = """
WITH stats AS (SELECT coalesce(sum(passages), 0) AS n,
                      coalesce(sum(tokens), 0)::float8 / greatest(sum(passages), 1)::float8 AS avgdl
               FROM briefing_files),
leaf AS MATERIALIZED (SELECT l.i, l.q::tsquery AS q, string_to_array(l.lexemes, ' ') AS lexemes, l.prefix, l.weight,
                greatest(ln(((stats.n - h.hits)::float8 + 0.5::float8) / (h.hits::float8 + 0.5::float8)),
                         1e-6::float8) AS idf
         FROM unnest(%(leaves)s::text[], %(lexemes)s::text[], %(prefixes)s::boolean[], %(weight)s::text[])
                WITH ORDINALITY AS l(q, lexemes, prefix, weight, i)
         CROSS JOIN stats
         CROSS JOIN LATERAL (SELECT count(*) AS hits FROM briefing_passages WHERE tsv @@ l.q::tsquery) h),
matched AS MATERIALIZED (SELECT id FROM briefing_passages WHERE tsv @@ %(query)s::tsquery),
-- Only the phrases a passage holds add to its score (a zero adds nothing, even in floating point);
-- each phrase finds its passages through the GIN index, as FTS5 walks a phrase's doclist.
found AS MATERIALIZED (SELECT p.id, p.tokens, leaf.i, leaf.idf,
                 briefing_tf(p.tsv, leaf.lexemes, leaf.prefix, leaf.weight, %(heading)s) AS f
          FROM leaf JOIN briefing_passages p ON p.tsv @@ leaf.q JOIN matched USING (id)),
ranked AS (SELECT id, -1.0::float8 * sum(idf * ((f * (%(k1)s + 1.0::float8))
                      / (f + %(k1)s * (1.0::float8 - %(b)s + %(b)s * tokens::float8 / stats.avgdl))) ORDER BY i) AS score
           FROM found CROSS JOIN stats GROUP BY id
           ORDER BY score, id COLLATE "C" LIMIT %(limit)s)
SELECT p.id, p.source, r.score,
       CASE WHEN length(p.text) <= %(snippet_max)s
            THEN ts_headline('briefing_porter', p.text, %(words)s::tsquery,
                             'StartSel=[, StopSel=], MaxWords=16, MinWords=8, MaxFragments=1, FragmentDelimiter=…')
            ELSE substr(p.text, 1, 100) || '…' END
FROM ranked r JOIN briefing_passages p USING (id) ORDER BY r.score, r.id COLLATE "C"
"""


def is_url(where) -> bool:
    """Say whether an index location names a PostgreSQL database rather than a SQLite file."""
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


def shown(url: str) -> str:
    """Return a database URL fit for a message: without its password."""
    return re.sub(r"(//[^/:@]*):[^/@]*@", r"\1:***@", url)


def _connect(url: str):
    try:
        import psycopg
    except ImportError:
        raise BriefingError(f"{shown(url)}: a PostgreSQL index needs psycopg; "
                            "install it with: pip install 'briefing[postgres]'") from None
    try:
        return psycopg.connect(url, connect_timeout=10)
    except psycopg.Error as e:
        raise BriefingError(f"{shown(url)}: cannot reach the PostgreSQL index: {_first_line(e)}") from None


def _first_line(e: Exception) -> str:
    return next((line.strip() for line in str(e).splitlines() if line.strip()), type(e).__name__)


def _prepare(db) -> None:
    """Create the tables on first use, or rebuild them when this version's schema differs."""
    if db.execute("SELECT to_regclass('briefing_meta')").fetchone()[0]:
        row = db.execute("SELECT value FROM briefing_meta WHERE key = 'schema'").fetchone()
        if row and row[0] == SCHEMA:
            return
    db.execute(_DROP)
    db.execute(_CREATE)
    db.execute("INSERT INTO briefing_meta VALUES ('schema', %s)", (SCHEMA,))


def sync(corpus: Corpus, url: str) -> dict[str, str]:
    """Bring the shared index up to date; re-index only sources whose key changed.

    Returns what happened to each source: 'indexed', 'unchanged' or 'removed'.
    """
    import psycopg

    db = _connect(url)
    try:
        with db, db.transaction():
            # One writer at a time per schema; readers keep seeing the last committed index.
            db.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.briefing index'))")
            _prepare(db)
            known = dict(db.execute("SELECT source, key FROM briefing_files").fetchall())
            report = {}
            changed = []
            for source in corpus.sources:
                report[source.id] = "unchanged" if known.pop(source.id, None) == source.key else "indexed"
                if report[source.id] == "indexed":
                    changed.append(source)
            report |= {gone: "removed" for gone in known}
            if not changed and not known:
                return report
            wanted = {s.id for s in changed}
            rows = {s.id: [p for p in corpus.passages_of(s.id) if p.kind in QUOTABLE] for s in changed}
            db.execute("DELETE FROM briefing_passages WHERE source = ANY(%s)", (list(wanted) + list(known),))
            db.execute("DELETE FROM briefing_files WHERE source = ANY(%s)", (list(wanted) + list(known),))
            db.execute("CREATE TEMP TABLE incoming(id text, source text, heading text, text text, hterms text,"
                       " tterms text, tokens integer) ON COMMIT DROP")
            with db.cursor().copy("COPY incoming FROM STDIN") as copy:
                for source in changed:
                    for p in rows[source.id]:
                        hterms, tterms = ftsquery.terms(p.heading), ftsquery.terms(p.clean)
                        copy.write_row((p.id, p.source, p.heading, p.clean, hterms, tterms,
                                        len(hterms.split()) + len(tterms.split())))
            db.execute(f"INSERT INTO briefing_passages SELECT id, source, heading, text, tokens, {_DOCUMENT} "
                       "FROM incoming")
            db.cursor().executemany("INSERT INTO briefing_files VALUES (%s, %s, %s, %s)",
                           [(s.id, s.key, len(rows[s.id]), 0) for s in changed])
            db.execute("UPDATE briefing_files f SET tokens = t.tokens FROM (SELECT source, sum(tokens) AS tokens "
                       "FROM incoming GROUP BY source) t WHERE f.source = t.source")
            return report
    except psycopg.Error as e:
        raise BriefingError(f"{shown(url)}: PostgreSQL index error: {_first_line(e)}") from None
    finally:
        db.close()


def stems(db, words) -> dict[str, str]:
    """Return each word's lexeme as the index stems it."""
    return dict(db.execute("SELECT w, coalesce(array_to_string(tsvector_to_array(to_tsvector('briefing_porter', w)),"
                           " ' '), w) FROM unnest(%s::text[]) w", (sorted(words),)).fetchall())


def search(url: str, query: str, *, limit: int = 20, heading: float, snippet_max: int) -> list[tuple]:
    """Return (passage, source, bm25, snippet) rows matching an FTS5 query, best first."""
    import psycopg

    from .topics import query_problem

    if why := query_problem(query):   # the query language is FTS5's on both backends, errors too
        raise BriefingError(f"bad search query {query!r}: {why}")
    tree = ftsquery.parse(query)
    leaves = ftsquery.phrases(tree)
    db = _connect(url)
    try:
        with db:
            stem = stems(db, {w for leaf in leaves for w in leaf.words})
            return db.execute(_SEARCH, {
                "query": ftsquery.tsquery(tree, stem),
                # The snippet marks every word asked for: phrases and weights make ts_headline slow.
                "words": " | ".join(sorted({ftsquery.tsquery(ftsquery.Phrase((w,), leaf.prefix and w == leaf.words[-1]),
                                                             stem) for leaf in leaves for w in leaf.words})),
                "leaves": [ftsquery.tsquery(leaf, stem) for leaf in leaves],
                "lexemes": [" ".join(stem[w] for w in leaf.words) for leaf in leaves],
                "prefixes": [leaf.prefix for leaf in leaves],
                "weight": [{"heading": "A", "text": "D"}.get(leaf.column, "") for leaf in leaves],
                "k1": K1, "b": B, "heading": heading, "limit": limit, "snippet_max": snippet_max,
            }).fetchall()
    except psycopg.errors.UndefinedTable:
        raise BriefingError(f"{shown(url)}: the PostgreSQL index is empty; run briefing check to fill it") from None
    except psycopg.Error as e:
        raise BriefingError(f"{shown(url)}: PostgreSQL index error: {_first_line(e)}") from None
    finally:
        db.close()
