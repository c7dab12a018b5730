"""`briefing diff` and the "Changes since version X" annex: two issues of the minister's brief,
built before and after a key judgment changes, compared by their manifests and by their PDFs."""

import copy
import json

import docx
from pypdf import PdfReader

CHANGED = "likelihood unlikely (20–45%) → roughly even chance (45–55%)"


def test_diff_reports_the_changed_judgment(issues, run):
    root, old, _, new = issues
    result = run("diff", str(old), str(new.manifest))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("from version 1.0 (22 November 2026") and lines[1].startswith("  to version 1.1")
    assert "Key judgments: 1 changed" in lines
    (line,) = [x for x in lines if x.startswith("  changed:")]
    assert line == f"  changed: “Iranian pressure is unlikely to break the relationship, but it keeps Baku " \
                   f"reluctant to show it in public.”: {CHANGED}"
    assert {"Excerpts: no change", "Figures: no change", "Sources: no change"} <= set(lines)


def test_diff_reads_the_manifests_inside_the_pdfs(issues, run):
    root, old, old_pdf, new = issues
    by_manifest = run("diff", str(old), str(new.manifest)).output.splitlines()
    by_pdf = run("diff", str(old_pdf), str(new.pdf))
    assert by_pdf.exit_code == 0, by_pdf.output
    assert by_pdf.output.splitlines()[2:] == by_manifest[2:]   # the same changes; only the paths differ


def test_diff_json(issues, run):
    _, old, _, new = issues
    data = json.loads(run("diff", "--json", str(old), str(new.manifest)).output)
    assert (data["old"]["version"], data["new"]["version"]) == ("1.0", "1.1")
    (change,) = data["judgments"]
    assert change["change"] == "changed"
    assert (change["old"]["likelihood"], change["new"]["likelihood"]) == ("unlikely", "roughly even chance")
    assert data["excerpts"] == data["figures"] == data["sources"] == []


def test_the_brief_prints_changes_since_the_earlier_issue(issues):
    _, _, _, new = issues
    reader = PdfReader(new.pdf)
    assert len(reader.pages) <= 2   # the annex fits the minister's budget
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Changes since version 1.0" in text
    assert "Compared with version 1.0 of 22 November 2026" in text
    assert "unlikely (20–45%) → roughly even chance (45–55%)" in text   # "likelihood" may be hyphenated
    manifest = json.loads(new.manifest.read_text("utf-8"))
    assert manifest["brief"]["version"] == "1.1"
    # The Word copy carries the same annex.
    paragraphs = [p.text for p in docx.Document(str(new.docx)).paragraphs]
    assert "Changes since version 1.0" in paragraphs
    assert any(CHANGED in p for p in paragraphs)


def test_compare_reports_excerpts_figures_and_sources(built):
    from briefing.diff import compare

    _, manifest, _ = built
    old = copy.deepcopy(manifest)
    dropped = old["excerpts"].pop(0)            # new in the later issue
    old["excerpts"].append(dict(dropped, source="gone", text="A quote since dropped."))
    chart = old["charts"][1]
    moved = chart["points"][0]
    moved["value"] = (moved.get("value") or 0) + 1
    added = old["sources"].pop()
    changes = compare(old, manifest)
    how = {(c.what, c.how) for c in changes.changes}
    assert {("excerpt", "added"), ("excerpt", "dropped"), ("figure", "changed"), ("source", "added")} == how
    (excerpt,) = [c for c in changes.changes if c.what == "excerpt" and c.how == "added"]
    section = next(p["title"] for p in manifest["brief"]["sections"] if p["id"] == dropped["section"])
    assert excerpt.line.startswith(f"added to {section}: “{' '.join(dropped['printed'].split()[:5])}")
    (figure,) = [c for c in changes.changes if c.what == "figure"]
    assert figure.line.startswith(f"chart “{chart['title']}”: ") and "read as" in figure.line
    (source,) = [c for c in changes.changes if c.what == "source"]
    assert source.line == f"added: “{added['title']}” ({added['id']})"
    assert compare(manifest, manifest).changes == ()


def test_bad_inputs_are_one_line(project, run):
    (project / "notes.json").write_text('{"a": 1}', "utf-8")
    (project / "broken.json").write_text('{"a": ', "utf-8")
    from pypdf import PdfWriter

    blank = PdfWriter()
    blank.add_blank_page(100, 100)
    blank.write(project / "blank.pdf")
    (project / "torn.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    (project / "partial.json").write_text('{"brief": {}, "sources": [], "excerpts": [{"source": "x"}]}', "utf-8")
    for args, error in (
            (["notes.json", "notes.json"], "error: notes.json: not an evidence manifest (no brief, sources and excerpts)"),
            (["broken.json", "notes.json"], "error: broken.json:1:7: not valid JSON: Expecting value"),
            (["missing.json", "notes.json"], "error: missing.json: No such file or directory"),
            (["partial.json", "notes.json"], "error: partial.json: not an evidence manifest: excerpts[0] has no text"),
            (["seeds/sources.yaml", "notes.json"], "error: seeds/sources.yaml:1:1: not valid JSON: Expecting value"),
            (["blank.pdf", "notes.json"], "error: blank.pdf: the PDF carries no evidence manifest (was it built by "
                                          "briefing?)"),
            (["torn.pdf", "notes.json"], "error: torn.pdf: cannot read the PDF (PdfStreamError: Stream has ended "
                                         "unexpectedly)")):
        result = run("diff", *args)
        assert (result.exit_code, result.output.strip()) == (1, error)


def test_changes_since_must_name_a_file_and_is_not_inherited(project, run):
    minister = project / "outlines" / "minister.yaml"
    minister.write_text(minister.read_text("utf-8") + "changes_since: archive/nowhere.json\n", "utf-8")
    result = run("check", "minister")
    line = len(minister.read_text("utf-8").splitlines())
    assert result.exit_code == 1
    assert result.output.startswith(f"error: outlines/minister.yaml:{line}:16: changes_since: no such file "
                                    f"'archive/nowhere.json'")
    from briefing.outline import load_outline
    from briefing.topics import load_topics

    default = project / "outlines" / "default.yaml"
    default.write_text(default.read_text("utf-8") + "changes_since: outlines/press.yaml\n", "utf-8")
    topics = load_topics(project)
    assert load_outline(default, root=project, topics=topics).changes_since == project / "outlines" / "press.yaml"
    assert load_outline(project / "outlines" / "press.yaml", root=project, topics=topics).changes_since is None
