"""The PDF as a recipient gets it: tagged PDF/A-3 with its evidence inside, bookmarks,
links, embedded fonts, print options, and the same bytes on every rebuild."""

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest
from pypdf import PdfReader

from conftest import ROOT, pdf_text


def struct_types(reader):
    seen, stack = set(), [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        if isinstance(node, list) or hasattr(node, "get_object") and isinstance(node.get_object(), list):
            stack.extend(x.get_object() for x in node.get_object())
            continue
        node = node.get_object()
        if not hasattr(node, "get"):
            continue
        if "/S" in node:
            seen.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(k.get_object() for k in (kids if isinstance(kids, list) else [kids]) if hasattr(k, "get_object"))
    return seen


def test_tagged_pdf_a3_with_language_and_metadata(built):
    pdf, manifest, _ = built
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en"
    assert {"/H2", "/P", "/Table", "/Link"} <= struct_types(reader)
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="U"' in xmp
    assert reader.metadata.title == manifest["brief"]["title"]
    assert reader.metadata["/CreationDate"] == "D:20261122000000Z"


def test_evidence_and_bibliography_travel_inside_the_pdf(built):
    pdf, manifest, _ = built
    files = {name: data[0] for name, data in PdfReader(pdf).attachments.items()}
    assert set(files) == {"briefing.evidence.json", "briefing.bibliography.json", "briefing.bibliography.bib"}
    # The manifest beside the PDF is the one inside it plus the PDF's own hash, which the PDF cannot carry.
    assert json.loads(files["briefing.evidence.json"]) | {"pdf_sha256": hashlib.sha256(pdf.read_bytes()).hexdigest()} \
        == manifest
    csl = json.loads(files["briefing.bibliography.json"])
    assert {c["id"] for c in csl} == {n["source"] for n in manifest["notes"]}
    assert {"family": "Zamejc", "given": "Anna"} in next(c for c in csl if c["id"] == "blooming-friendship")["author"]
    bib = files["briefing.bibliography.bib"].decode("utf-8")
    assert "@article{israel-delivers-aid," in bib and "journal = {Eurasia Daily Monitor}" in bib
    assert bib.count("\n@") + 1 == len(csl)


def test_bookmarks_and_internal_links(built):
    pdf, manifest, _ = built
    reader = PdfReader(pdf)
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles[:6] == ["Key judgments", "History of the relationship", "Security and intelligence cooperation",
                          "Arms sales and defence industry", "Energy and trade", "The Iran dimension"]
    assert titles[-3:] == ["Bibliography", "Source register", "About this brief"]
    dests = [a.get_object().get("/Dest") for page in reader.pages for a in page.get("/Annots") or []]
    assert {"history", "iran", "bibliography"} <= set(dests)  # the table of contents
    assert {f"note-{n['number']}" for n in manifest["notes"]} <= set(dests)  # every note call


def test_only_the_bundled_fonts_are_used_and_all_are_embedded(built):
    pdf, _, _ = built
    fonts = {}
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"]).split("+", 1)[1]] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values())
    assert set(fonts) <= {"Brief-Serif", "Brief-Serif-Italic", "Brief-Serif-Bold", "Brief-Serif-Bold-Italic",
                          "Brief-Sans", "Brief-Sans-Bold"}


def test_default_brief_is_small_enough_to_mail(built):
    pdf, _, _ = built
    assert pdf.stat().st_size < 1_000_000


def test_rebuilds_are_byte_identical_even_in_a_fresh_process(built, shipped, tmp_path):
    # The minister's brief, rebuilt from the repository in a fresh process in another time zone, against
    # the session's build --all (which built it beside `built`). Chart bytes: tests/test_charts.py.
    pdf = shipped.root / "out" / "minister.pdf"
    out = tmp_path / "minister.pdf"
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "SOURCE_DATE_EPOCH": "1"}
    subprocess.run([sys.executable, "-c", "from briefing.cli import main; main()", "build", "minister", "-o", str(out)],
                   cwd=ROOT, env=env,
                   check=True, capture_output=True)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(pdf.read_bytes()).hexdigest()


def page_texts(path):
    return pdf_text(path)


