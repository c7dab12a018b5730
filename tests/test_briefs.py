"""The three shipped outlines, read back from their PDFs: the analyst's book, the minister's two
pages (on A4 and on US Letter) and the public version; the page budget; build --all."""

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.build import Project, build
from briefing.errors import RenderError
from conftest import BUILD_ALL, copy_project, pdf_text

SIZES = {"A4": [595, 842], "letter": [612, 792]}


@pytest.fixture(scope="module")
def briefs(shipped):
    """Run `briefing build --all --html --docx` on the shipped project (once a session: the README shows
    it too); return {outline name: (pdf, manifest)} for the three shipped outlines."""
    result = shipped.run(*BUILD_ALL)
    assert result.exit_code == 0, result.output
    out = shipped.root / "out"
    return {name: (out / f"{pdf}.pdf", json.loads((out / f"{pdf}.evidence.json").read_text("utf-8")))
            for name, pdf in (("default", "briefing"), ("minister", "minister"), ("press", "press"))}


def texts(pdf):
    return list(pdf_text(pdf))


def test_each_shipped_outline_builds(briefs):
    assert set(briefs) == {"default", "minister", "press"}
    for name, (pdf, manifest) in briefs.items():
        assert manifest["brief"]["outline"] == name and manifest["brief"]["pages"] == len(PdfReader(pdf).pages)
        assert manifest["excerpts"], name


@pytest.mark.parametrize("size", SIZES)
def test_minister_fits_two_pages_with_its_markings_and_leads_with_the_judgments(briefs, tmp_path, size):
    if size == "A4":
        pdf, manifest = briefs["minister"]
    else:   # and printed on both sides: a memo runs on, with no blank page to start a section on the right
        result = build(Project(briefs["minister"][0].parents[1]), "minister", output=tmp_path / "m.pdf",
                       page={"size": size, "duplex": True})
        pdf, manifest = result.pdf, json.loads(result.manifest.read_text("utf-8"))
        assert not any("intentionally left blank" in t for t in texts(pdf))
    reader = PdfReader(pdf)
    assert len(reader.pages) <= 2
    assert all([round(float(x)) for x in page.mediabox[2:]] == SIZES[size] for page in reader.pages)
    pages = texts(pdf)
    for i, text in enumerate(pages, 1):
        assert text.count("OFFICIAL") >= 2 and f"Page {i} of {len(pages)}" in text
    # Main message first: no cover, no contents; the key judgments open page 1.
    lines = [line for line in pages[0].splitlines() if line.strip()]
    assert "KEY JUDGMENTS" in lines[:8] or "Key judgments" in lines[:8], lines[:8]
    assert "Contents" not in "".join(pages) and "Bibliography" not in "".join(pages)
    first = manifest["judgments"][0]["text"].split()[:5]
    assert " ".join(first) in " ".join(pages[0].split())
    assert [e["section"] for e in manifest["excerpts"]][:1] == ["iran"]


def test_press_is_public_without_judgments(briefs):
    pdf, manifest = briefs["press"]
    pages = texts(pdf)
    assert not any("OFFICIAL" in t for t in pages)
    assert all(t.count("PUBLIC") >= 2 for t in pages)
    assert not any("KEY JUDGMENTS" in t.upper() for t in pages)
    assert manifest["judgments"] == [] and manifest["brief"]["marking"] == "PUBLIC"
    assert manifest["brief"]["summary"][0].startswith("Israel recognised Azerbaijan")


def test_default_leads_with_judgments_after_the_cover(briefs):
    pdf, manifest = briefs["default"]
    pages = texts(pdf)
    assert "KEY JUDGMENTS" in pages[1] and "Contents" in pages[1]
    assert "Very likely (80–95%)" in pages[1] and "Moderate confidence" in pages[1]
    assert [s.replace("’", "'") for s in manifest["brief"]["summary"]] == [
        " ".join(j["text"].split()).split(" [@")[0] + "." for j in manifest["judgments"]]
    assert [j["likelihood"] for j in manifest["judgments"]] == ["very likely", "almost certain", "likely", "unlikely"]


def test_prose_citations_become_numbered_notes(briefs):
    pdf, manifest = briefs["default"]
    notes = manifest["notes"]
    assert [n["number"] for n in notes] == list(range(1, len(notes) + 1))
    # The first judgment cites par. 4; its note comes first and is a full note.
    assert (notes[0]["source"], notes[0]["par"], notes[0]["excerpt"]) == ("azerbaijan-israel-relations", 4, "")
    assert notes[0]["text"] == "Wikipedia, s.v. “Azerbaijan–Israel relations,” n.d., par. 4."
    # [@iceberg] cites the pinned quote: its source and paragraph.
    iceberg = next(n for n in notes if n["excerpt"] == "iceberg" and n["number"] < 20)
    assert iceberg["par"] == 9
    printed = " ".join(" ".join(texts(pdf)).split())
    assert all(n["text"] in printed for n in notes[:5])


