"""`briefing add` on real documents: saved web pages with comment threads, a PDF report and a
Word file; metadata from the documents themselves, nothing quotable but the author's words."""

import hashlib
import io
import shutil

import pypdf
import pytest
import yaml

from briefing.corpus import load_corpus
from briefing.scaffold import init
from conftest import ROOT, read_source

REAL = ROOT / "tests" / "data" / "real"


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A new project from `briefing init`, the current folder."""
    init(tmp_path / "p", title="Imports", today="2026-11-30")
    monkeypatch.chdir(tmp_path / "p")
    return tmp_path / "p"


def entries(project):
    return {s["id"]: s for s in yaml.safe_load((project / "seeds" / "sources.yaml").read_text("utf-8"))["sources"]}


def quotable(project, source_id):
    corpus = load_corpus(project / "seeds", root=project)
    return corpus, [p for p in corpus.passages_of(source_id) if p.n]


def test_a_blog_post_comes_in_without_its_comment_thread_or_navigation(fresh, run):
    result = run("add", str(REAL / "lemire.me.json.html"), "--id", "simdjson")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("added simdjson: seeds/simdjson.txt from seeds/simdjson.html; review its entry")
    assert '    title: "JSON parsing: simdjson vs. JSON for Modern C++"\n' in result.output
    e = entries(fresh)["simdjson"]
    assert {k: e[k] for k in ("title", "author", "date", "outlet", "url")} == {
        "title": "JSON parsing: simdjson vs. JSON for Modern C++", "author": "Daniel Lemire", "date": "2019-08-02",
        "outlet": "Daniel Lemire's blog",
        "url": "https://lemire.me/blog/2019/08/02/json-parsing-simdjson-vs-json-for-modern-c/"}
    original = (REAL / "lemire.me.json.html").read_bytes()
    assert (fresh / "seeds" / "simdjson.html").read_bytes() == original
    assert e["original_sha256"] == hashlib.sha256(original).hexdigest()
    assert e["sha256"] == hashlib.sha256((fresh / "seeds" / "simdjson.txt").read_bytes()).hexdigest()
    corpus, passages = quotable(fresh, "simdjson")
    text = " ".join(p.clean for p in passages)
    assert text.startswith("JSON is the ubiquitous data format on the Internet.")
    assert "simdjson can parse, validate a JSON document and create a DOM tree" in text
    for chrome in ("Thanks, for posting this", "vcpkg has simdjson", "thoughts on", "Leave a Reply", "degski",
                   "Your email address will not be published", "Skip to content", "My papers", "Reply"):
        assert chrome not in read_source(fresh / "seeds" / "simdjson.txt"), chrome


def test_a_news_page_keeps_its_article_and_loses_related_posts_share_bar_and_comments_link(fresh, run):
    result = run("add", str(REAL / "boingboing.net.millenials.html"))
    assert result.exit_code == 0, result.output
    (sid, e), = [(k, v) for k, v in entries(fresh).items() if k != "example"]
    assert {k: e[k] for k in ("title", "author", "date", "outlet", "url")} == {
        "title": "Hating Millennials - the prejudice you're allowed to boast about", "author": "Cory Doctorow",
        "date": "2013-07-19", "outlet": "Boing Boing",
        "url": "https://boingboing.net/2013/07/19/hating-millennials-the-preju.html"}
    text = read_source(fresh / "seeds" / e["file"])
    assert text.startswith("Cartoonist Matt Bors got a spot on CNN")
    for chrome in ("COMMENTS", "Choir! Choir! Choir!", "Patti Smith", "Canadaland", "MATLAB", "Share", "Tweet"):
        assert chrome not in text, chrome


def test_a_pdf_report_is_read_page_by_page_and_cited_by_page(fresh, run):
    result = run("add", str(REAL / "pep-0387.pdf"), "--id", "compat")
    assert result.exit_code == 0, result.output
    e = entries(fresh)["compat"]
    assert (e["title"], e["author"], e["date"]) == ("Backwards Compatibility Policy", "Benjamin Peterson", "2009-06-18")
    text = read_source(fresh / "seeds" / "compat.txt")
    pages = pypdf.PdfReader(REAL / "pep-0387.pdf").pages
    assert text.count("\f") == len(pages) - 1 == 2
    corpus, passages = quotable(fresh, "compat")
    from briefing.corpus import locator
    printed = [" ".join(page.extract_text().split()) for page in pages]
    for p in passages:
        words = p.clean.split()
        # The page the PDF library finds a paragraph's first and last words on is the page cited.
        on = [n for n, page in enumerate(printed, 1) if " ".join(words[:4]) in page]
        assert on and locator(corpus.source("compat"), p.start, p.end, p.n) in (f"p. {on[0]}", f"pp. {on[0]}–{on[0] + 1}")
    cited = {p.clean.split(",")[0]: locator(corpus.source("compat"), p.start, p.end, p.n) for p in passages}
    assert cited["This PEP outlines Python's backwards compatibility policy."] == "p. 1"
    assert cited["In general"] == "p. 2"


def test_a_word_file_keeps_headings_lists_and_its_core_properties(fresh, run):
    result = run("add", str(REAL / "pep-0001.docx"), "--id", "pep1")
    assert result.exit_code == 0, result.output
    assert '    author:\n      - "Barry Warsaw"\n      - "Jeremy Hylton"\n      - "David Goodger"\n' \
           '      - "Alyssa Coghlan"\n' in result.output
    e = entries(fresh)["pep1"]
    assert (e["title"], e["date"]) == ("PEP Purpose and Guidelines", "2000-06-13")
    corpus, passages = quotable(fresh, "pep1")
    headings = [p.clean for p in corpus.passages_of("pep1") if p.kind == "heading"]
    assert headings[:3] == ["PEP 1 – PEP Purpose and Guidelines", "What is a PEP?", "PEP Audience"]
    assert passages[0].heading == "What is a PEP?"
    assert corpus.source("pep1").authors == ("Barry Warsaw", "Jeremy Hylton", "David Goodger", "Alyssa Coghlan")


def test_markdown_front_matter_is_the_metadata_and_plain_text_is_taken_as_it_is(fresh, run, tmp_path):
    note = tmp_path / "note.md"
    note.write_text("---\ntitle: Backwards Compatibility Policy\nauthor: Benjamin Peterson\ndate: 2009-06-18\n---\n"
                    "# Abstract\n\nThis PEP outlines Python's backwards compatibility policy.\n", "utf-8")
    plain = tmp_path / "plain.txt"
    shutil.copy(REAL / "wikimedia-turkey-75col.txt", plain)
    result = run("add", str(note), str(plain))
    assert result.exit_code == 0, result.output
    e = entries(fresh)
    md = e["backwards-compatibility-policy"]
    assert (md["title"], md["author"], md["date"], md["original"]) == (
        "Backwards Compatibility Policy", "Benjamin Peterson", "2009-06-18", "backwards-compatibility-policy.md")
    assert read_source(fresh / "seeds" / md["file"]).startswith("# Abstract\n")
    assert "original" not in e["plain"] and e["plain"]["title"] == ""
    assert (fresh / "seeds" / "plain.txt").read_bytes() == plain.read_bytes()


def _broken(tmp_path):
    """Real-tool-made broken inputs: an encrypted PDF, a scanned (image-only) PDF, a truncated PDF, a fake .docx."""
    reader = pypdf.PdfReader(REAL / "pep-0387.pdf")
    locked = pypdf.PdfWriter(clone_from=reader)
    locked.encrypt("secret", algorithm="RC4-128")
    blank = pypdf.PdfWriter()
    blank.add_blank_page(595, 842)
    blank.add_blank_page(595, 842)
    files = {}
    for name, writer in (("locked.pdf", locked), ("scanned.pdf", blank)):
        buf = io.BytesIO()
        writer.write(buf)
        files[name] = buf.getvalue()
    files["cut.pdf"] = (REAL / "pep-0387.pdf").read_bytes()[:2000]
    files["fake.docx"] = (REAL / "lemire.me.json.html").read_bytes()
    tmp_path.mkdir()
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.parametrize("name, error", [
    ("locked.pdf", "encrypted PDF (it needs a password); save an unencrypted copy and add that"),
    ("scanned.pdf", "no text in its 2 page(s): a scanned PDF? Run OCR on it first (e.g. ocrmypdf) and add the result"),
    ("cut.pdf", "not a readable PDF"),
    ("fake.docx", "not a readable Word (.docx) file"),
])
def test_an_unreadable_file_is_one_line_naming_it_and_nothing_is_half_added(fresh, run, tmp_path, name, error):
    folder = _broken(tmp_path / "in")
    before = {p.name: p.read_bytes() for p in (fresh / "seeds").iterdir()}
    # The good file first: it must not stay behind when the bad one fails.
    result = run("add", str(REAL / "pep-0001.docx"), str(folder / name))
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {folder / name}: {error}") and result.output.count("\n") == 1
    assert {p.name: p.read_bytes() for p in (fresh / "seeds").iterdir()} == before


def test_a_source_that_would_break_the_project_is_not_added(fresh, run):
    sources = fresh / "seeds" / "sources.yaml"
    sources.write_text(sources.read_text("utf-8") + "boilerplate:\n  drop_patterns: [{pattern: '.', reason: all}]\n",
                       "utf-8")
    before = sorted(p.name for p in (fresh / "seeds").iterdir())
    result = run("add", str(REAL / "pep-0387.pdf"))
    assert result.exit_code == 1 and "no quotable paragraph" in result.output
    assert sorted(p.name for p in (fresh / "seeds").iterdir()) == before


def test_a_brief_from_imported_sources_cites_pages_for_the_pdf_and_the_url_for_the_web_page(fresh, run):
    import json

    for name, sid in (("lemire.me.json.html", "simdjson"), ("pep-0387.pdf", "compat"), ("pep-0001.docx", "pep1")):
        assert run("add", str(REAL / name), "--id", sid).exit_code == 0
    (fresh / "outlines" / "default.yaml").write_text("""\
