"""Excerpts, chronology rows and chart labels a reader can take out of the brief and still read:
no excerpt leans on a sentence it leaves out or ends on a colon, a chronology row is a whole
sentence dated by its own event, a label is a whole phrase in the source's capitals."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from briefing.build import Project, build
from briefing.errors import AnchorError
from briefing.select import dangles, leans, span

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sentence, want", [
    ("He noted that the pipeline opened in 2006.", True),
    ("and in November 1991 Turkey became the first state to recognise it.", True),
    ("“They will not be able to stop us,” the minister said.", True),
    ("However, the plan was dropped.", True),
    ("In addition, two satellites were sold.", True),
    ("This agreement was never ratified.", True),
    ("Heathrow handled the first flight.", False),    # "He" only as a whole word
    ("Italy recognised it in 1992.", False),
    ("Theirry Group bought the port.", False),
    ("Andorra and the two states signed in 2001.", False),
    ("In 2008, a plot was foiled.", False),
])
def test_a_sentence_leans_on_the_one_before_when_it_opens_with_a_pronoun_or_connective(sentence, want):
    assert leans(sentence) is want


def test_the_word_lists_are_data():
    data = yaml.safe_load((ROOT / "briefing" / "data" / "standalone.yaml").read_text("utf-8"))
    assert {"he", "this"} <= set(data["pronouns"]) and {"and", "however", "in addition"} <= set(data["connectives"])
    assert all(isinstance(w, str) for words in data.values() for w in words)   # YAML reads a bare yes as true


def test_a_sentence_ending_on_a_colon_dangles():
    assert dangles("The letter from the prime minister included:\n")
    assert not dangles("The letter included a promise: more visits.")


SEED = """Port Talks

The harbour has grown in every decade since it opened, and the town has grown with it.

The port authority published its annual report on Monday. It noted that traffic through the northern \
terminal had doubled since the new cranes arrived, and that the harbour would need dredging before larger \
ships could call. The ministry welcomed the figures. Its spokesman said the state would pay for the \
dredging, and that the work would begin within the year. A letter from the harbour master to the \
ministry listed what the port still lacked:

- a second pilot boat;
"""


def _passage(tmp_path):
    from briefing.corpus import load_corpus

    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "port.txt").write_text(SEED, "utf-8")
    (tmp_path / "seeds" / "sources.yaml").write_text(
        "sources:\n  - {id: port, file: port.txt, title: Port Talks, type: news}\n", "utf-8")
    corpus = load_corpus(tmp_path / "seeds")
    return corpus, next(p for p in corpus.passages if p.n and "dredging" in p.text)


def test_an_excerpt_takes_the_sentence_a_pronoun_needs_and_never_ends_on_a_colon(tmp_path, monkeypatch):
    import briefing.select as select

    corpus, p = _passage(tmp_path)
    text = corpus.source("port").text
    monkeypatch.setattr(select, "MAX_WORDS", 45)   # too long to print whole: a run of its sentences is chosen
    start, end = span(corpus, p, ["dredg"])
    chosen = text[start:end]
    # The run most about dredging starts at "It noted" or "Its spokesman", which lean: it starts earlier.
    assert chosen.startswith(("The port authority", "The ministry welcomed")), chosen
    assert not chosen.rstrip().endswith(":")
    assert not leans(chosen) and not dangles(chosen)


def test_a_passage_with_no_run_that_stands_alone_is_not_quoted(tmp_path):
    corpus, p = _passage(tmp_path)
    text = corpus.source("port").text
    # Only the colon sentence, and sentences leaning on another: nothing may be printed.
    a, b = p.sentences[1]
    lonely = replace(p, start=a, end=p.end, sentences=(p.sentences[1], p.sentences[-1]),
                     clean=" ".join(text[a:p.end].split()))
    assert span(corpus, lonely, ["dredg"]) is None


def test_no_excerpt_of_the_seeds_leans_on_a_missing_sentence_or_ends_on_a_colon(built):
    _, manifest, _ = built
    automatic = [e for e in manifest["excerpts"] if not e["pinned"]]
    assert automatic
    assert [e["printed"][:60] for e in automatic if leans(e["printed"])] == []
    assert [e["printed"][-60:] for e in automatic if dangles(e["printed"])] == []


def test_chronology_rows_are_whole_sentences_dated_by_their_event(built):
    _, manifest, _ = built
    sources = {s["id"]: s for s in manifest["sources"]}
    timeline = next(c for c in manifest["charts"] if c["kind"] == "timeline")
    for p in timeline["points"]:
        with open(ROOT / sources[p["source"]]["path"], encoding="utf-8", newline="") as f:
            text = f.read()
        a, b = p["sentence"]["start"], p["sentence"]["end"]
        assert text[a:a + 1].isupper() or text[a:a + 1] in "“\"", text[a:b]
        assert text[b - 1:b] in ".!?”\"", text[a:b]
        assert p["text"] in text[a:b]
    assert "2006" not in [p["text"] for p in timeline["points"]]   # "like a similar announcement in 2006"


RIVER = """The Long River Basin

