"""Hostile and broken input: nothing leaks, nothing crashes, nothing is lost.

Every case is something a colleague's outline, a downloaded article or a shared project
folder could contain. Each asserts the exact outcome: the one-line error and exit status,
that nothing outside the project's assets was fetched or printed, and that no file was
written but the outputs asked for.
"""

import gc
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import weakref
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefing import files, index, yamlio
from briefing.cli import main
from briefing.corpus import MAX_SEED_BYTES, Source, load_corpus, load_rules, segment
from briefing.errors import BriefingError, RenderError
from briefing.render import SafeFetcher, time_limit
from conftest import OUTLINE, SEED, SOURCES, write

REFUSED = "refused to fetch {}: only data: URIs and the project's own assets are allowed"
PAGE = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>t</title>{head}</head>\n'
        '<body><p>Body text.</p>{body}</body></html>\n')


def png() -> bytes:
    """Return a valid 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def tree(root: Path) -> dict[str, bytes]:
    """Return every file under root (but the search cache) with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".cache" not in p.parts}


def pdf_text(path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def pdf_images(path) -> int:
    return sum(len(page.images) for page in PdfReader(path).pages)


@pytest.fixture
def tiny(tiny, tmp_path):
    """The shared one-source project, with assets of its own and secrets beside it that must never leak."""
    root = tiny
    write(root / "assets" / "ok.css", 'p::after { content: " ASSET-CSS-OK" }')
    write(root / "assets" / "ok.png", png())
    write(root / "assets" / "ok.txt", "ASSET-ATTACHMENT-OK")
    write(tmp_path / "secret.css", 'p::after { content: " LEAKED-CSS" }')
    write(tmp_path / "secret.png", png())
    write(tmp_path / "secret.txt", "LEAKED-FILE")
    return root


@pytest.fixture
def connections(monkeypatch):
    """Record (and fail) every attempt to resolve or connect: nothing may reach the network."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in tests")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


def inject(root: Path, head: str = "", body: str = "") -> None:
    """Override the brief's template with one that makes the given references."""
    write(root / "templates" / "brief.html.j2", PAGE.format(head=head, body=body))


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]


# --- The renderer fetches only the project's own assets -------------------------------

def test_the_harness_sees_a_fetch_when_one_is_allowed(tiny, run, caplog):
    """Control: the project's own assets are fetched, so the refusals below are real."""
    inject(tiny, head='<link rel="stylesheet" href="ok.css"><link rel="attachment" href="ok.txt">',
           body='<img src="ok.png" alt="">')
    assert run("build").exit_code == 0
    assert "Body text. ASSET-CSS-OK" in pdf_text("out/briefing.pdf")
    assert pdf_images("out/briefing.pdf") == 1
    assert "ok.txt" in PdfReader("out/briefing.pdf").attachments
    assert refusals(caplog) == []