def test_page_budget_drops_the_least_relevant_automatic_excerpts(tmp_path):
    copy_project(tmp_path)
    (tmp_path / "outlines" / "tight.yaml").write_text(
        "extends: minister.yaml\nmax_pages: 1\nsections:\n  - topic: iran\n    excerpts: 3\n    text: ''\n"
        "    quotes:\n      - id: shia\n        source: israel-delivers-aid\n"
        "        text: The Shia dimension is perhaps the most significant consideration for Israel.\n", "utf-8")
    result = build(Project(tmp_path), "tight")
    manifest = json.loads(result.manifest.read_text("utf-8"))
    assert result.pages == manifest["brief"]["pages"] == len(PdfReader(result.pdf).pages) == 1
    dropped = manifest["dropped"]
    assert dropped and result.dropped == len(dropped)
    assert not any(e["pinned"] for e in manifest["excerpts"] if e["id"] in {d["id"] for d in dropped})
    assert "shia" in [e["id"] for e in manifest["excerpts"]]          # pinned quotes are never dropped
    assert len(manifest["judgments"]) == 4                             # nor judgments
    # Least relevant first: the highest rank goes before any lower one.
    ranks = [d["rank"] for d in dropped]
    assert ranks == sorted(ranks, reverse=True)
    kept = {e["id"] for e in manifest["excerpts"]}
    assert all(d["id"] not in kept for d in dropped)


def test_page_budget_that_cannot_be_met_says_what_is_over(tmp_path):
    copy_project(tmp_path)
    # The source register alone does not fit on the page the judgments and prose leave.
    (tmp_path / "outlines" / "tiny.yaml").write_text(
        "extends: minister.yaml\nmax_pages: 1\nback_matter: [register]\n", "utf-8")
    with pytest.raises(RenderError) as e:
        build(Project(tmp_path), "tiny")
    message = str(e.value)
    assert message.startswith(f"{tmp_path / 'outlines' / 'tiny.yaml'}: the brief needs 2 pages even without any "
                              f"of its 4 automatic excerpts: 1 over max_pages (1); beyond page 1: ")
    assert "source register" in message
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("tiny*"))


def test_build_all_builds_every_outline_and_reports_each_failure(tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    assert run("init", "small").exit_code == 0   # a one-page project: the shipped outlines are built above
    monkeypatch.chdir(tmp_path / "small")
    Path("outlines/_base.yaml").write_text("title: not built\n", "utf-8")
    Path("outlines/broken.yaml").write_text("extends: missing.yaml\n", "utf-8")
    result = run("build", "--all")
    assert result.exit_code == 1   # one outline is broken; the others are built all the same
    lines = result.output.splitlines()
    assert "error: outlines/broken.yaml:1:10: extends: no such outline 'missing.yaml' " \
           "(looked for outlines/missing.yaml)" in lines
    assert any(line.startswith("wrote out/briefing.pdf (") for line in lines) and Path("out/briefing.pdf").exists()
    assert not Path("out/_base.pdf").exists()
    assert run("build", "--all", "minister").exit_code == 2


def test_excerpts_prose_and_judgments_are_styled_apart(built):
    import re

    _, _, html = built
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)

    def rule(selector):
        return re.search(re.escape(selector) + r"\s*\{([^}]*)\}", css).group(1)
    assert 'class="judgments"' in html and 'class="prose"' in html and 'class="excerpt' in html
    assert "background" in rule(".excerpt blockquote") and "Brief Sans" in rule(".excerpt blockquote")
    assert "border" in rule(".judgments") and "bold" in rule(".judgment")
    assert "background" not in rule(".prose p") and "Brief Sans" not in rule(".prose p")


# --- page furniture -----------------------------------------------------------------------------------

def pdftotext(pdf, *args) -> str:
    import shutil
    import subprocess

    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed: .ci/run installs it"
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_the_draft_watermark_is_no_text_in_the_judgments(briefs):
    pdf, manifest = briefs["default"]
    text = pdftotext(pdf)
    pages = text.split("\f")[:-1]
    # The word is in the bottom margin of each page, once; the diagonal mark is drawn, not written.
    assert all(p.count("DRAFT") == 1 for p in pages)
    assert not [line for line in text.splitlines() if line.strip() in set("DRAFT")]
    flowing = " ".join(pdftotext(pdf, "-layout").split())
    for j in manifest["brief"]["summary"]:   # each judgment reads whole, no letter of the mark inside it
        assert j.replace("'", "’")[:80] in flowing, j


def test_the_running_head_names_the_section_the_page_is_in(briefs):
    pdf, _ = briefs["default"]
    reader = PdfReader(pdf)
    starts = []   # (page, top) of each heading, from the bookmarks
    for mark in reader.outline:
        starts.append((reader.get_destination_page_number(mark), float(mark.top), mark.title))
    heads = [p.splitlines()[0].rstrip() for p in pdftotext(pdf, "-layout").split("\f")[1:-1]]
    top = max(t for _, t, _ in starts)   # a heading there (or just below, in a box) opens its page
    for page, head in enumerate(heads, 1):
        # The section that opens the page, else the last one begun on an earlier page.
        want = [title for p, t, title in starts if p < page or (p == page and t >= top - 12)][-1]
        assert head.endswith(want), (page + 1, head, want)


def test_a_brief_without_a_cover_prints_its_subtitle(briefs):
    pdf, manifest = briefs["minister"]
    first = pdftotext(pdf).split("\f")[0]
    assert manifest["brief"]["subtitle"] == "The partnership in two pages" and "The partnership in two pages" in first


def test_the_press_brief_leaves_out_internal_fields(briefs):
    pdf, manifest = briefs["press"]
    text = " ".join(pdftotext(pdf).split())
    assert "Grade" not in text and "not graded" not in text
    assert "No date in the header" not in text and "reader comments below it" not in text
    assert all(not s["date_note"] and not s["grade"] for s in manifest["sources"])
    internal = " ".join(pdftotext(briefs["default"][0]).split())
    assert "Grade" in internal and "No date in the header" in internal   # the analysts' brief keeps them
