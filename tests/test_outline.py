"""The outline language: broken outlines give their exact error lines; variants, topics,
judgments and prose citations behave as documented; the JSON Schema matches the validator."""

import json
from pathlib import Path

import pytest

from briefing.errors import OutlineError
from briefing.outline import LIKELIHOOD, load_outline
from briefing.topics import load_topics, query
from conftest import ROOT

HEAD = "title: x\ndate: 2026-01-01\nsections:\n"

# Each case: the outline files to write (name -> text), the outline to check, the exact output.
BROKEN = {
    "unknown key": ({"o": HEAD + "  - title: a\n    excerpt: 3\n"}, "o",
                    "error: outlines/o.yaml:5:14: sections[0].excerpt: unknown key (did you mean 'excerpts'?)\n"),
    "wrong type": ({"o": HEAD + "  - title: a\n    excerpts: four\n"}, "o",
                   "error: outlines/o.yaml:5:15: sections[0].excerpts: expected an integer, got 'four'\n"),
    "unknown topic": ({"o": HEAD + "  - topic: enrgy\n"}, "o",
                      "error: outlines/o.yaml:4:12: sections[0].topic: unknown topic 'enrgy' (did you mean 'energy'?)\n"),
    "bad likelihood word": (
        {"o": HEAD + "  - topic: arms\njudgments:\n  - text: Sales will continue.\n    likelihood: probabley\n"}, "o",
        "error: outlines/o.yaml:7:17: judgments[0].likelihood: expected one of " + ", ".join(LIKELIHOOD)
        + "; got 'probabley' (did you mean 'probably'?)\n"),
    "bad confidence word": (
        {"o": HEAD + "  - topic: arms\njudgments:\n  - text: Sales will continue.\n    confidence: certain\n"}, "o",
        "error: outlines/o.yaml:7:17: judgments[0].confidence: expected one of low, moderate, high; got 'certain'\n"),
    "circular extends": ({"a": "extends: b.yaml\n", "b": "title: b\nextends: a.yaml\n"}, "a",
                         "error: outlines/b.yaml:2:10: extends: circular: a.yaml → b.yaml → a.yaml\n"),
    "extends itself": ({"a": "marking: X\nextends: a.yaml\n"}, "a",
                       "error: outlines/a.yaml:2:10: extends: circular: a.yaml → a.yaml\n"),
    "missing extended file": ({"o": "extends: nowhere.yaml\nmarking: PUBLIC\n"}, "o",
                              "error: outlines/o.yaml:1:10: extends: no such outline 'nowhere.yaml' "
                              "(looked for outlines/nowhere.yaml)\n"),
    "duplicate section id": ({"o": HEAD + "  - topic: arms\n  - topic: energy\n  - topic: arms\n    excerpts: 1\n"}, "o",
                             "error: outlines/o.yaml:6:12: sections[2].id: duplicate section id 'arms' (from its topic; give the section an id)\n"),
    "pinned quote not in source": (
        {"o": HEAD + "  - topic: arms\n    quotes:\n      - source: tensions-with-iran-mount\n"
                     "        text: Israel sells a great deal of arms to Baku.\n"}, "o",
        "error: outlines/o.yaml:7:15: quote not found verbatim in seeds/tensions-with-iran-mount.txt "
        "(source 'tensions-with-iran-mount')\n"),
    "stale quote gets the nearest passage": (
        {"o": HEAD + "  - topic: arms\n    quotes:\n      - source: tensions-with-iran-mount\n        text: >-\n"
                     "          Israel also sells a great many arms to Baku, which is delicately\n"
                     "          positioned between Russia, Turkey and Iran.\n"}, "o",
        "error: outlines/o.yaml:7:15: quote not found verbatim in seeds/tensions-with-iran-mount.txt "
        "(source 'tensions-with-iran-mount'); nearest is par. 4, 96% similar: 'Israel also sells a great deal of "
        "arms to Baku, which is delicately positioned between Russia, Turkey and Iran.'\n"),
    "citations": (
        {"o": HEAD + "  - topic: arms\n    text: |\n      Sales grew [@tensions-with-iran-mount, par. 99] and\n"
                     "      more [@nosuch] or [@tensions-with-iran-mount] [@x, page 3].\n"}, "o",
        "error: outlines/o.yaml:6:18: sections[0].text: [@tensions-with-iran-mount, par. 99]: source "
        "'tensions-with-iran-mount' has paragraphs 1 to 14\n"
        "error: outlines/o.yaml:7:12: sections[0].text: [@nosuch]: no pinned quote with id 'nosuch'\n"
        "error: outlines/o.yaml:7:25: sections[0].text: [@tensions-with-iran-mount]: no pinned quote with id "
        "'tensions-with-iran-mount'; to cite the source, give a paragraph: [@tensions-with-iran-mount, par. N]\n"
        "error: outlines/o.yaml:7:53: sections[0].text: malformed citation '[@x, page 3]'; write [@quote-id] "
        "or [@source-id, par. N]\n"),
    "drop and order name unknown sections": (
        {"o": "extends: default.yaml\ndrop: [histroy]\norder: [iran, energi]\n"}, "o",
        "error: outlines/o.yaml:2:8: drop[0]: no section 'histroy' in the outline (did you mean 'history'?)\n"
        "error: outlines/o.yaml:3:15: order[1]: no section 'energi' in the outline (did you mean 'energy'?)\n"),
    "drop without extends": ({"o": HEAD + "  - topic: arms\ndrop: [arms]\n"}, "o",
                             "error: outlines/o.yaml:5:7: drop: only an outline that extends another can drop sections\n"),
    "bad search query": ({"o": HEAD + "  - title: a\n    query: 'arms AND'\n"}, "o",
                         "error: outlines/o.yaml:5:12: sections[0].query: bad search query: fts5: syntax error near \"\"\n"),
    "section without title or topic": ({"o": HEAD + "  - excerpts: 2\n"}, "o",
                                       "error: outlines/o.yaml:4:5: sections[0].title: required (or name a topic)\n"),
    "every problem at once, across files": (
        {"base": HEAD + "  - title: a\n    excerpts: many\n",
         "o": "extends: base.yaml\nmax_pages: two\ncover: 'no'\nsections:\n  - topic: arms\n    titel: red\n"}, "o",
        "error: outlines/base.yaml:5:15: sections[0].excerpts: expected an integer, got 'many'\n"
        "error: outlines/o.yaml:2:12: max_pages: expected an integer, got 'two'\n"
        "error: outlines/o.yaml:3:8: cover: expected true or false, got 'no'\n"
        "error: outlines/o.yaml:6:12: sections[1].titel: unknown key (did you mean 'title'?)\n"),
}


