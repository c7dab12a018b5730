"""The shared index on PostgreSQL: FTS5 queries read faithfully, the same hits and scores as
SQLite on the seeds, several people syncing at once, and the project setting that points to it.

The shared selection tests (test_topics, test_golden, test_cli's search, test_corpus's cache) run
on both backends through the `backend` fixtures in conftest.py.
"""

import dataclasses
import re
import threading
from pathlib import Path

import pytest

from briefing import ftsquery, index
from briefing.corpus import load_corpus
from briefing.errors import BriefingError
from briefing.topics import load_topics, query
from conftest import ROOT


def tsquery(fts: str) -> str:
    tree = ftsquery.parse(fts)
    return ftsquery.tsquery(tree, {w: w for p in ftsquery.phrases(tree) for w in p.words})


@pytest.mark.parametrize("fts, want", [
    ("drone", "'drone'"),
    ("Iran*", "'iran':*"),                                      # a prefix stays a prefix, never a bare word
    ('"nuclear prog"*', "(('nuclear':A <-> 'prog':*A) | ('nuclear':D <-> 'prog':*D))"),
    ('"Shi\'ite"', "(('shi':A <-> 'ite':A) | ('shi':D <-> 'ite':D))"),   # cut where FTS5 cuts
    ('"Ilham Əliyev"', "(('ilham':A <-> 'əliyev':A) | ('ilham':D <-> 'əliyev':D))"),
    ('"café"', "'cafe'"),                                       # diacritics removed, as remove_diacritics 2
    ("a b OR c", "(('a' & 'b') | 'c')"),                        # side by side binds tighter than OR
    ("a OR b NOT c", "('a' | ('b' & !('c')))"),                 # NOT binds tighter than OR
    ("(a OR b) NOT (c OR d)", "(('a' | 'b') & !(('c' | 'd')))"),
    ("a AND b OR c AND d", "(('a' & 'b') | ('c' & 'd'))"),
    ('"a" + "b c"', "(('a':A <-> 'b':A <-> 'c':A) | ('a':D <-> 'b':D <-> 'c':D))"),
    ("heading: embassy", "(('embassy':A))"),
    ('text: "oil pipeline"', "(('oil':D <-> 'pipeline':D))"),
])
def test_fts5_syntax_becomes_the_same_tsquery(fts, want):
    assert tsquery(fts) == want


@pytest.mark.parametrize("fts, what", [("NEAR(a b, 3)", "NEAR"), ("^start", "^ (start of column)"),
                                       ("{heading text}: a", "a column filter list")])
def test_fts5_syntax_postgres_cannot_say_is_refused_in_one_line(fts, what):
    with pytest.raises(BriefingError, match=rf"^search query .*: {re.escape(what)} is not supported by the PostgreSQL index$"):
        tsquery(fts)


def test_terms_cut_like_unicode61():
    assert ftsquery.terms("Counter-terrorism, 1.5% of x_y's Ca\u0301fe\u0301 «Ölçü»") == \
        "counter terrorism 1 5 of x y s cafe olcu"


QUERIES = ['"diplomatic relations"', "Harop", "estimat*", "estimate*", "Iran* NOT nuclear", "oil AND pipeline",
           "heading: Military", 'text: "arms sales"', "drone OR missile OR radar", '"Shi\'ite" OR Shia',
           "air + defence", "bomb plot", "a", "1991", "Tel Aviv"]


def test_postgres_and_sqlite_give_the_same_hits_and_scores(tmp_path, pg_url):
    corpus = load_corpus(ROOT / "seeds", root=ROOT)
    index.sync(corpus, tmp_path / "index.sqlite")
    assert set(index.sync(corpus, pg_url).values()) == {"indexed"}
    queries = QUERIES + [query(t) for t in load_topics(ROOT).values()]
    for q in queries:
        want = [(h.passage, h.source, h.score) for h in index.search(tmp_path / "index.sqlite", q, limit=500)]
        got = [(h.passage, h.source, h.score) for h in index.search(pg_url, q, limit=500)]
        assert got == want, q   # bm25 to the bit, ties broken by passage id
    assert not index.search(pg_url, "estimat*")   # FTS5 stems a prefix before matching: estimat* finds nothing
    hit = index.search(pg_url, '"diplomatic relations"', limit=1)[0]
    assert "[diplomatic] [relations]" in hit.snippet


def test_several_people_syncing_at_once_build_one_index(pg_url):
    corpus = load_corpus(ROOT / "seeds", root=ROOT)
    reports, errors = [], []

    def one():
        try:
            reports.append(index.sync(corpus, pg_url))
        except Exception as e:   # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # One of them indexed everything; the others waited on the lock and found it done.
    assert sorted(set(r.values()) for r in reports) == [{"indexed"}] + [{"unchanged"}] * 3
    hits = index.search(pg_url, '"diplomatic relations"', limit=100)
    assert len({h.passage for h in hits}) == len(hits) > 0


