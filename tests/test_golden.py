"""Golden test of the HTML stage on a small corpus of another subject.

Refresh after an intended change with:  BRIEFING_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

import difflib
import os
import re
import shutil

from briefing.build import Project, load
from briefing.brief import make_brief
from briefing.render import render_html
from briefing.select import select
from conftest import ROOT

GOLDEN = ROOT / "tests" / "data" / "golden"


def render(tmp_path):
    shutil.copytree(GOLDEN / "seeds", tmp_path / "seeds")
    shutil.copytree(GOLDEN / "outlines", tmp_path / "outlines")
    project = Project(tmp_path)
    corpus, outline = load(project, None)
    brief = make_brief(corpus, outline, select(corpus, outline, project.index))
    html = render_html(brief, templates=None, assets=None, manifest_name="briefing.evidence.json",
                       removed_count=len(corpus.removed))
    # The stylesheet (with inlined fonts) is checked elsewhere; the golden file holds the document.
    return re.sub(r"<style>.*?</style>", "<style>…</style>", html, count=1, flags=re.S)


def test_html_matches_golden(tmp_path, on_backend):
    html = render(tmp_path)
    expected_path = GOLDEN / "expected.html"
    if os.environ.get("BRIEFING_UPDATE_GOLDEN"):
        expected_path.write_text(html, "utf-8")
    expected = expected_path.read_text("utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True), "expected.html", "actual"))
    assert not diff, "HTML changed; if intended, refresh with BRIEFING_UPDATE_GOLDEN=1\n" + diff


def test_html_is_the_same_twice(tmp_path):
    assert render(tmp_path / "a") == render(tmp_path / "b")