@pytest.mark.parametrize("files, outline, error", BROKEN.values(), ids=BROKEN.keys())
def test_broken_outline_gives_its_exact_error_lines(project, run, files, outline, error):
    for name, text in files.items():
        (project / "outlines" / f"{name}.yaml").write_text(text, "utf-8")
    result = run("check", outline)
    assert (result.exit_code, result.output) == (1, error)


def test_extends_must_stay_inside_the_project(project, run):
    (project / "outlines" / "o.yaml").write_text("extends: ../../elsewhere.yaml\n", "utf-8")
    result = run("check", "o")
    assert result.exit_code == 1
    assert result.output.startswith("error: outlines/o.yaml:1:10: extends: '../../elsewhere.yaml' is outside the project")


def test_build_refuses_a_stale_quote(project, run):
    (project / "outlines" / "o.yaml").write_text(BROKEN["stale quote gets the nearest passage"][0]["o"], "utf-8")
    result = run("build", "o")
    assert result.exit_code == 1 and "nearest is par. 4, 96% similar" in result.output
    assert not (project / "out" / "o.pdf").exists()


def test_a_broken_project_topic_library_is_reported_with_lines(project, run):
    (project / "topics.yaml").write_text("topics:\n  energy:\n    title: x\n    querry: y\n", "utf-8")
    result = run("check")
    assert result.output == ("error: topics.yaml:3:5: topics.energy: needs a query or synonyms\n"
                             "error: topics.yaml:4:13: topics.energy.querry: unknown key (did you mean 'query'?)\n")


