"""Citations that stay put: a [@source, par. N] whose paragraph moves or changes is refused."""

import json

from conftest import ROOT, read_source


def test_the_shipped_outlines_citations_are_recorded():
    lock = json.loads((ROOT / "outlines" / "citations.lock").read_text("utf-8"))
    assert lock["blooming-friendship"]["11"].startswith("Although Iran may not be in a position to keep Israel")


def test_a_paragraph_inserted_at_the_top_of_a_seed_is_reported_with_where_the_cited_text_went(project, run):
    seed = project / "seeds" / "blooming-friendship.txt"
    seed.write_text("The editors added this opening paragraph to the article much later.\n\n" + read_source(seed),
                    "utf-8")
    line, column = next((n, text.index("[@blooming-friendship, par. 11]") + 1) for n, text in enumerate(
        (project / "outlines" / "default.yaml").read_text("utf-8").splitlines(), 1)
        if "[@blooming-friendship, par. 11]" in text)
    for command in ("check", "build"):
        result = run(command)
        assert result.exit_code == 1
        first, second = result.output.splitlines()   # every moved citation, each once
        assert first == (f"error: outlines/default.yaml:{line}:{column}: [@blooming-friendship, par. 11] cited "
                         "“Although Iran may not be in a position to keep Israel and …”, "
                         "which is now par. 12; write [@blooming-friendship, par. 12]")
        assert second.endswith("[@blooming-friendship, par. 29] cited ““We estimate that there are approximately "
                               "25,000 Jews living in Azerbaijan,” Mark …”, which is now par. 30; write "
                               "[@blooming-friendship, par. 30]")
    outline = project / "outlines" / "default.yaml"
    outline.write_text(outline.read_text("utf-8").replace("[@blooming-friendship, par. 29]", "[@blooming-friendship, par. 30]")
                       .replace("[@blooming-friendship, par. 11]", "[@blooming-friendship, par. 12]"), "utf-8")
    result = run("check")
    assert result.exit_code == 0, result.output


def test_a_changed_paragraph_names_the_nearest_and_repin_accepts_it(project, run):
    seed = project / "seeds" / "blooming-friendship.txt"
    text = read_source(seed)
    seed.write_text(text.replace("Although Iran may not be in a position", "Although Iran might not be in a position"),
                    "utf-8")
    result = run("check")
    assert result.exit_code == 1
    assert "which changed; the nearest is par. 11 (9" in result.output
    assert "briefing check --repin" in result.output
    assert run("check", "--repin").exit_code == 0
    assert run("check").exit_code == 0
    lock = json.loads((project / "outlines" / "citations.lock").read_text("utf-8"))
    assert lock["blooming-friendship"]["11"].startswith("Although Iran might not be in a position")