@pytest.mark.parametrize("head, body, refused", [
    # a stylesheet by absolute file: URL, by ../ traversal out of assets/, and by @import
    ('<link rel="stylesheet" href="file://{tmp}/secret.css">', "", "file://{tmp}/secret.css"),
    ('<link rel="stylesheet" href="../../secret.css">', "", "file://{tmp}/secret.css"),
    ('<style>@import url("file://{tmp}/secret.css");</style>', "", "file://{tmp}/secret.css"),
    ('<style>@import "../../secret.css";</style>', "", "file://{tmp}/secret.css"),
    # percent-encoded traversal, and a file: URL naming another host
    ('<link rel="stylesheet" href="file://{tmp}/project/assets/%2e%2e/%2e%2e/secret.css">', "",
     "file://{tmp}/project/assets/%2e%2e/%2e%2e/secret.css"),
    ('<link rel="stylesheet" href="file://evil.example{tmp}/secret.css">', "", "file://evil.example{tmp}/secret.css"),
    # images: plain, inline SVG <image href>, and a data: SVG whose own <image> points outside
    ("", '<img src="file:///etc/passwd" alt="">', "file:///etc/passwd"),
    ("", '<img src="file://{tmp}/secret.png" alt="">', "file://{tmp}/secret.png"),
    ("", '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">'
         '<image href="file://{tmp}/secret.png" width="20" height="20"/></svg>', "file://{tmp}/secret.png"),
    ("", '<img alt="" src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 width=%2220%22 '
         'height=%2220%22%3E%3Cimage href=%22file://{tmp}/secret.png%22 width=%2220%22 height=%2220%22/%3E%3C/svg%3E">',
     "file://{tmp}/secret.png"),
    # CSS url() in a property, and a font
    ('<style>body {{ background: url("file://{tmp}/secret.png") }}</style>', "", "file://{tmp}/secret.png"),
    ('<style>@font-face {{ font-family: X; src: url("file:///etc/passwd") }} p {{ font-family: X }}</style>', "",
     "file:///etc/passwd"),
    # an attachment: WeasyPrint embeds <link rel=attachment>, so it goes through the same check
    ('<link rel="attachment" href="file://{tmp}/secret.txt">', "", "file://{tmp}/secret.txt"),
])
def test_references_outside_the_assets_are_refused_and_logged(tiny, run, caplog, connections, head, body, refused):
    tmp = str(tiny.parent)
    inject(tiny, head.format(tmp=tmp), body.format(tmp=tmp))
    before = tree(tiny.parent)
    result = run("build")
    assert (result.exit_code, result.output) == (
        0, "wrote out/briefing.pdf (1 pages, 2 excerpts) and out/briefing.evidence.json\n")
    assert REFUSED.format(refused.format(tmp=tmp)) in refusals(caplog)
    text = pdf_text("out/briefing.pdf")
    assert text.startswith("Body text.") and "LEAKED" not in text and "root:" not in text
    assert pdf_images("out/briefing.pdf") == 0
    attached = PdfReader("out/briefing.pdf").attachments
    assert "secret.txt" not in attached and not any(b"LEAKED" in d for v in attached.values() for d in v)
    assert set(tree(tiny.parent)) - set(before) == {"project/out/briefing.pdf", "project/out/briefing.evidence.json"}
    assert connections == []


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "https://example.org/style.css",
    "ftp://127.0.0.1/x.css",
    "gopher://127.0.0.1:25/_HELO",
])
def test_network_references_are_refused_before_any_connection(tiny, run, caplog, connections, url):
    inject(tiny, head=f'<link rel="stylesheet" href="{url}"><style>@import url("{url}");</style>',
           body=f'<img src="{url}" alt="">')
    assert run("build").exit_code == 0
    assert refusals(caplog) and set(refusals(caplog)) == {REFUSED.format(url)}
    assert connections == []


def test_a_symlink_in_assets_that_leads_outside_is_refused(tiny, run, caplog):
    (tiny / "assets" / "innocent.css").symlink_to(tiny.parent / "secret.css")
    inject(tiny, head='<link rel="stylesheet" href="innocent.css">')
    assert run("build").exit_code == 0
    assert refusals(caplog) == [REFUSED.format((tiny / "assets" / "innocent.css").as_uri())]
    assert "LEAKED" not in pdf_text("out/briefing.pdf")


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "file:///{assets}/../secret.css", "file:///{assets}/missing.css",
    "file:///{assets}", "file:///{assets}/ok%00.css", "javascript:alert(1)", "about:blank", "no-scheme",
])
def test_safe_fetcher_refuses_anything_but_existing_asset_files(tiny, caplog, connections, url):
    url = url.format(assets=str(tiny / "assets").lstrip("/"))
    with pytest.raises(ValueError, match="^refused: "):
        SafeFetcher([tiny / "assets"]).fetch(url)
    assert refusals(caplog) == [REFUSED.format(url)]


def test_safe_fetcher_admits_asset_files_and_data_uris(tiny, caplog):
    fetcher = SafeFetcher([tiny / "assets"])
    assert fetcher.fetch((tiny / "assets" / "ok.css").as_uri()).read() == b'p::after { content: " ASSET-CSS-OK" }'
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert refusals(caplog) == []


def test_a_project_stylesheet_cannot_pull_in_outside_files(tiny, run, caplog, connections):
    """brief.css overrides the built-in one inside the real template: its url()s are checked too."""
    write(tiny / "templates" / "brief.css",
          f'body {{ background: url("file://{tiny.parent}/secret.png") }}\n'
          'p { background: url("http://169.254.169.254/latest/meta-data/") }\n')
    assert run("build").exit_code == 0
    assert set(refusals(caplog)) == {REFUSED.format(f"file://{tiny.parent}/secret.png"),
                                     REFUSED.format("http://169.254.169.254/latest/meta-data/")}
    assert pdf_images("out/briefing.pdf") == 0 and connections == []


def test_a_template_symlinked_outside_the_project_is_refused(tiny, run):
    write(tiny.parent / "leak.html.j2", "LEAKED-TEMPLATE")
    (tiny / "templates").mkdir()
    (tiny / "templates" / "brief.html.j2").symlink_to(tiny.parent / "leak.html.j2")
    result = run("build")
    assert (result.exit_code, result.output) == (
        1, "error: templates/brief.html.j2: leads outside templates/ (a symlink?); refusing it\n")
    assert not (tiny / "out" / "briefing.pdf").exists()


# --- Untrusted text is data: escaped, never evaluated ---------------------------------