# A short book (cover, contents, two sections, back matter) for the print options, all in one build:
# each option has its own assertions below, and the full book is already built once (`built`).
PRINT = """extends: default.yaml
status: final
drop: [arms, energy, iran, disputes]
sections:
  - topic: history
    excerpts: 2
  - topic: security
    excerpts: 2
back_matter: [bibliography, register]
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Build the short book for a print shop: US Letter, duplex, 3 mm bleed, crop marks, status final."""
    from click.testing import CliRunner

    from briefing.cli import main
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("print"))
    (root / "outlines" / "print.yaml").write_text(PRINT, "utf-8")
    here = os.getcwd()
    try:
        result = CliRunner().invoke(main, ["-C", str(root), "build", "print", "--paper", "Letter", "--duplex",
                                           "--bleed", "3", "--crop-marks", "-o", "print.pdf"], catch_exceptions=False)
    finally:
        os.chdir(here)   # -C moved this process to root
    assert result.exit_code == 0, result.output
    return root / "print.pdf"


def test_paper_sizes_and_draft_watermark(built, printed):
    pdf, _, _ = built   # A4, a draft
    assert all([round(float(x)) for x in page.mediabox[2:]] == [595, 842] for page in PdfReader(pdf).pages)
    assert all("DRAFT" in t for t in page_texts(pdf))
    reader = PdfReader(printed)   # --paper Letter (any case), status: final
    assert all([round(float(x)) for x in page.trimbox[2:]] == [612, 792] for page in reader.pages)
    assert not any("DRAFT" in t for t in page_texts(printed))


def test_duplex_starts_sections_on_right_hand_pages_and_says_when_blank(printed):
    texts = page_texts(printed)
    blank = [i for i, t in enumerate(texts, 1) if "This page is intentionally left blank." in t]
    assert blank and all(i % 2 == 0 for i in blank)
    assert 2 in blank   # the back of the cover: the judgments and the contents open page 3
    assert [i for i, t in enumerate(texts, 1) if "KEY JUDGMENTS" in t or "Contents" in t.split("\n")[:4]] == [3]
    for heading in ("History of the relationship", "Security and intelligence cooperation", "Bibliography"):
        first = next(i for i, t in enumerate(texts, 1) if t.lstrip().split("\n")[0:3] and heading in t.split("\n")[:3])
        assert first % 2 == 1, heading


def test_bleed_and_crop_marks_enlarge_the_media_box(printed, project, run):
    for page in PdfReader(printed).pages:
        assert float(page.mediabox.width) == pytest.approx(float(page.trimbox.width) + 2 * 3 * 72 / 25.4, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(float(page.trimbox.height) + 2 * 3 * 72 / 25.4, abs=0.5)
    result = run("build", "--crop-marks", "-o", "x.pdf")
    assert (result.exit_code, result.output) == (
        1, "error: outlines/default.yaml: crop marks need a bleed; set page.bleed (e.g. 3) or --bleed 3\n")


def test_html_stands_alone(built):
    _, _, html = built
    assert 'src: url("data:font/ttf;base64,' in html
    for outside in ("http:", "https:", "file:", "@import"):
        assert outside not in html


def test_no_passage_matches_is_said_only_when_none_does(project, run):
    (project / "outlines" / "empty.yaml").write_text(
        "title: T\ndate: 2026-01-01\ncover: false\ncontents: false\nback_matter: []\nsections:\n"
        "  - {id: first, title: First, query: '\"Iron Dome\"', excerpts: 1}\n"
        "  - {id: again, title: Again, query: '\"Iron Dome\"', excerpts: 1}\n"
        "  - {id: nothing, title: Nothing, query: zebrafish, excerpts: 1}\n", "utf-8")
    result = run("build", "empty", "--html")
    assert result.exit_code == 0, result.output
    html = (project / "out" / "empty.html").read_text("utf-8")
    parts = {m[0]: m[1] for m in re.findall(r'<section class="part" id="(\w+)".*?>(.*?)</section>', html, re.S)}
    assert "<blockquote" in parts["first"] and '<p class="empty">' not in parts["first"]
    assert "are quoted in other sections" in parts["again"] and "No passage" not in parts["again"]
    assert "No passage in the sources matches this section’s query." in parts["nothing"]
