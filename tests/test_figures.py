"""Numbers from the sources: the disputes the seeds really contain, charts computed from claims,
and every chart point and dispute value an exact slice of its source file."""

import json
import re

import pytest
from pypdf import PdfReader

from briefing.build import Project, build, load
from briefing.disputes import discover, find_disputes
from briefing.errors import AnchorError
from briefing.figures import corpus_claims
from conftest import ROOT, pdf_text, read_source


@pytest.fixture(scope="module")
def seeds():
    corpus, outline = load(Project(ROOT), None)
    return corpus, outline, corpus_claims(corpus)


def values(d):
    return [(p.source, p.text, p.when) for p in d.points]


# --- what the seeds say, read by hand ---------------------------------------------------------

def test_the_disputes_the_seeds_really_contain(seeds):
    corpus, outline, found = seeds
    got = {d.quantity: d for d in find_disputes(corpus, outline.disputes, found)}

    # israel-delivers-aid par. 8: "Shia Iran is home to somewhere around 20 million ethnic Azerbaijanis";
    # azerbaijan-israel-relations par. 30: "up to 18 million Iranians are ethnic Azeris". Undated both.
    iran = got["Ethnic Azerbaijanis living in Iran"]
    assert values(iran) == [("israel-delivers-aid", "somewhere around 20 million ethnic Azerbaijanis", ""),
                            ("azerbaijan-israel-relations", "up to 18 million Iranians", "")]
    assert (iran.status, iran.sources, iran.low, iran.high) == ("disputed", 2, 18e6, 20e6)
    assert [p.hedge for p in iran.points] == ["somewhere around", "up to"]

    # azerbaijan-israel-relations par. 6 "some 30,000 Jews"; blooming-friendship par. 29 (quoting an NGO)
    # "approximately 25,000 Jews". The "nearly 5,000 Ashkenazi Jews" are a part, not another count.
    jews = got["Jews living in Azerbaijan"]
    assert values(jews) == [("azerbaijan-israel-relations", "some 30,000 Jews", ""),
                            ("blooming-friendship", "approximately 25,000 Jews", "")]
    assert (jews.status, jews.sources) == ("disputed", 2)

    # One source, three statements: 40 percent "as of 2013", 40 percent undated ("Israel buys 40 percent
    # of its oil"), 65 percent "in 2021". Dated figures of different years are a change; the undated 40 is
    # not set against the 2021 figure, so no range mixes periods.
    oil = got["Share of Israel's oil that comes from Azerbaijan"]
    assert values(oil) == [("azerbaijan-israel-relations", "40 percent", "as of 2013"),
                           ("azerbaijan-israel-relations", "40 percent", ""),
                           ("azerbaijan-israel-relations", "65 percent", "2021")]
    assert (oil.status, oil.sources) == ("changes over time", 1) and "one source" in oil.reason

    # "Over the 2010s ... 60–69%" against SIPRI's "27 percent ... from 2011 to 2020" and "69 percent" for 2016–2020.
    arms = got["Israel's share of Azerbaijan's arms imports"]
    assert values(arms) == [("azerbaijan-israel-relations", "60–69%", "2010s"),
                            ("azerbaijan-israel-relations", "27 percent", "2011–2020"),
                            ("azerbaijan-israel-relations", "69 percent", "2016–2020")]
    assert [p.years for p in arms.points] == [(2010, 2019), (2011, 2020), (2016, 2020)]
    assert (arms.status, arms.low, arms.high) == ("disputed", 27, 69)

    # "about $5 billion worth of armaments. Or more precisely, $4.85 billion." The same source rounds its own
    # figure: within tolerance, so consistent, and single-source.
    bought = got["Value of the arms Azerbaijan had bought from Israel by 2016"]
    assert values(bought) == [("tensions-with-iran-mount", "about $5 billion", "2016"),
                              ("tensions-with-iran-mount", "$4.85 billion", "2016")]
    assert (bought.status, bought.sources) == ("consistent", 1)

    # "500 km (340 miles)": 500 km is 311 miles; 340 miles is 547 km. Found without being declared.
    conv = next(d for d in got.values() if d.status == "conversion")
    assert [p.text for p in conv.points] == ["500\xa0km", "340 miles"]
    assert conv.quantity == "Distance from the Iranian border" and "311 miles, not 340" in conv.reason
    assert round(conv.high) == 547177 and not conv.declared
    assert len(got) == 6


