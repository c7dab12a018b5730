"""A large library: loading reads each file once, the index changes per file, one bad seed stops nothing."""

import re

import pytest

from briefing import corpus as corpus_module, index
from briefing.corpus import load_corpus

PARAGRAPHS = [
    "The harbour authority reported that container traffic rose steadily through the spring season.",
    "Engineers inspected the northern bridge and found that the cables needed replacing within a year.",
    "The council approved a budget for new schools, with most of the money going to rural districts.",
    "Farmers in the valley said the late rains had delayed planting by several weeks this year.",
    "A report on river pollution found that industrial discharge had fallen since the new rules.",
]


def make_library(root, n: int) -> None:
    """Write a project of n small documents, each a different mix of real-looking paragraphs."""
    seeds = root / "seeds"
    seeds.mkdir(parents=True)
    entries = []
    for i in range(n):
        body = [PARAGRAPHS[(i + k) % len(PARAGRAPHS)].replace("year", f"year {1990 + i}") for k in range(3)]
        (seeds / f"doc-{i}.txt").write_text(f"Document number {i}\n\n" + "\n\n".join(body) + "\n", "utf-8")
        entries.append(f"  - id: doc-{i}\n    file: doc-{i}.txt\n    title: Document {i}\n")
    (seeds / "sources.yaml").write_text("sources:\n" + "".join(entries), "utf-8")


def add_document(root, i: int, text: str) -> None:
    (root / "seeds" / f"doc-{i}.txt").write_text(text, "utf-8")
    with open(root / "seeds" / "sources.yaml", "a", encoding="utf-8") as f:
        f.write(f"  - id: doc-{i}\n    file: doc-{i}.txt\n    title: Document {i}\n")


@pytest.fixture
def library(tmp_path):
    make_library(tmp_path, 30)
    return tmp_path


def counting_reads(monkeypatch) -> list[str]:
    """Record every seed file read from disk."""
    reads, real = [], corpus_module.read_seed

    def read_seed(path, name):
        reads.append(name)
        return real(path, name)
    monkeypatch.setattr(corpus_module, "read_seed", read_seed)
    return reads


def test_a_warm_load_reads_no_seed_and_gives_the_same_corpus(library, monkeypatch):
    cache = library / "out" / ".cache"
    cold = load_corpus(library / "seeds", root=library, cache=cache)
    reads = counting_reads(monkeypatch)
    warm = load_corpus(library / "seeds", root=library, cache=cache)
    assert reads == []
    assert warm == cold


def test_adding_one_document_reads_and_indexes_only_that_document(library, monkeypatch):
    cache, db = library / "out" / ".cache", library / "out" / ".cache" / "index.sqlite"
    index.sync(load_corpus(library / "seeds", root=library, cache=cache), db)
    add_document(library, 30, "Document thirty\n\nThe ferry company announced a new route across the bay.\n")
    reads = counting_reads(monkeypatch)
    report = index.sync(load_corpus(library / "seeds", root=library, cache=cache), db)
    assert reads == ["seeds/doc-30.txt"]
    assert [k for k, v in report.items() if v != "unchanged"] == ["doc-30"]
    assert [h.source for h in index.search(db, "ferry")] == ["doc-30"]


def test_a_warm_run_takes_every_figure_from_the_claims_cache(library, monkeypatch):
    """The cache keeps each passage stating a figure beside its claims; all of it must read back."""
    from briefing import figures

    add_document(library, 30, "Document thirty\n\nExports rose to $5 million in 2019, up 12% on the year.\n")
    cache = library / "out" / ".cache"
    cold = figures.corpus_claims(load_corpus(library / "seeds", root=library, cache=cache), cache=cache)
    assert {"money", "percent"} <= {f.claim.kind for f in cold}

    def extract(*args, **kwargs):
        raise AssertionError("claims extracted again on a warm run")
    monkeypatch.setattr(figures, "extract_claims", extract)
    warm = figures.corpus_claims(load_corpus(library / "seeds", root=library, cache=cache), cache=cache)
    assert warm == cold