def outline(name, **kw):
    return load_outline(ROOT / "outlines" / f"{name}.yaml", root=ROOT, topics=load_topics(ROOT), **kw)


def test_minister_varies_the_default_outline():
    default, minister = outline("default"), outline("minister")
    assert [s.id for s in minister.sections] == ["iran", "arms", "energy"]
    assert (minister.cover, minister.contents, minister.back_matter, minister.max_pages) == (False, False, (), 2)
    assert minister.judgments == default.judgments and minister.marking == default.marking == "OFFICIAL"
    assert minister.title == default.title and minister.audience == "Minister"
    # A section given again by id varies the default's key by key: fewer excerpts, a shorter text, no chart.
    assert [s.excerpts for s in minister.sections] == [2, 1, 1]
    assert minister.sections[0].query == default.sections[4].query
    assert [s.chart for s in minister.sections] == [None, None, None]
    assert minister.sections[1].text != default.sections[2].text


def test_press_is_public_and_has_no_judgments():
    press = outline("press")
    assert press.marking == "PUBLIC" and press.judgments == ()
    assert [s.id for s in press.sections] == [s.id for s in outline("default").sections]


def test_variant_merges_page_replaces_sections_by_id_and_adds_new_ones(tmp_path):
    (tmp_path / "base.yaml").write_text(HEAD + "  - topic: arms\n  - topic: energy\n    excerpts: 1\n"
                                        "page: {duplex: true}\n", "utf-8")
    (tmp_path / "v.yaml").write_text("extends: base.yaml\npage: {size: letter}\nsections:\n"
                                     "  - topic: energy\n    excerpts: 4\n  - topic: regional\norder: [regional]\n", "utf-8")
    v = load_outline(tmp_path / "v.yaml")
    assert [(s.id, s.excerpts) for s in v.sections] == [("regional", 3), ("arms", 3), ("energy", 4)]
    assert (v.page.size, v.page.duplex) == ("letter", True)
    assert v.name == "v" and v.title == "x"


def test_a_variant_section_keeps_what_it_does_not_say_and_chart_none_removes_a_chart(tmp_path):
    (tmp_path / "base.yaml").write_text(
        HEAD + "  - topic: arms\n    excerpts: 4\n    text: Arms matter [@s, par. 1].\n"
        "    quotes: [{id: q, source: s, text: x}]\n    chart: {kind: bar, title: Deals}\n"
        "  - topic: energy\n    chart: {kind: line, title: Oil}\n", "utf-8")
    (tmp_path / "v.yaml").write_text("extends: base.yaml\nsections:\n  - topic: arms\n    excerpts: 1\n"
                                     "  - topic: energy\n    chart: none\n", "utf-8")
    arms, energy = load_outline(tmp_path / "v.yaml").sections
    assert (arms.excerpts, arms.text, [q.id for q in arms.quotes], arms.chart.title) == (
        1, "Arms matter [@s, par. 1].", ["q"], "Deals")
    assert energy.chart is None


def test_topic_sets_title_and_query_and_a_section_query_narrows_it():
    topics = load_topics()
    (arms,) = [s for s in outline("default").sections if s.id == "arms"]
    assert arms.title == topics["arms"].title and arms.query == query(topics["arms"])
    narrowed = query(topics["arms"], "drone*", ("Armenia*",))
    assert narrowed.startswith(f"((({topics['arms'].query}) OR ") and ") AND (drone*)) NOT (" in narrowed
    assert narrowed.endswith('"Armenia"*)')


