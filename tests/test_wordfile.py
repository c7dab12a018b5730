"""The Word copy (`build --docx`), read back as a colleague's Word would: python-docx for the
text and styles, the footnotes part for the notes; every note and quote equal to the manifest's."""

import json
import re
import shutil
import zipfile

import docx
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def word(built):
    pdf, manifest, html = built
    path = pdf.with_suffix(".docx")
    return path, docx.Document(str(path)), manifest, html


def footnotes(path) -> dict[int, str]:
    """Return the real footnotes (not the separators) by id, as text without the reference mark."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/footnotes.xml"))
    return {int(f.get(W + "id")): "".join(t.text for t in f.iter(W + "t")).strip()
            for f in root.iter(W + "footnote") if f.get(W + "type") is None}


def styled(doc, style: str) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == style]


def test_footnotes_are_real_and_equal_the_manifests_notes(built):
    path, doc, manifest, _ = word(built)
    notes = footnotes(path)
    assert len(notes) == len(manifest["notes"]) > 50
    assert notes == {n["number"]: n["text"] for n in manifest["notes"]}
    # Each note is called once, in reading order, so Word numbers them as the PDF does.
    body = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert [int(i) for i in re.findall(r'<w:footnoteReference w:id="(\d+)"', body)] == list(range(1, len(notes) + 1))
    content_types = zipfile.ZipFile(path).read("[Content_Types].xml").decode("utf-8")
    assert 'PartName="/word/footnotes.xml"' in content_types
    assert any(r.reltype.endswith("/footnotes") for r in doc.part.rels.values())


def test_word_fills_in_the_contents_page_numbers_as_it_opens_the_file(built):
    path, doc, _, _ = word(built)
    assert any("TOC \\o" in t.text for t in doc.element.body.iter(W + "instrText"))
    settings = [child.tag.split("}")[1] for child in etree.fromstring(zipfile.ZipFile(path).read("word/settings.xml"))]
    assert "updateFields" in settings   # in the schema's order: before the footnote properties and compat
    assert settings.index("savePreviewPicture") < settings.index("updateFields") < settings.index("footnotePr")


def test_excerpts_are_quotations_with_the_manifests_text(built):
    _, doc, manifest, _ = word(built)
    quotes = [q.removeprefix("… ").removesuffix(" …") for q in styled(doc, "Quote")]
    assert quotes == [e["printed"] for e in manifest["excerpts"]]
    sources = styled(doc, "Excerpt Source")
    assert len(sources) == len(quotes) and all(e["locator"] in s for e, s in zip(manifest["excerpts"], sources))


def test_same_headings_and_judgments_with_their_bands(built):
    _, doc, manifest, html = word(built)
    headings = [p.text for p in doc.paragraphs if p.style.name in ("Heading 1", "TOC Heading")]
    h2 = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    assert headings == h2
    assert styled(doc, "Title") == [manifest["brief"]["title"]]
    estimates = [f"{j['likelihood'].capitalize()} ({j['band']}) · {j['confidence'].capitalize()} confidence"
                 for j in manifest["judgments"]]
    assert styled(doc, "Estimate") == estimates
    judgments = styled(doc, "Judgment")
    assert len(judgments) == len(manifest["brief"]["summary"])
    assert all(line.rstrip(".") in j.replace("\t", " ") for line, j in zip(manifest["brief"]["summary"], judgments))


def test_charts_are_png_images_with_alt_text_and_data_tables(built):
    path, doc, manifest, _ = word(built)
    pictures = doc.inline_shapes
    alts = [s._inline.docPr.get("descr") for s in pictures]
    assert alts == [c["alt"] for c in manifest["charts"] if len(c["points"]) > 1]
    assert all(s._inline.graphic.graphicData.pic.blipFill.blip.embed for s in pictures)
    media = [n for n in zipfile.ZipFile(path).namelist() if n.startswith("word/media/")]
    assert media and all(zipfile.ZipFile(path).read(n).startswith(b"\x89PNG") for n in media)
    # The data behind each chart, and the register, are Word tables with a repeated header row.
    heads = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert ["Date", "Event, in the source’s words", "Source"] in heads
    register = next(t for t in doc.tables if t.rows[0].cells[0].text == "Source")
    assert len(register.rows) == len(manifest["sources"]) + 1


def test_bibliography_and_the_marking_in_header_and_footer(built):
    _, doc, manifest, html = word(built)
    entries = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", li)).strip().replace("&amp;", "&")
               for li in re.findall(r"<li>(.*?)</li>", html.split('id="bibliography"')[1].split("</ul>")[0], re.S)]
    assert styled(doc, "Bibliography Entry") == entries
    marking = manifest["brief"]["marking"]
    section = doc.sections[0]
    assert section.header.paragraphs[0].text == marking
    footer = section.footer.paragraphs[0]
    assert marking in footer.text and "Page" in footer.text
    assert [f.get(W + "instr") for f in footer._p.iter(W + "fldSimple")] == ["PAGE", "NUMPAGES"]
    assert doc.core_properties.title == manifest["brief"]["title"]


def test_prose_hostile_text_and_the_same_bytes_twice(tmp_path):
    """On the small golden corpus: Markdown prose keeps its emphasis and lists, raw markup and
    characters XML cannot carry do not break the file, and a rebuild gives the same bytes."""
    from briefing.build import Project, build
    from conftest import ROOT

    golden = ROOT / "tests" / "data" / "golden"
    for name in ("seeds", "outlines"):
        shutil.copytree(golden / name, tmp_path / name)
    outline = tmp_path / "outlines" / "default.yaml"
    text = outline.read_text("utf-8").replace("title: Flood Defence Options", 'title: "Flood \\x07Defence\\uFFFE Options"')
    outline.write_text(text.replace("      Raw <b>markup</b>", "      - one `item`\n      - two\n\n      Raw <b>markup</b>"),
                       "utf-8")
    first = build(Project(tmp_path), None, docx=True).docx.read_bytes()
    result = build(Project(tmp_path), None, docx=True)
    assert result.docx.read_bytes() == first
    doc = docx.Document(str(result.docx))
    assert styled(doc, "Title") == ["Flood Defence Options"]
    prose = next(p for p in doc.paragraphs if p.text.startswith("Restored marshes"))
    assert [r.text for r in prose.runs if r.italic] == ["store"]
    assert [p.text for p in doc.paragraphs if p.style.name == "List Bullet"] == ["one item", "two"]
    assert any(p.text == "Raw <b>markup</b> in analyst text is printed, never interpreted." for p in doc.paragraphs)
    notes = json.loads(result.manifest.read_text("utf-8"))["notes"]
    assert footnotes(result.docx) == {n["number"]: n["text"] for n in notes}