def test_a_changed_or_removed_source_leaves_nothing_of_its_old_text_in_the_index(library):
    cache, db = library / "out" / ".cache", library / "out" / ".cache" / "index.sqlite"
    index.sync(load_corpus(library / "seeds", root=library, cache=cache), db)
    (library / "seeds" / "doc-3.txt").write_text("Document three\n\nThe lighthouse keeper retired after forty "
                                                   "years of service on the island.\n", "utf-8")
    report = index.sync(load_corpus(library / "seeds", root=library, cache=cache), db)
    assert {k for k, v in report.items() if v != "unchanged"} == {"doc-3"}
    assert [h.source for h in index.search(db, "lighthouse")] == ["doc-3"]
    assert "doc-3" not in {h.source for h in index.search(db, "harbour OR bridge OR council OR farmers OR river",
                                                          limit=100)}
    text = (library / "seeds" / "sources.yaml").read_text("utf-8")
    (library / "seeds" / "sources.yaml").write_text(text.replace(
        "  - id: doc-3\n    file: doc-3.txt\n    title: Document 3\n", ""), "utf-8")
    (library / "seeds" / "doc-3.txt").unlink()
    report = index.sync(load_corpus(library / "seeds", root=library, cache=cache), db)
    assert report["doc-3"] == "removed"
    assert index.search(db, "lighthouse") == []
    assert len(index.search(db, "harbour OR bridge OR council OR farmers OR river", limit=100)) == 29 * 3


def test_a_damaged_cache_is_only_a_cache(library):
    cache = library / "out" / ".cache"
    cold = load_corpus(library / "seeds", root=library, cache=cache)
    (cache / "segments.sqlite").write_bytes(b"not a database at all" * 100)
    (cache / "sources.pickle").write_bytes(b"0" * 64 + b"garbage")
    assert load_corpus(library / "seeds", root=library, cache=cache) == cold


OUTLINE = """\
title: Harbour and rivers
date: 2026-01-15
{register}sections:
  - id: harbour
    title: The harbour
    query: harbour OR river*
    excerpts: 2
"""


@pytest.mark.parametrize("register, listed", [("", 2), ("register: all\n", 30)])
def test_the_register_and_manifest_list_the_sources_cited_unless_told_all(library, register, listed):
    from briefing.brief import make_brief
    from briefing.build import Project, load
    from briefing.manifest import make_manifest
    from briefing.render import render_html
    from briefing.select import select

    (library / "outlines").mkdir()
    (library / "outlines" / "default.yaml").write_text(OUTLINE.format(register=register), "utf-8")
    project = Project(library)
    corpus, outline = load(project, None)
    brief = make_brief(corpus, outline, select(corpus, outline, project.index))
    manifest = make_manifest(corpus, brief, pdf_name="b.pdf")
    cited = {e["source"] for e in manifest["excerpts"]}
    assert len(cited) == 2 and len(brief.bibliography) == 2
    assert len(brief.register) == len(manifest["sources"]) == listed
    assert cited <= {s["id"] for s in manifest["sources"]}
    assert {r["source"] for r in manifest["removed"]} <= {s["id"] for s in manifest["sources"]}
    html = render_html(brief, templates=None, assets=None, manifest_name="b.evidence.json", removed_count=0)
    assert "2 documents cited of 30 in the library" in html
    note = "The 2 sources this brief cites, of 30 in the\n  library; the outline’s <code>register: all</code> lists every one."
    assert (note in html) == (listed == 2)