HOSTILE = ("Officials said {{ 7*7 }} and {% raw %} while <script>alert(1)</script> ran, "
           "</style><style>@import url(http://169.254.169.254/x.css);</style> "
           "and <img src=file:///etc/passwd> appeared in the article text.")


def test_hostile_source_text_is_printed_as_text_never_run(tiny, run, caplog, connections):
    write(tiny / "seeds" / "one.txt", SEED + "\n" + HOSTILE + "\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    quotes:\n      - source: one\n        text: '"
          + HOSTILE.replace("'", "''") + "'\n")
    result = run("build", "--html")
    assert result.exit_code == 0, result.output
    html = Path("out/briefing.html").read_text("utf-8")
    assert "{{ 7*7 }} and {% raw %} while &lt;script&gt;alert(1)&lt;/script&gt; ran, &lt;/style&gt;" in html
    assert "&lt;img src=file:///etc/passwd&gt;" in html and "<img src=file" not in html
    text = pdf_text("out/briefing.pdf")
    assert "{{ 7*7 }} and {% raw %} while <script>alert(1)</script> ran," in text and " 49 " not in text
    assert refusals(caplog) == [] and connections == []   # nothing was even attempted
    manifest = json.loads(Path("out/briefing.evidence.json").read_text("utf-8"))
    assert any(e["text"] == HOSTILE for e in manifest["excerpts"])


def test_hostile_outline_and_source_fields_are_escaped(tiny, run, caplog, connections):
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace(
        "title: Test brief", "title: '{{ 7*7 }} <script>x</script>'\n"
        "subtitle: '</style><style>body { background: url(file:///etc/passwd) }</style>'\n"
        "audience: '\"><img src=file:///etc/passwd>'\nmarking: '{% include \"/etc/passwd\" %}'"))
    write(tiny / "seeds" / "sources.yaml", SOURCES.replace("title: One", "title: '<b>One</b> {{ 7*7 }}'\n"
                                                         "    outlet: '</i><img src=x>'"))
    result = run("build", "--html")
    assert result.exit_code == 0, result.output
    html = Path("out/briefing.html").read_text("utf-8")
    for raw in ("<script>x", "<style>body", "<img src=", "<b>One"):
        assert raw not in html
    assert "{{ 7*7 }} &lt;script&gt;x&lt;/script&gt;" in html and "{% include &#34;/etc/passwd&#34; %}" in html
    assert "&lt;b&gt;One&lt;/b&gt; {{ 7*7 }}" in html
    assert "{{ 7*7 }} <script>x</script>" in pdf_text("out/briefing.pdf")
    assert refusals(caplog) == [] and connections == []