def test_reader_comments_give_no_figures(seeds):
    corpus, _, found = seeds
    # A commenter writes "their number counts over 20 million"; comments are chrome, never a claim.
    comments = corpus.source("blooming-friendship").text
    at = comments.index("counts over 20 million")
    assert any(r.start <= at < r.end for r in corpus.removed)
    assert not [f for f in found if f.claim.source == "blooming-friendship" and "20 million" in f.claim.text]
    for f in found:  # every claim lies inside a quotable passage, none in removed chrome
        assert f.passage.start <= f.claim.start < f.claim.end <= f.passage.end
        assert not any(r.source == f.claim.source and r.start < f.claim.end and f.claim.start < r.end
                       for r in corpus.removed)


def texts(corpus):
    return {s.id: s.text for s in corpus.sources}


def test_discovery_proposes_disputes_nobody_declared(seeds):
    corpus, _, found = seeds
    groups = [sorted(f.claim.text for f in group) for _, group, _ in discover(found, texts(corpus))]
    assert any({"some 30,000 Jews", "approximately 25,000 Jews"} <= set(g) for g in groups)
    assert ["27 percent", "69 percent"] in groups
    assert any(g.count("40 percent") == 2 and "65 percent" in g for g in groups)
    assert not any("3 years" in g for g in groups)  # durations are not quantities to compare


def test_a_fragment_takes_the_time_of_the_sentence_before(seeds):
    _, _, found = seeds
    precise = next(f for f in found if f.claim.text == "$4.85 billion")
    assert precise.years == (2016, 2016) and precise.claim.period == "2016"
    exports = [f for f in found if f.claim.text in ("barely over US$2\xa0million", "$323\xa0million")]
    assert [f.years for f in exports] == [(1997, 1997), (2004, 2004)]  # "between 1997 and 2004 ... from X to Y"


# --- the built brief --------------------------------------------------------------------------

def test_every_chart_point_and_dispute_value_is_its_sources_exact_slice(built):
    _, manifest, _ = built
    texts = {s["id"]: read_source(ROOT / s["path"]) for s in manifest["sources"]}
    values = [p for c in manifest["charts"] for p in c["points"]]
    values += [v for d in manifest["disputes"] for v in d["values"]]
    printed = {(v["source"], v["start"], v["end"]) for v in values}
    # The manifest lists the claims the brief prints; `briefing figures --json` lists them all.
    assert manifest["claims"] and all((c["source"], c["start"], c["end"]) in printed for c in manifest["claims"])
    values += manifest["claims"]
    assert len(values) > 80
    for v in values:
        assert texts[v["source"]][v["start"]:v["end"]] == v["text"]
        s = v["sentence"]
        assert texts[v["source"]][s["start"]:s["end"]] == s["text"]
        assert s["start"] <= v["start"] < v["end"] <= s["end"]
        assert "unit" in v and ("value" in v or ("low" in v and "high" in v))


def test_the_default_brief_has_charts_with_a_note_for_every_point(built):
    _, manifest, html = built
    charts = {c["kind"]: c for c in manifest["charts"]}
    assert {"timeline", "bar", "line", "range"} <= set(charts)
    notes = {n["number"]: n for n in manifest["notes"]}
    numbers = [p["note"] for c in manifest["charts"] for p in c["points"]]
    # Each point has its note; in one chart, points share one only when each cites the same place as the point
    # before; no two charts share one.
    assert numbers == sorted(numbers)
    for c in manifest["charts"]:
        for a, b in zip(c["points"], c["points"][1:]):
            assert (a["note"] == b["note"]) == ((a["source"], a["par"]) == (b["source"], b["par"])), (a, b)
    assert len(set(numbers)) == sum(len({p["note"] for p in c["points"]}) for c in manifest["charts"])
    for c in manifest["charts"]:
        assert c["title"] and c["subtitle"] and c["alt"].startswith(("Bar", "Chart", "Timeline", "Range"))
        for p in c["points"]:
            assert notes[p["note"]]["source"] == p["source"] and notes[p["note"]]["par"] == p["par"]
    # Reading order: a section's chart notes follow its excerpts' notes.
    arms = [e["note"] for e in manifest["excerpts"] if e["section"] == "arms"]
    assert max(arms) < min(p["note"] for p in charts["bar"]["points"])
    assert len(re.findall(r'<img class="chart-img" src="data:image/svg\+xml;base64,[^"]+" alt="[^"]{40,}"', html)) \
        == len(manifest["charts"])
    assert html.count('<p class="chart-source">Source:') == len(manifest["charts"])
    dispute_rows = {d["quantity"]: d["status"] for d in manifest["disputes"]}
    assert dispute_rows["Ethnic Azerbaijanis living in Iran"] == "disputed"