def test_a_removed_seed_leaves_the_shared_index(pg_url):
    corpus = load_corpus(ROOT / "seeds", root=ROOT)
    index.sync(corpus, pg_url)
    gone = corpus.sources[0].id
    fewer = dataclasses.replace(corpus, sources=corpus.sources[1:])
    assert index.sync(fewer, pg_url)[gone] == "removed"
    assert all(h.source != gone for h in index.search(pg_url, "Azerbaijan", limit=1000))


def test_project_setting_points_the_index_at_postgres(tmp_path, monkeypatch):
    monkeypatch.delenv(index.ENV, raising=False)
    assert index.location(tmp_path) == tmp_path / "out" / ".cache" / "index.sqlite"
    (tmp_path / "briefing.yaml").write_text("# the team's library\nindex: postgresql://analyst@db/briefing\n")
    assert index.location(tmp_path) == "postgresql://analyst@db/briefing"
    monkeypatch.setenv(index.ENV, "sqlite")   # one person's run, or CI, may override the file
    assert index.location(tmp_path) == tmp_path / "out" / ".cache" / "index.sqlite"


@pytest.mark.parametrize("text, error", [
    ("index: mysql://db/x\n", "briefing.yaml:1:8: index: expected sqlite or a postgresql:// URL, got 'mysql://db/x'"),
    ("indexx: sqlite\n", "briefing.yaml:1:9: indexx: unknown key (did you mean 'index'?)"),
    ("index: [a\n", "briefing.yaml:2:1: YAML syntax error:"),
])
def test_a_bad_project_setting_is_one_line(project, run, monkeypatch, text, error):
    monkeypatch.delenv(index.ENV, raising=False)
    (project / "briefing.yaml").write_text(text)
    result = run("search", "drone")
    assert result.exit_code == 1 and result.output.startswith(f"error: {error}") and result.output.count("\n") == 1


def test_an_unreachable_server_is_one_line_without_the_password(project, run, monkeypatch):
    monkeypatch.setenv(index.ENV, "postgresql://analyst:s3cret@127.0.0.1:1/briefing")
    result = run("search", "drone")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("error: postgresql://analyst:***@127.0.0.1:1/briefing: cannot reach the "
                                    "PostgreSQL index: ") and "s3cret" not in result.output
    assert result.output.count("\n") == 1


def test_a_bad_environment_setting_is_one_line(project, run, monkeypatch):
    monkeypatch.setenv(index.ENV, "index.db")
    result = run("search", "drone")
    assert (result.exit_code, result.output) == (
        1, "error: BRIEFING_INDEX_URL: expected sqlite or a postgresql:// URL, got 'index.db'\n")


def test_check_fills_the_shared_index_a_teammate_then_searches(tmp_path, pg_url, run, monkeypatch):
    from conftest import copy_project

    monkeypatch.setenv(index.ENV, pg_url)
    for person in ("one", "two"):   # two checkouts of the same library
        copy_project(tmp_path / person)
    monkeypatch.chdir(tmp_path / "one")
    assert run("check").exit_code == 0
    monkeypatch.chdir(tmp_path / "two")
    assert set(index.sync(load_corpus(Path("seeds"), root=Path(".")), pg_url).values()) == {"unchanged"}
    assert not (tmp_path / "one" / "out" / ".cache" / "index.sqlite").exists()


def test_postgres_holds_the_same_tokens_as_fts5_on_the_seeds(tmp_path, pg_url):
    """Token for token, in order, per passage and column: the cut, the folding and the stemmer agree."""
    import sqlite3
    from collections import defaultdict

    import psycopg

    corpus = load_corpus(ROOT / "seeds", root=ROOT)
    index.sync(corpus, tmp_path / "index.sqlite")
    index.sync(corpus, pg_url)
    fts5, pg = defaultdict(dict), defaultdict(dict)
    with sqlite3.connect(tmp_path / "index.sqlite") as db:
        db.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, passages, 'instance')")
        for term, pid, col, at in db.execute("SELECT term, p.id, col, offset FROM v JOIN passages p ON p.rowid = v.doc"):
            fts5[pid, col][at] = term
    with psycopg.connect(pg_url) as db:
        for pid, lexeme, at, weight in db.execute("SELECT id, u.lexeme, x.pos, x.w FROM briefing_passages, "
                                                  "unnest(tsv) u, unnest(u.positions, u.weights) x(pos, w)"):
            pg[pid, "heading" if weight == "A" else "text"][at] = lexeme.lstrip("/")   # "/as": see ftsquery._SHORT
    assert fts5.keys() == pg.keys()
    for key in fts5:
        assert [t for _, t in sorted(fts5[key].items())] == [t for _, t in sorted(pg[key].items())], key