title: Imported sources
date: 2026-11-30
sections:
  - title: Parser speed
    query: simdjson speed
    excerpts: 2
    text: A blog post measures one parser at about twenty times the speed of another [@simdjson, par. 5].
  - title: Compatibility policy
    query: '"deprecation warning"'
    excerpts: 1
    text: Changes without a deprecation warning go to the steering council [@compat, par. 21].
  - title: The PEP process
    query: champion
    excerpts: 1
""", "utf-8")
    result = run("build")
    assert result.exit_code == 0, result.output
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(fresh / "out" / "briefing.pdf").pages)
    assert "Benjamin Peterson, “Backwards Compatibility Policy,” 18 June 2009, p. 2." in text
    assert "Daniel Lemire, “JSON parsing: simdjson vs. JSON for Modern C++,” Daniel Lemire's blog, 2 August 2019, " \
           "par. 5, https://lemire.me/blog/" in text
    manifest = json.loads((fresh / "out" / "briefing.evidence.json").read_text("utf-8"))
    for e in manifest["excerpts"]:
        assert read_source(fresh / "seeds" / f"{e['source']}.txt")[e["start"]:e["end"]] == e["text"]
        assert "Reply" not in e["text"] and "degski" not in e["text"]
    assert {e["source"]: e["locator"] for e in manifest["excerpts"]}["compat"] == "p. 2"
    assert {s["id"]: s["original"] for s in manifest["sources"]}["compat"] == "seeds/compat.pdf"


def test_url_given_on_the_command_line_wins_and_ids_never_collide(fresh, run):
    url = "https://peps.python.org/pep-0387/"
    assert run("add", str(REAL / "pep-0387.pdf"), "--url", url).exit_code == 0
    assert run("add", str(REAL / "pep-0387.pdf")).exit_code == 0
    e = entries(fresh)
    assert e["backwards-compatibility-policy"]["url"] == url
    assert e["backwards-compatibility-policy-2"]["url"] == ""
    result = run("add", str(REAL / "pep-0387.pdf"), "--id", "backwards-compatibility-policy")
    assert result.exit_code == 1 and "a source 'backwards-compatibility-policy' is already in seeds/" in result.output


def test_notes_cite_the_printed_page_numbers_of_a_pdf_with_page_labels(fresh, run, tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(REAL / "pep-0387.pdf"))
    writer.set_page_label(0, 2, style="/D", start=41)   # pages of a longer report: 41, 42, 43
    writer.write(tmp_path / "chapter.pdf")
    result = run("add", str(tmp_path / "chapter.pdf"), "--id", "chapter")
    assert result.exit_code == 0, result.output
    assert "    first_page: 41\n" in result.output
    corpus, passages = quotable(fresh, "chapter")
    from briefing.corpus import locator
    first = next(p for p in passages if p.clean.startswith("In general, incompatibilities"))
    assert locator(corpus.source("chapter"), first.start, first.end, first.n) == "p. 42"