def test_a_project_topic_library_adds_and_replaces_topics(tmp_path):
    (tmp_path / "topics.yaml").write_text(
        "topics:\n  energy:\n    title: Power\n    query: electricity\n"
        "  water:\n    title: Water\n    synonyms: [reservoir*, \"water table\"]\n    exclude: [flood]\n", "utf-8")
    topics = load_topics(tmp_path)
    assert topics["energy"].title == "Power" and topics["arms"].title == load_topics()["arms"].title
    assert query(topics["water"]) == '("reservoir"* OR "water table") NOT ("flood")'


def test_no_topic_words_in_python():
    import keyword
    import re

    words = {w.lower() for t in load_topics().values() for w in re.findall(r"[A-Za-z]{6,}", t.query)
             if not keyword.iskeyword(w)}
    # The modules that choose and arrange content must take every topic word from data.
    modules = ("topics", "select", "index", "brief", "prose", "variants", "budget", "build")
    code = " ".join((ROOT / "briefing" / f"{m}.py").read_text("utf-8").lower() for m in modules)
    assert not {w for w in words if f" {w} " in code or f'"{w}"' in code}, "topic words belong in topics.yaml"


def test_judgments_accept_the_icd_203_scale_and_its_paired_terms(tmp_path):
    words = ["almost no chance", "remote", "very unlikely", "highly improbable", "unlikely", "improbable",
             "roughly even chance", "roughly even odds", "likely", "probable", "probably", "very likely",
             "highly probable", "almost certain", "nearly certain"]
    body = HEAD + "  - title: a\njudgments:\n" + "".join(
        f"  - text: t{i}\n    likelihood: {w}\n    confidence: {('low', 'moderate', 'high')[i % 3]}\n"
        for i, w in enumerate(words))
    (tmp_path / "o.yaml").write_text(body, "utf-8")
    o = load_outline(tmp_path / "o.yaml")
    assert [j.likelihood for j in o.judgments] == words
    assert o.judgments[0].band == "1–5%" and o.judgments[-1].band == "95–99%"


def test_schema_command_prints_json_schema_documenting_every_field(project, run):
    doc = json.loads(run("schema").output)
    assert doc["$schema"].startswith("https://json-schema.org/")

    def walk(node, path):
        assert node.get("description"), f"{path} has no description"
        for key, child in node.get("properties", {}).items():
            walk(child, f"{path}.{key}")
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]")
        for choice in node.get("anyOf", []):
            if "properties" in choice:
                walk(choice, path)
    walk(doc, "outline")
    topic = doc["properties"]["sections"]["items"]["properties"]["topic"]
    assert set(topic["enum"]) >= {"history", "security", "arms", "energy", "iran", "disputes"}
    assert set(doc["properties"]["judgments"]["items"]["properties"]["likelihood"]["enum"]) == set(LIKELIHOOD)
    walk(json.loads(run("schema", "--topics").output), "topics")


def test_shipped_outlines_match_the_schema_and_broken_ones_do_not(project, run):
    jsonschema = pytest.importorskip("jsonschema")
    from briefing import yamlio

    schema = json.loads(run("schema").output)
    for path in sorted(Path("outlines").glob("*.yaml")):
        jsonschema.validate(yamlio.load(path), schema)
    for name in ("unknown key", "wrong type", "unknown topic", "bad likelihood word"):
        Path("broken.yaml").write_text(BROKEN[name][0]["o"], "utf-8")
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(yamlio.load(Path("broken.yaml")), schema)


def test_load_outline_reports_all_problems_as_one_error(tmp_path):
    (tmp_path / "o.yaml").write_text(HEAD + "  - title: a\n    excerpts: -1\n    topic: nope\n", "utf-8")
    with pytest.raises(OutlineError) as e:
        load_outline(tmp_path / "o.yaml")
    assert e.value.problems == [
        f"{tmp_path}/o.yaml:5:15: sections[0].excerpts: expected an integer from 0 to 50, got -1",
        f"{tmp_path}/o.yaml:6:12: sections[0].topic: unknown topic 'nope' (topics: arms, disputes, energy, history, regional, security)"]
