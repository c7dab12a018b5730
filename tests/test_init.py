"""`briefing init`, then a project on another subject entirely (street trees and urban heat):
nothing in the pipeline depends on the seeds this repository ships."""

import json

from pypdf import PdfReader

SHADE = """# Street Trees and Summer Heat

Mature street trees lower the surface temperature of the pavement beneath them by as much as 12 degrees on a clear afternoon, according to the city's survey of 40 streets.

Residents of blocks without canopy reported more heat-related visits to clinics during the July heatwave than residents of shaded blocks.

Planting budgets have grown slowly: the council spent about 2 million on new trees last year, roughly the same as a decade ago.
"""

WATER = """# Keeping Young Trees Alive

A newly planted tree needs around 100 litres of water a week during its first three summers, and many die when watering stops too early.

Volunteer watering groups adopted 600 young trees last summer; the survival rate among adopted trees was far higher than among the rest.

Drought rules that ban hose use can leave street trees without water unless the council exempts them.
"""

SOURCES = """sources:
  - id: shade
    file: shade.txt
    title: Street Trees and Summer Heat
    outlet: Municipal Climate Review
    date: 2025-06-30
    type: analysis
  - id: water
    file: water.txt
    title: Keeping Young Trees Alive
    type: reference
"""

TOPICS = """topics:
  heat:
    title: Heat and health
    query: heat* OR temperature* OR clinic*
    exclude: [watering]
  watering:
    title: Watering young trees
    query: water* OR drought OR litres
"""

OUTLINE = """title: Street Trees Against Summer Heat
audience: Parks committee
marking: INTERNAL
date: 2026-02-01
judgments:
  - text: More canopy will very likely reduce heat-related clinic visits [@shade, par. 2].
    likelihood: very likely
    confidence: moderate
sections:
  - topic: heat
    excerpts: 2
    text: |
      Shade matters most on the hottest afternoons [@cool].
    quotes:
      - id: cool
        source: shade
        text: Mature street trees lower the surface temperature of the pavement beneath them
  - topic: watering
    excerpts: 2
"""


def test_init_scaffolds_a_project_that_builds(tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    result = run("init", "trees")
    assert result.exit_code == 0, result.output
    for path in ("seeds/sources.yaml", "seeds/example.txt", "outlines/default.yaml", "README.md", "topics.yaml"):
        assert (tmp_path / "trees" / path).is_file(), path
    assert "Trees" in (tmp_path / "trees" / "outlines" / "default.yaml").read_text("utf-8")
    monkeypatch.chdir(tmp_path / "trees")
    assert run("check").exit_code == 0
    result = run("build", "--json")   # one JSON report of what was written
    assert result.exit_code == 0, result.output
    (built,) = json.loads(result.stdout)["built"]
    assert (built["outline"], built["pdf"], built["manifest"]) == ("outlines/default.yaml", "out/briefing.pdf",
                                                                   "out/briefing.evidence.json")
    assert built["pages"] == len(PdfReader(tmp_path / "trees" / "out" / "briefing.pdf").pages)
    monkeypatch.chdir(tmp_path)
    again = run("init", "trees")
    assert again.exit_code == 1 and "already exists and is not empty" in again.output


def test_a_project_on_another_subject_with_its_own_topics(tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    assert run("init", "trees").exit_code == 0
    root = tmp_path / "trees"
    (root / "seeds" / "example.txt").unlink()
    (root / "seeds" / "shade.txt").write_text(SHADE, "utf-8")
    (root / "seeds" / "water.txt").write_text(WATER, "utf-8")
    (root / "seeds" / "sources.yaml").write_text(SOURCES, "utf-8")
    (root / "topics.yaml").write_text(TOPICS, "utf-8")
    (root / "outlines" / "default.yaml").write_text(OUTLINE, "utf-8")
    (root / "outlines" / "councillor.yaml").write_text(
        "extends: default.yaml\naudience: Councillor\ncover: false\ncontents: false\nback_matter: []\n"
        "max_pages: 1\npage: {size: letter}\ndrop: [watering]\n", "utf-8")
    monkeypatch.chdir(root)
    result = run("build", "--all")
    assert result.exit_code == 0, result.output

    manifest = json.loads((root / "out" / "briefing.evidence.json").read_text("utf-8"))
    by_topic = {}
    for e in manifest["excerpts"]:
        by_topic.setdefault(e["topic"], set()).add(e["passage"])
    assert by_topic["heat"] == {"shade.p1", "shade.p2"}          # the pinned quote, then the clinics
    assert "water.p1" in by_topic["watering"] and "water.p3" in by_topic["watering"]
    assert not by_topic["heat"] & by_topic["watering"]
    assert manifest["brief"]["summary"] == ["More canopy will very likely reduce heat-related clinic visits."]

    text = " ".join(page.extract_text() for page in PdfReader(root / "out" / "briefing.pdf").pages)
    for words in ("Heat and health", "Watering young trees", "KEY JUDGMENTS", "Very likely (80–95%)", "INTERNAL",
                  "Municipal Climate Review"):
        assert words in text, words
    short = PdfReader(root / "out" / "councillor.pdf")
    assert len(short.pages) == 1 and [round(float(x)) for x in short.pages[0].mediabox[2:]] == [612, 792]
    assert "Watering young trees" not in short.pages[0].extract_text()