def test_analyst_markdown_cannot_inject_html_images_or_script_links(tiny, run, caplog, connections):
    prose = ("<script>alert(1)</script> <img src=file:///etc/passwd> ![x](file:///etc/passwd) "
             "[click](javascript:alert(1)) <http://169.254.169.254/> {{ 7*7 }}")
    write(tiny / "outlines" / "default.yaml", OUTLINE + f"    text: '{prose}'\n")
    result = run("build", "--html")
    assert result.exit_code == 0, result.output
    html = Path("out/briefing.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=file:///etc/passwd&gt;" in html
    assert "<script>" not in html and '<img src="file' not in html and 'href="javascript' not in html
    assert "{{ 7*7 }}" in pdf_text("out/briefing.pdf")
    assert refusals(caplog) == [] and connections == []


# --- Paths named in the project stay inside it ----------------------------------------

@pytest.mark.parametrize("file, error", [
    ("../../secret.txt", "seeds/sources.yaml:3:11: '../../secret.txt' is outside seeds/"),
    ("/etc/passwd", "seeds/sources.yaml:3:11: '/etc/passwd' is outside seeds/"),
    ('"one\\0.txt"', "seeds/sources.yaml:3:11: 'one\\x00.txt' is not a usable file name"),
    (".", "seeds: not a regular file"),
])
def test_a_seed_path_outside_seeds_is_refused(tiny, run, file, error):
    write(tiny / "seeds" / "sources.yaml", SOURCES.replace("file: one.txt", f"file: {file}"))
    result = run("check")
    assert (result.exit_code, result.output) == (1, f"error: {error}\n")


def test_a_seed_symlinked_outside_the_project_is_refused(tiny, run):
    (tiny / "seeds" / "one.txt").unlink()
    (tiny / "seeds" / "one.txt").symlink_to(tiny.parent / "secret.txt")
    result = run("check")
    assert (result.exit_code, result.output) == (1, "error: seeds/sources.yaml:3:11: 'one.txt' is outside seeds/\n")


def test_extends_outside_the_project_is_refused(tiny, run):
    write(tiny.parent / "elsewhere.yaml", OUTLINE)
    write(tiny / "outlines" / "v.yaml", "extends: ../../elsewhere.yaml\n")
    result = run("check", "v")
    assert result.exit_code == 1
    assert result.output == (f"error: outlines/v.yaml:1:10: extends: '../../elsewhere.yaml' is outside the project "
                             f"({tiny})\n")


@pytest.mark.parametrize("output, error", [
    ("/proc/brief.pdf", "cannot write /proc/brief.evidence.json: No such file or directory"),
    ("seeds/sources.yaml/brief.pdf", "cannot write seeds/sources.yaml/brief.evidence.json: "
                                     "seeds/sources.yaml is a file, not a folder"),
])
def test_an_unwritable_output_is_one_clean_line(tiny, run, output, error):
    before = tree(tiny)
    result = run("build", "-o", output)
    assert (result.exit_code, result.output) == (1, f"error: {error}\n")
    assert tree(tiny) == before


def test_out_being_a_file_is_one_clean_line(tiny, run):
    write(tiny / "out", "not a folder")
    result = run("build")
    assert (result.exit_code, result.output) == (
        1, "error: out/.cache/index.sqlite: cannot write the search index: Not a directory\n")


def test_output_goes_where_asked_and_nowhere_else(tiny, run, tmp_path):
    before = tree(tmp_path)
    result = run("build", "--html", "-o", str(tmp_path / "elsewhere" / "b.pdf"))
    assert result.exit_code == 0
    assert set(tree(tmp_path)) - set(before) == {"elsewhere/b.pdf", "elsewhere/b.evidence.json", "elsewhere/b.html"}
    assert all(tree(tmp_path)[k] == v for k, v in before.items())
    assert (tiny / "out" / ".cache" / "index.sqlite").is_file()   # the cache, inside the project


# --- YAML: safe loading, bombs and huge files refused quickly -------------------------

def billion_laughs() -> str:
    lines, previous = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'], "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
        previous = name
    return "\n".join(lines) + "\nsections: *i\n"


@pytest.mark.parametrize("text, error", [
    (billion_laughs(), "outlines/o.yaml:5:12: YAML document holds more than 20,000 values "
                       "(each alias counted as a copy); refusing it"),
    ("a: &x [1, 2]\n" + "".join(f"k{i}: *x\n" for i in range(101)),
     "outlines/o.yaml:102:7: more than 100 YAML aliases; refusing to expand"),
    ("sections: &s [*s]\n", "outlines/o.yaml:1:15: YAML alias inside the value it names; refusing a recursive document"),
    ("title: " + "[" * 60 + "]" * 60 + "\n", "outlines/o.yaml:1:57: YAML nested more than 50 levels deep"),
    ("sections: [" + ", ".join(["x"] * 60_000) + "]\n",
     "outlines/o.yaml:1:60003: YAML document holds more than 20,000 values (each alias counted as a copy); refusing it"),
    ("title: !!python/object/apply:os.system ['touch pwned']\n",
     "outlines/o.yaml:1:8: YAML syntax error: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("title: x\ntitle: y\n", "outlines/o.yaml:2:1: duplicate key 'title'"),
    ("? [a, b]\n: c\n", "outlines/o.yaml:1:3: a key must be a plain word"),
    ("title: 'bell \x07'\n", "outlines/o.yaml:1: outline contains U+0007, a character YAML does not allow"),
    (b"title: caf\xe9\n", "outlines/o.yaml:1: outline is not UTF-8 (byte 0xe9)"),
    ("title: [unclosed\n", "outlines/o.yaml:2:1: YAML syntax error: expected ',' or ']', but got '<stream end>'"),
])
def test_hostile_yaml_is_refused_quickly_in_one_line(tiny, run, text, error):
    write(tiny / "outlines" / "o.yaml", text)
    started = time.process_time()
    result = run("check", "o")
    assert time.process_time() - started < 3.0
    assert (result.exit_code, result.output) == (1, f"error: {error}\n")
    assert not (tiny / "pwned").exists()


def test_billion_laughs_is_refused_in_well_under_a_second(tmp_path):
    write(tmp_path / "bomb.yaml", billion_laughs())
    started = time.process_time()
    with pytest.raises(BriefingError, match="more than 20,000 values"):
        yamlio.load(tmp_path / "bomb.yaml")
    assert time.process_time() - started < 0.5


def test_a_huge_outline_is_refused_by_size_before_reading(tiny, run):
    with open(tiny / "outlines" / "o.yaml", "wb") as f:
        f.truncate(yamlio.MAX_BYTES + 1)
    result = run("check", "o")
    assert (result.exit_code, result.output) == (1, "error: outlines/o.yaml: outline is 1,000,001 bytes; the limit is 1,000,000\n")


@pytest.mark.parametrize("make, error", [
    (lambda p: p.mkdir(), "outlines/o.yaml: outline is a directory"),
    (lambda p: os.mkfifo(p), "outlines/o.yaml: not a regular file"),
])
def test_an_outline_that_is_not_a_file_does_not_hang(tiny, run, make, error):
    make(tiny / "outlines" / "o.yaml")
    result = run("check", "o")
    assert (result.exit_code, result.output) == (1, f"error: {error}\n")


def test_sources_yaml_bomb_is_refused_at_once_though_sized_for_a_large_library(tiny, run):
    # sources.yaml admits 4,000,000 values (100,000 sources), but an alias counts without expanding.
    write(tiny / "seeds" / "sources.yaml", billion_laughs().replace("sections:", "sources:"))
    started = time.process_time()
    result = run("sources")
    assert time.process_time() - started < 3.0
    assert (result.exit_code, result.output) == (1, "error: seeds/sources.yaml:7:28: YAML document holds more than "
                                                    "4,000,000 values (each alias counted as a copy); refusing it\n")


@pytest.mark.parametrize("rules, error", [
    ("boilerplate: 5\n", "seeds/sources.yaml:7:14: boilerplate: expected a mapping with end_markers, end_patterns, drop_patterns, "
                         "min_words, abbreviations"),
    ("boilerplate:\n  drop_patterns: [{pattern: '(unclosed', reason: x}]\n",
     "seeds/sources.yaml:8:3: boilerplate.drop_patterns: '(unclosed' is not a regular expression "
     "(missing ), unterminated subpattern)"),
    ("boilerplate:\n  drop_patterns: [oops]\n",
     "seeds/sources.yaml:8:18: boilerplate.drop_patterns: expected a list of {pattern, reason}"),
    ("boilerplate:\n  min_words: lots\n", "seeds/sources.yaml:8:14: boilerplate.min_words: expected a whole number "
                                          "from 1 to 100"),
    ("boilerplate:\n  colour: red\n", "seeds/sources.yaml:8:11: boilerplate: unknown key 'colour' (allowed: "
                                      "end_markers, end_patterns, drop_patterns, min_words, abbreviations)"),
])
def test_broken_boilerplate_rules_name_the_line(tiny, run, rules, error):
    write(tiny / "seeds" / "sources.yaml", SOURCES + "\n" + rules)
    result = run("sources")
    assert (result.exit_code, result.output) == (1, f"error: {error}\n")


def test_a_drop_list_that_is_not_a_list_names_the_line(tiny, run):
    write(tiny / "seeds" / "sources.yaml", SOURCES + "    drop: 5\n")
    result = run("sources")
    assert (result.exit_code, result.output) == (1, "error: seeds/sources.yaml:6:11: drop: expected a list of lines\n")


# --- Seeds: each broken file gets a clear error naming it -----------------------------

@pytest.mark.parametrize("content, error", [
    (b"", "seeds/one.txt: empty file"),
    (b"\x00\x01\x02\x03binary", "seeds/one.txt: binary file (contains NUL bytes); seeds must be UTF-8 text"),
    (SEED.encode("utf-16"), "seeds/one.txt: binary file (contains NUL bytes); seeds must be UTF-8 text"),
    (SEED.encode("utf-8") + "Caf\u00e9 au lait.\n".encode("latin-1"),
     "seeds/one.txt:6: not UTF-8 (byte 0xe9 at offset 180)"),
    (SEED.encode("utf-8") + b"Ring the bell \x07 now.\n", "seeds/one.txt:6: control character U+0007 in text"),
    (SEED.encode("utf-8") + "\u0093quoted\u0094\n".encode("utf-8"),
     "seeds/one.txt:6: control character U+0093 in text (text decoded from Windows-1252?)"),
])
def test_a_broken_seed_names_the_file(tiny, run, content, error):
    write(tiny / "seeds" / "one.txt", content)
    result = run("check")
    assert (result.exit_code, result.output) == (1, f"error: {error}\n")


def test_a_50_mb_seed_is_refused_by_size_without_reading_it(tiny, run):
    with open(tiny / "seeds" / "one.txt", "wb") as f:
        f.truncate(50_000_000)   # sparse: instant, and no 50 MB on disk
    started = time.process_time()
    result = run("check")
    assert time.process_time() - started < 3.0
    assert (result.exit_code, result.output) == (
        1, f"error: seeds/one.txt: 50,000,000 bytes; the limit for a seed is {MAX_SEED_BYTES:,}\n")


@pytest.mark.parametrize("make", [lambda p: p.mkdir(), lambda p: os.mkfifo(p)], ids=["directory", "fifo"])
def test_a_seed_that_is_not_a_regular_file_does_not_hang(tiny, run, make):
    (tiny / "seeds" / "one.txt").unlink()
    make(tiny / "seeds" / "one.txt")
    result = run("check")
    assert (result.exit_code, result.output) == (1, "error: seeds/one.txt: not a regular file\n")


def test_a_seed_missing_from_sources_yaml_is_named(tiny, run):
    write(tiny / "seeds" / "two.txt", SEED)
    result = run("check")
    assert (result.exit_code, result.output) == (1, "error: seeds/two.txt: not listed in sources.yaml; add an entry for it\n")


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
def test_a_5_mb_single_line_loads_quickly_with_exact_offsets(tiny, run):
    line = "The pipeline carries oil to the coast, said Mr. Smith of the U.S. firm. " * 70_000
    write(tiny / "seeds" / "one.txt", "Title\n\n" + line + "\n")
    started = time.process_time()
    result = run("check")
    assert time.process_time() - started < 30
    assert (result.exit_code, result.output) == (0, "outlines/default.yaml: ok (1 sections, 0 pinned quotes anchored)\n")
    corpus = load_corpus(tiny / "seeds")
    (p,) = [p for p in corpus.passages if p.n]
    assert p.text == corpus.sources[0].text[p.start:p.end] == line.strip()
    assert len(p.sentences) == 70_000   # "Mr." and "U.S." did not end a sentence


@pytest.mark.parametrize("line", [
    "a " * 10 + "." * 1_000_000 + " x",           # a run of full stops: quadratic before
    "Word. " + "A. " * 300_000 + "end.",           # initials: the look back used to grow
    "One two three four five six " + "x" * 1_000_000 + " . A",
    "Tagged ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ words. " * 40_000,    # maintenance tags: a list scan per character before
    "".join(f"Line number {i} has these six words.\n" for i in range(60_000)),   # many paragraphs
])
@pytest.mark.slow
def test_pathological_lines_segment_in_linear_time(line):
    from briefing.select import normalized

    source = Source("x", "x.txt", "0", line)
    started = time.process_time()
    passages, removed = segment(source, load_rules())
    normalized(line, 0, len(line))
    assert time.process_time() - started < 15
    assert all(p.text == line[p.start:p.end] for p in passages)
    assert all(line[a:b] for p in passages for a, b in p.sentences)


def test_line_endings_bom_and_bidi_overrides_are_handled(tiny):
    text = "\ufeffTitle\r\n\r\nThe deal was signed in Baku \u202eyeltnuoc\u202c by both sides today.\rSecond " \
           "paragraph has six words here.\r\n"
    write(tiny / "seeds" / "one.txt", text)
    corpus = load_corpus(tiny / "seeds")
    first = corpus.passages_of("one")[1]
    assert first.text == text[first.start:first.end] == "The deal was signed in Baku \u202eyeltnuoc\u202c by both sides today."
    assert first.clean == "The deal was signed in Baku yeltnuoc by both sides today."   # printed without reordering
    assert [p.n for p in corpus.passages_of("one")] == [0, 1, 2]


# --- Limits: a runaway render is stopped -----------------------------------------------

def test_a_runaway_render_is_stopped_by_the_time_limit(tiny, run, monkeypatch):
    assert run("build").exit_code == 0
    previous = tree(tiny / "out")
    inject(tiny, body="<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 50_000 + "</table>")
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "0.5")
    started = time.perf_counter()
    result = run("build")
    assert time.perf_counter() - started < 20
    assert (result.exit_code, result.output) == (
        1, "error: laying out the brief took more than 0.5 s, the time limit; simplify the templates and CSS, "
           "or raise BRIEFING_RENDER_TIMEOUT\n")
    assert tree(tiny / "out") == previous
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_the_time_limit_never_fires_inside_a_gc_callback(monkeypatch):
    """Python loses an exception raised in a gc callback: the alarm must land in the work itself."""
    early, inside = time.perf_counter() + 0.1, []

    def callback(phase, info):
        if time.perf_counter() > early and not inside:   # deliver an alarm here, once
            inside.append(phase)
            signal.raise_signal(signal.SIGALRM)
    gc.callbacks.append(callback)
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "30")
    try:
        with pytest.raises(RenderError, match=r"^work took more than 30 s, the time limit"):
            with time_limit("work"):
                while True:
                    sum(i * i for i in range(1000))
                    gc.collect(0)
    finally:
        gc.callbacks.remove(callback)
    assert inside and time.perf_counter() < early + 10


class _Dying:
    last_words = staticmethod(lambda: None)   # for one the alarm stopped in __init__

    def __init__(self, last_words):
        self.last_words = last_words

    def __del__(self):
        self.last_words()


@pytest.mark.parametrize("finalizer", ["__del__", "weakref.finalize"])
def test_the_time_limit_never_fires_inside_a_finalizer(monkeypatch, finalizer):
    """Python prints and drops an exception raised in a __del__ or a weakref callback (WeasyPrint's
    FontConfiguration has a __del__): the alarm must land in the work itself, and nothing is printed."""
    early, inside, dropped = time.perf_counter() + 0.1, [], []

    def alarm():
        if time.perf_counter() > early and not inside:   # deliver an alarm here, once
            inside.append(finalizer)
            signal.raise_signal(signal.SIGALRM)
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "30")
    with pytest.raises(RenderError, match=r"^work took more than 30 s, the time limit"):
        with time_limit("work"):
            while True:
                if finalizer == "__del__":
                    _Dying(alarm)
                else:
                    weakref.finalize(_Dying(lambda: None), alarm)
    assert inside and not dropped and time.perf_counter() < early + 10