In 2015 the weir was raised by the water board. Rice exports rose to $8 million in 2019. Rice exports \
reached $11 million in 2021. The new dam will fail, like a similar plan in 2009, the board's critics say.
"""

OUTLINE = """\
title: The Long River
date: 2026-01-15
sections:
  - title: Trade
    query: rice
    excerpts: 0
    chart:
      kind: {kind}
      title: Rice exports grew
{more}
"""


@pytest.fixture
def river(tmp_path, monkeypatch):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "outlines").mkdir()
    (tmp_path / "seeds" / "river.txt").write_text(RIVER, "utf-8")
    (tmp_path / "seeds" / "sources.yaml").write_text(
        "sources:\n  - {id: river, file: river.txt, title: The Long River Basin, type: reference}\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_date_that_is_not_its_sentences_event_is_no_timeline_event(river, run):
    (river / "outlines" / "default.yaml").write_text(OUTLINE.format(kind="timeline", more=""), "utf-8")
    manifest = json.loads(build(Project(river), None).manifest.read_text("utf-8"))
    (timeline,) = manifest["charts"]
    assert [p["text"] for p in timeline["points"]] == ["2015", "2019", "2021"]   # not "like … in 2009"
    pinned = "      points:\n        - {source: river, text: like a similar plan in 2009}\n" \
             "        - {source: river, text: In 2015 the weir}"
    (river / "outlines" / "default.yaml").write_text(OUTLINE.format(kind="timeline", more=pinned), "utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.output == ("error: outlines/default.yaml:11:33: '2009' is not the date of what its sentence "
                             "reports (a comparison or a bound); a timeline event is a sentence dated by it\n")


def test_a_one_point_chart_is_refused_with_a_message(river, run):
    (river / "outlines" / "default.yaml").write_text(
        OUTLINE.format(kind="bar", more="      unit: USD\n      period: 2019"), "utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.output == ("error: outlines/default.yaml:8:13: only one figure matches this bar chart ('$8 million' "
                             "in river); a chart needs two or more: pin or select another, or give the figure in "
                             "the section's text\n")
    with pytest.raises(AnchorError, match="only one figure matches"):
        build(Project(river), None)


def test_a_line_joins_points_of_one_series_in_one_measure():
    from briefing.charts import lines
    from briefing.figures import Point

    def pt(i, unit, series="Arms sales"):
        return Point(f"p{i}", "s", 0, 1, "x", "money", 1.0, None, None, unit, "", "", (2000 + i, 2000 + i), "",
                     series, (0, 1), "s.p1", 1)

    got = lines([pt(1, "USD"), pt(2, "USD/year"), pt(3, "USD"), pt(4, "USD/year"), pt(5, "USD", "Trade")])
    assert [(name, [p.id for p in ps]) for name, ps in got] == [
        ("Arms sales (USD)", ["p1", "p3"]), ("Arms sales (USD per year)", ["p2", "p4"]), ("Trade", ["p5"])]


def test_labels_keep_the_sources_capitals_and_are_whole_phrases():
    from briefing.corpus import load_corpus
    from briefing.figures import _label, corpus_claims

    corpus = load_corpus(ROOT / "tests" / "data" / "discovery" / "seeds")
    texts = {s.id: s.text for s in corpus.sources}
    labels = {f.claim.text: _label(f.claim, texts[f.claim.source]) for f in corpus_claims(corpus)}
    assert labels["20 September 2020"] == "The first Gripen E fighter for the Brazilian Air Force"   # not "…the Brazilian"
    assert labels["Some 300 Swedish companies"] == "Companies operate in Brazil"
    assert labels["42 percent"] == "Share of Swedish exports to Latin America"
    assert not any(label.endswith("…") for label in labels.values())
    # A year between the subject's words: each word keeps its capitals all the same.
    corpus = load_corpus(ROOT / "seeds")
    found = {f.claim.text: f for f in corpus_claims(corpus) if f.claim.source == "azerbaijan-israel-relations"}
    claim = found["approximately 200 million US dollars"].claim
    assert _label(claim, corpus.source(claim.source).text) == "In trade between Azerbaijan and Israel"


def test_a_cut_is_marked_once_where_the_source_already_marks_an_omission():
    from briefing.select import Excerpt

    def excerpt(text):
        return Excerpt("x-1", "x", "s", "s.p1", 1, 0, len(text), text, text, False, 1, True, True)
    assert excerpt("Israel is proud. Our peoples. ...").marked == "… Israel is proud. Our peoples. ..."
    assert excerpt("… and so it went.").marked == "… and so it went. …"
    assert excerpt("Whole words here.").marked == "… Whole words here. …"