def test_charts_reach_the_pdf_as_figures_with_alt_text_and_selectable_words(built):
    pdf, manifest, _ = built
    reader = PdfReader(pdf)
    alts, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                stack.extend(kids if isinstance(kids, list) else [kids])
    assert sorted(alts) == sorted(c["alt"] for c in manifest["charts"])
    text = " ".join(" ".join(page.split()) for page in pdf_text(pdf))
    # Timeline labels exist only inside the SVG: finding them proves chart text is text, not outlines.
    assert "Netanyahu visits Baku" in text and "Trade office opens in Tel Aviv" in text


def test_figures_command_lists_claims_and_disputes(project, run):
    result = run("figures", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    text = read_source(project / "seeds" / "azerbaijan-israel-relations.txt")
    claim = next(c for c in data["claims"] if c["text"] == "60–69%")
    assert text[claim["start"]:claim["end"]] == "60–69%" and (claim["low"], claim["high"], claim["unit"]) == (60, 69, "%")
    assert {d["quantity"] for d in data["disputes"]} >= {"Jews living in Azerbaijan"}
    assert all("declare" in d for d in data["discovered"])
    plain = run("figures", "--kind", "percent")
    assert plain.exit_code == 0 and "60–69%" in plain.output and "found automatically" in plain.output
    assert "April 7, 1992" not in plain.output


# --- another subject: nothing in the code knows the seeds --------------------------------------

RIVER = """The Long River Basin

Officials say some 40,000 people live along the lower river. In 2015 the weir was raised, and the \
reservoir now reaches 12 km (3 miles) upstream. Exports of rice rose to $8 million in 2019.

A second survey counted approximately 52,000 people in the same villages. In 2021 rice exports \
reached $11 million.

Comments
A reader: I heard 90,000 people live there!
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


OUTLINE = """\
title: The Long River
date: 2026-01-15
sections:
  - title: Trade
    query: rice
    excerpts: 1
    chart:
      kind: {kind}
      title: Rice exports grew
      unit: USD
      match: [rice]
  - title: Figures
    excerpts: 0
    chart: {{kind: range, title: Counts differ}}
disputes:
  - {{quantity: People along the river, unit: people, any: [villages, river]}}
"""


def test_another_subject_gets_its_charts_and_disputes(river):
    (river / "outlines" / "default.yaml").write_text(OUTLINE.format(kind="line"), "utf-8")
    result = build(Project(river), None, html=True)
    manifest = json.loads(result.manifest.read_text("utf-8"))
    line = next(c for c in manifest["charts"] if c["kind"] == "line")
    assert [(p["text"], p["years"]) for p in line["points"]] == [("$8 million", [2019, 2019]),
                                                                ("$11 million", [2021, 2021])]
    rows = {d["quantity"]: d for d in manifest["disputes"]}
    people = rows["People along the river"]
    assert [v["text"] for v in people["values"]] == ["some 40,000 people", "approximately 52,000 people"]
    assert people["status"] == "disputed"  # the commenter's 90,000 is chrome
    conv = next(d for d in manifest["disputes"] if d["status"] == "conversion")
    assert [v["text"] for v in conv["values"]] == ["12 km", "3 miles"]


@pytest.mark.parametrize("kind", ["bar", "timeline"])
def test_every_chart_kind_builds(river, kind):
    body = OUTLINE.format(kind=kind).replace("unit: USD", "unit: date" if kind == "timeline" else "unit: USD")
    (river / "outlines" / "default.yaml").write_text(body, "utf-8")
    result = build(Project(river), None)
    manifest = json.loads(result.manifest.read_text("utf-8"))
    assert next(c for c in manifest["charts"] if c["kind"] == kind)["points"]


def test_chart_mistakes_are_reported_with_their_place(river, run):
    bad = OUTLINE.format(kind="lien").replace("match: [rice]", "match: [rice]\n      points: [{source: lake, text: x}]")
    (river / "outlines" / "default.yaml").write_text(bad, "utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "default.yaml:8:13: sections[0].chart.kind: expected one of bar, line, timeline, range; got 'lien' " \
           "(did you mean 'line'?)" in result.output
    assert "sections[0].chart.points[0].source: unknown source 'lake'" in result.output


def test_a_pinned_figure_must_be_found_verbatim(river, run):
    body = OUTLINE.format(kind="bar").replace("match: [rice]", "points: [{source: river, text: rice rose to $9 million}]")
    (river / "outlines" / "default.yaml").write_text(body, "utf-8")
    with pytest.raises(AnchorError, match=r"default\.yaml:\d+:\d+: text not found verbatim in seeds/river\.txt"):
        build(Project(river), None)
    result = run("check")  # check anchors pinned figures too, without rendering
    assert result.exit_code == 1 and "outlines/default.yaml:11:38:" in result.output and "not found verbatim" in result.output
    body = OUTLINE.format(kind="bar").replace("match: [rice]", "points: [{source: river, text: the weir was raised}]")
    (river / "outlines" / "default.yaml").write_text(body, "utf-8")
    with pytest.raises(AnchorError, match="no USD in these words"):
        build(Project(river), None)


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
def test_a_long_repetitive_source_stays_fast(tmp_path):
    import time

    from briefing.corpus import load_corpus

    (tmp_path / "seeds").mkdir()
    body = "\n\n".join(f"Report {i} says over 5% of $3 billion went to 40,000 people in 2019, up to 18 million. " * 30
                       for i in range(100))
    (tmp_path / "seeds" / "x.txt").write_text("Title\n\n" + body + "\n", "utf-8")
    (tmp_path / "seeds" / "sources.yaml").write_text("sources:\n  - {id: x, file: x.txt, title: X}\n", "utf-8")
    corpus = load_corpus(tmp_path / "seeds")
    start = time.process_time()
    found = corpus_claims(corpus)
    rows = find_disputes(corpus, (), found, discovered=True)
    assert len(found) > 10000 and time.process_time() - start < 40
    assert all(len(d.points) <= 12 for d in rows)


def test_a_quantity_with_more_figures_than_are_compared_says_so(tmp_path):
    from briefing.corpus import load_corpus

    (tmp_path / "seeds").mkdir()
    body = "\n\n".join(f"In 2019, the river fund paid ${10 + i} million to the farmers of the valley." for i in range(70))
    (tmp_path / "seeds" / "x.txt").write_text("Title\n\n" + body + "\n", "utf-8")
    (tmp_path / "seeds" / "sources.yaml").write_text("sources:\n  - {id: x, file: x.txt, title: X}\n", "utf-8")
    corpus = load_corpus(tmp_path / "seeds")
    (d,) = find_disputes(corpus, (), corpus_claims(corpus), discovered=True)
    assert d.reason == ("One source disagrees with itself for the same period; all from one source; only the first "
                        "60 of 70 different figures were compared; the first 12 of 70 figures are shown")


# --- discovery on a corpus it was never tuned for ------------------------------------------------------
# tests/data/discovery: two press pieces on Swedish-Brazilian defence ties, written for this test. They
# disagree on a date, a rank, a per-year rate, an amount, a count, a share and a range, and give
# figures for different periods that are changes, not disputes.

def test_discovery_finds_every_disagreement_of_a_new_corpus_with_no_outline_entry():
    from briefing.corpus import load_corpus

    corpus = load_corpus(ROOT / "tests" / "data" / "discovery" / "seeds")
    found = corpus_claims(corpus)
    rows = find_disputes(corpus, (), found, discovered=True)
    got = {tuple(sorted(p.text for p in d.points)): d for d in rows}
    want = {
        ("20 September 2020", "24 September 2020"): ("date", "20–24 September 2020"),
        ("second-largest", "third-largest"): ("rank", "second–third"),
        ("about $600 million", "over $1 billion a year"): ("money", "$600 million–$1 billion per year"),
        ("$180 million", "$2.4 billion", "$3.1 billion"): ("money", "$2.4–3.1 billion"),   # 1992 is not in the range
        ("About 220 Swedish companies", "Some 300 Swedish companies"): ("count", "220–300"),
        ("More than 350 Brazilian engineers", "between 250 and 300 Brazilian engineers"): ("count", "250–350"),
        ("42 percent", "Around 55 percent"): ("percent", "42–55%"),
    }
    for texts, (kind, span) in want.items():
        d = got.get(texts)
        assert d, f"not found: {texts}; found {list(got)}"
        assert (d.status, d.points[0].kind, d.span, d.sources, d.declared) == ("disputed", kind, span, 2, False)
        for p in d.points:   # each proposed with the sentence that gives it, an exact slice of the source
            sentence = corpus.source(p.source).text[p.sentence[0]:p.sentence[1]]
            assert p.text in sentence and "".join(p.printed).strip() == " ".join(sentence.split())
    assert len(rows) == len(want)
    # A total is not a yearly rate; figures of different periods (2015 and 2021, 2019 and undated) are no dispute.
    printed = {p.text for d in rows for p in d.points}
    assert not printed & {"$5 billion", "$8 billion", "$12 billion", "1,100 Brazilian students",
                          "around 2,000 Brazilian students"}


def test_a_unit_that_can_never_match_is_an_error(river, run):
    body = OUTLINE.format(kind="bar").replace("unit: USD", "unit: date").replace("unit: people", "unit: percent")
    (river / "outlines" / "default.yaml").write_text(body, "utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert result.output == (
        "error: outlines/default.yaml:10:13: sections[0].chart.unit: a bar chart draws amounts, and dates are never "
        "one (a timeline draws dates)\n"
        "error: outlines/default.yaml:16:46: disputes[0].unit: 'percent' can never match: the sources' figures are "
        "read as %; write unit: %\n")


def test_a_declared_date_dispute_compares_dates(tmp_path):
    from briefing.corpus import load_corpus
    from briefing.figspec import DisputeSpec, Selector

    corpus = load_corpus(ROOT / "tests" / "data" / "discovery" / "seeds")
    spec = DisputeSpec("First fighter lands", Selector(match=("Gripen",), unit="date"), 0, "o.yaml:1:1")
    (d,) = find_disputes(corpus, (spec,), corpus_claims(corpus))
    assert (d.status, d.span, [p.text for p in d.points]) == ("disputed", "20–24 September 2020",
                                                             ["20 September 2020", "24 September 2020"])


@pytest.mark.parametrize("sentences, status, span", [
    # a share over 2011-2020 and one over its last five years can both be true: no dispute to propose
    (("From 2011 to 2020", "From 2016 to 2020"), None, None),
    # over the 2010s and over 2011-2020 is mostly the same decade: 27 and 60 percent cannot both hold
    (("From 2011 to 2020", "From 2016 to 2020", "Over the 2010s"), "disputed", (27, 60)),
])
def test_figures_for_nested_periods_are_not_one_period(tmp_path, sentences, status, span):
    from briefing.corpus import load_corpus

    shares = {"From 2011 to 2020": 27, "From 2016 to 2020": 69, "Over the 2010s": 60}
    body = "\n\n".join(f"{when}, Israel supplied {shares[when]} percent of Azerbaijan's major arms imports."
                       for when in sentences)
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "x.txt").write_text("Arms trade review\n\n" + body + "\n", "utf-8")
    (tmp_path / "seeds" / "sources.yaml").write_text("sources:\n  - {id: x, file: x.txt, title: X}\n", "utf-8")
    corpus = load_corpus(tmp_path / "seeds")
    found = [(d.status, (d.low, d.high)) for d in find_disputes(corpus, (), corpus_claims(corpus), discovered=True)]
    assert found == ([(status, span)] if status else [])


def test_a_data_tables_locator_and_its_note_call_never_part(built):
    """"par. 35⁴¹" is one unit: a narrow Source column must not leave "35⁴¹" alone on the next line."""
    _, _, html = built
    cells = re.findall(r'<table class="chart-data[^"]*">.*?</table>', html, re.S)
    located = [m for table in cells for m in re.findall(r'((?:<span class="nowrap">)?(?:par|p|pp)\. [\d–]+)<a class="call"', table)]
    assert located and all(m.startswith('<span class="nowrap">') for m in located)