def test_a_bad_time_limit_setting_is_one_line(tiny, run, monkeypatch):
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "soon")
    result = run("build")
    assert (result.exit_code, result.output) == (1, "error: BRIEFING_RENDER_TIMEOUT must be a number of seconds, got 'soon'\n")


@pytest.mark.parametrize("css, error", [
    ("p { letter-spacing: -1e30px !important }", "error: cannot lay out the brief: OverflowError: int too big to convert\n"),
    ("p { margin-top: 1e38px !important }", None),
])
def test_absurd_css_values_finish_or_fail_in_one_line(tiny, run, css, error):
    write(tiny / "templates" / "brief.css", css)
    result = run("build")
    if error:
        assert (result.exit_code, result.output) == (1, error)
    else:
        assert result.exit_code == 0 and result.output.startswith("wrote out/briefing.pdf")


# --- Atomic writes: a killed build leaves the previous outputs whole ------------------

def briefing(*args, cwd, code=None, **kwargs):
    """Start the command line in a child process (optionally with code run first)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    argv = [sys.executable, "-c", f"{code}\nfrom briefing.cli import main\nmain({list(args)!r})"] if code else \
        [sys.executable, "-m", "briefing", *args]
    return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
def test_a_build_killed_mid_render_leaves_the_previous_pdf_intact(tiny, run):
    assert run("build").exit_code == 0
    previous = tree(tiny / "out")
    # A slow page, with a reference the fetcher refuses (and logs) as layout begins.
    inject(tiny, head='<link rel="stylesheet" href="file:///render-started.css">',
           body="<table>" + "<tr><td>cell</td><td>cell</td></tr>" * 30_000 + "</table>")
    child = briefing("build", cwd=tiny)
    started = REFUSED.format("file:///render-started.css") + "\n"
    assert started in iter(child.stderr.readline, ""), "layout never started"
    time.sleep(0.3)
    assert child.poll() is None, "the build finished before it could be killed"
    child.send_signal(signal.SIGKILL)
    assert child.wait(10) == -signal.SIGKILL
    assert tree(tiny / "out") == previous   # byte for byte, and no .part files


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
def test_a_build_killed_while_writing_leaves_whole_files_and_the_next_build_cleans_up(tiny, run):
    assert run("build").exit_code == 0
    previous = tree(tiny / "out")
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("Test brief", "Second edition"))
    # Die the moment the first output is complete on disk but not yet renamed into place.
    child = briefing("build", cwd=tiny, code="import os, signal\n"
                     "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)")
    assert child.wait(60) == -signal.SIGKILL
    parts = [p for p in (tiny / "out").iterdir() if p.name.endswith(".part")]
    assert [p.name.startswith(".briefing.evidence.json.") for p in parts] == [True]
    assert {k: v for k, v in tree(tiny / "out").items() if not k.endswith(".part")} == previous
    # A fresh .part may belong to a build still writing; an old one is cleaned up.
    old = time.time() - files.STALE - 1
    os.utime(parts[0], (old, old))
    assert run("build").exit_code == 0
    assert not [p for p in (tiny / "out").iterdir() if p.name.endswith(".part")]
    assert "Second edition" in pdf_text(tiny / "out" / "briefing.pdf")


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, failure):
    target = tmp_path / "brief.pdf"
    target.write_bytes(b"old")

    def fail(fd):
        raise failure
    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(BriefingError if isinstance(failure, OSError) else KeyboardInterrupt) as caught:
        files.write_atomic(target, b"new")
    if isinstance(failure, OSError):
        assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pdf"] and target.read_bytes() == b"old"


def test_a_killed_indexing_leaves_a_usable_cache(project):
    """SIGKILL in the middle of the indexing transaction: the next run rolls back and carries on."""
    code = ("import os, signal\nfrom pathlib import Path\nfrom briefing import index\n"
            "from briefing.corpus import Corpus, load_corpus\n"
            "real, calls = Corpus.passages_of, []\n"
            "def dying(self, source):\n"
            "    calls.append(source)\n"
            "    if len(calls) == 3:\n"
            "        os.kill(os.getpid(), signal.SIGKILL)\n"
            "    return real(self, source)\n"
            "Corpus.passages_of = dying\n"
            "index.sync(load_corpus(Path('seeds')), Path('out/.cache/index.sqlite'))\n")
    child = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert (project / "out" / ".cache" / "index.sqlite").is_file()
    corpus = load_corpus(project / "seeds")
    assert set(index.sync(corpus, project / "out" / ".cache" / "index.sqlite").values()) == {"indexed"}
    hits = index.search(project / "out" / ".cache" / "index.sqlite", '"diplomatic relations"', limit=50)
    assert len({h.passage for h in hits}) == len(hits) > 0   # every passage indexed once


@pytest.mark.parametrize("junk", [b"", b"garbage, not a database", b"SQLite format 3\x00" + b"\xff" * 5000])
def test_a_corrupt_cache_is_rebuilt(project, run, junk):
    write(project / "out" / ".cache" / "index.sqlite", junk)
    result = run("search", '"diplomatic relations"', "-n", "1", "--json")
    assert result.exit_code == 0 and json.loads(result.output)[0]["passage"] == "azerbaijan-israel-relations.p2"


# --- Errors: one line, status 1; Ctrl-C is 130; --debug shows the traceback -----------

@pytest.mark.parametrize("raised, status, output", [
    (KeyboardInterrupt(), 130, "error: interrupted\n"),
    (PermissionError(13, "Permission denied", "seeds/one.txt"), 1, "error: seeds/one.txt: Permission denied\n"),
    (IsADirectoryError(21, "Is a directory", "outlines/x.yaml"), 1, "error: outlines/x.yaml: Is a directory\n"),
    (BriefingError("first line\nsecond line"), 1, "error: first line second line\n"),
])
def test_errors_are_one_line_with_the_right_status(tiny, run, monkeypatch, raised, status, output):
    def fail(*args, **kwargs):
        raise raised
    monkeypatch.setattr("briefing.corpus.load_corpus", fail)
    result = run("sources")
    assert (result.exit_code, result.output) == (status, output)


def test_debug_shows_the_traceback_of_an_os_error(tiny, monkeypatch):
    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "seeds/one.txt")
    monkeypatch.setattr("briefing.corpus.load_corpus", fail)
    result = CliRunner().invoke(main, ["--debug", "sources"])
    assert result.exit_code == 1 and isinstance(result.exception, PermissionError)


def test_python_dash_m_briefing_runs_the_command_line(tiny):
    child = briefing("check", cwd=tiny)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err) == (0, "outlines/default.yaml: ok (1 sections, 0 pinned quotes anchored)\n", "")
    child = briefing("check", "missing", cwd=tiny)
    out, err = child.communicate(timeout=60)
    assert (child.returncode, out, err) == (1, "", "error: outlines/missing.yaml: no such outline; the outlines are default\n")


def test_a_run_on_sentence_is_cut_to_an_excerpt_not_printed_whole(tiny, run):
    sentence = "The pipeline carries oil " + "and gas and trade goods " * 2_000 + "to the coast."
    write(tiny / "seeds" / "one.txt", "Title\n\n" + sentence + "\n")
    assert run("build").exit_code == 0
    (excerpt,) = json.loads((tiny / "out" / "briefing.evidence.json").read_text("utf-8"))["excerpts"]
    assert len(excerpt["text"].split()) == 90 and sentence.startswith(excerpt["text"])
    assert excerpt["printed"] == excerpt["text"] and excerpt["text"].endswith("trade goods and")


def test_finding_figures_is_under_the_time_limit_too(tiny, run, monkeypatch):
    import briefing.figures

    def forever(*args, **kwargs):
        while True:
            pass
    monkeypatch.setattr(briefing.figures, "make", forever)
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "0.3")
    result = run("build")
    assert (result.exit_code, result.output) == (
        1, "error: finding the figures in the sources took more than 0.3 s, the time limit; the charts read "
           "0 passages, or raise BRIEFING_RENDER_TIMEOUT\n")


def test_the_output_must_be_a_pdf_so_the_html_cannot_overwrite_it(tiny, run):
    result = run("build", "--html", "-o", "brief.html")
    assert (result.exit_code, result.output) == (
        1, "error: brief.html: the output must be a .pdf file (the manifest and HTML go beside it)\n")
    assert not (tiny / "brief.html").exists()