def test_charts_read_only_the_passages_the_index_finds_and_draw_the_same(tmp_path):
    from dataclasses import replace

    from briefing import figures
    from briefing.build import Project, load
    from briefing.figspec import Selector
    from conftest import copy_project

    project = Project(copy_project(tmp_path))
    corpus, outline = load(project, None)
    # The range chart compares every figure; the others select by words and units.
    sections = [s for s in outline.sections if not (s.chart and s.chart.kind == "range")]
    bar = next(s for s in sections if s.chart and s.chart.kind == "bar")
    sections += [replace(bar, id=f"words-{i}", chart=replace(bar.chart, points=(), select=selector))
                 for i, selector in enumerate([Selector(match=("oil",), unit="%"), Selector(any=("arms", "weapon"))])]
    some = figures.candidates(corpus, sections, project.index)
    assert some is not None and 0 < len(some) < len(corpus.passages) / 2
    outline = replace(outline, sections=tuple(sections))
    assert figures.make(corpus, outline, db=project.index, draw=False).charts == \
        figures.make(corpus, outline, draw=False).charts


def test_one_bad_seed_stops_nothing_under_skip_bad_seeds(library, run, monkeypatch):
    add_document(library, 30, "Document thirty\n\nThe ferry\x07 company announced a new route across the bay.\n")
    add_document(library, 31, "Only a title\n")
    (library / "outlines").mkdir()
    (library / "outlines" / "default.yaml").write_text(OUTLINE.format(register=""), "utf-8")
    monkeypatch.chdir(library)
    result = run("check")
    assert (result.exit_code, result.output) == (1, "error: seeds/doc-30.txt:3: control character U+0007 in text\n")
    result = run("check", "--skip-bad-seeds")
    assert result.exit_code == 0
    assert result.output == (
        "warning: left out seeds/doc-30.txt:3: control character U+0007 in text\n"
        "warning: left out seeds/doc-31.txt: no quotable paragraph left after removing page chrome\n"
        "outlines/default.yaml: ok (1 sections, 0 pinned quotes anchored)\n")
    # Every command that reads the library takes the option, and names what it left out.
    for command in (["sources"], ["search", "ferry"], ["figures"]):
        assert run(*command).exit_code == 1
        result = run(*command, "--skip-bad-seeds")
        assert result.exit_code == 0 and result.output.startswith(
            "warning: left out seeds/doc-30.txt:3: control character U+0007 in text\n"
            "warning: left out seeds/doc-31.txt: no quotable paragraph left after removing page chrome\n"), command
    assert "doc-30" not in run("sources", "--skip-bad-seeds").output.split("chrome\n", 1)[1]


def test_progress_shows_on_a_terminal_after_two_seconds_and_never_elsewhere(monkeypatch):
    import io

    from briefing import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    clock = iter([0.0, 0.5, 2.5, 2.6, 3.0, 3.1, 9.0])
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    shown, quiet = Terminal(), io.StringIO()
    with progress.Progress("indexing", 4, stream=shown) as p:   # started at 0.0
        for _ in range(4):
            p.step()                                            # at 0.5, 2.5, 2.6, 3.0
    assert shown.getvalue() == "\rindexing: 2/4\rindexing: 4/4\rindexing: 4/4, done in 3.1 s\n"
    with progress.Progress("indexing", 4, stream=quiet) as p:
        p.step(4)
    assert quiet.getvalue() == ""


def test_a_step_of_unknown_size_shows_its_time_on_a_terminal_only(monkeypatch):
    import io
    import threading

    from briefing import progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(progress, "AFTER", 0.0)
    monkeypatch.setattr(progress, "EVERY", 0.001)
    shown, quiet = Terminal(), io.StringIO()
    ticked = threading.Event()
    real_write = shown.write
    monkeypatch.setattr(shown, "write", lambda text: (real_write(text), ticked.set())[0])
    with progress.Elapsed("laying out the brief", stream=shown):
        assert ticked.wait(10)
    assert re.fullmatch(r"(\rlaying out the brief: \d+ s)+\rlaying out the brief: done in \d+\.\d s\n",
                        shown.getvalue())
    with progress.Elapsed("laying out the brief", stream=quiet) as step:
        assert step.thread is None
    assert quiet.getvalue() == ""
