"""The default brief, read back: pages, contents, notes, and every quote against its file."""

import hashlib

import pytest
from pypdf import PdfReader

from conftest import ROOT, pdf_text, read_source


def test_default_brief_has_the_parts_a_reader_expects(built):
    pdf, manifest, _ = built
    pages = pdf_text(pdf)
    assert len(pages) >= 6
    assert "Contents" in pages[1] and "Bibliography" in pages[1]
    everything = "\n".join(pages)
    for heading in ("History of the relationship", "The Iran dimension", "Bibliography", "Source register"):
        assert heading in everything
    # Chicago notes: the first citation of a source is a full note, later ones short.
    first = next(n for n in manifest["notes"] if n["source"] == "blooming-friendship")
    later = [n for n in manifest["notes"] if n["source"] == "blooming-friendship"][1:]
    assert first["text"].startswith("Anna Zamejc, “The Blooming Friendship Between Azerbaijan And Israel,” 24 August 2016, par. ")
    # A short title is a whole phrase; the same source again at once drops it (Chicago 17 14.34).
    assert later and all(n["text"].startswith(("Zamejc, “The Blooming Friendship,” par. ", "Zamejc, par. "))
                         for n in later)
    assert first["text"] in everything.replace("\n", " ")
    assert "Hajizade, Ali. “Strategic partnership between Israel and Azerbaijan does not depend on third countries’ opinion.” n.d." in everything.replace("\n", " ")
    # Marking at top and bottom of every page, and "Page X of Y".
    for i, text in enumerate(pages, 1):
        assert text.count("OFFICIAL") >= 2, f"page {i} lacks the marking twice"
        assert f"Page {i} of {len(pages)}" in text


def test_one_place_cited_again_at_once_is_one_note(built):
    _, manifest, html = built
    notes = manifest["notes"]
    # The timeline dates four events from par. 5: four calls of one note, printed once.
    timeline = next(c for c in manifest["charts"] if c["kind"] == "timeline")
    here = [p for p in timeline["points"] if (p["source"], p["par"]) == ("azerbaijan-israel-relations", 5)]
    par5 = {p["note"] for p in here}
    assert len(par5) == 1 and len(here) == 4
    (n,) = par5
    assert html.count(f'id="note-{n}"') == 1 and html.count(f'class="call" href="#note-{n}"') == 4
    # Two places side by side in a judgment are one note; its call follows the full stop.
    assert notes[2]["text"] == "“Azerbaijan–Israel relations,” pars. 43, 45."
    assert 'from 40 to 65 percent<span class="called">.<a class="call" href="#note-3">3</a>' in html
    # The reference site is named in the full note.
    assert notes[0]["text"] == "Wikipedia, s.v. “Azerbaijan–Israel relations,” n.d., par. 4."


def test_footnotes_sit_on_the_page_of_their_call(built):
    pdf, manifest, _ = built
    pages = pdf_text(pdf)
    for note in manifest["notes"]:
        page = next(i for i, t in enumerate(pages) if f"{note['number']}. " in t and note["text"][:30] in t.replace("\n", " "))
        assert page >= 1   # never on the cover; the key judgments' notes are on page 2


def test_every_manifest_excerpt_is_the_exact_slice_of_its_source_file(built):
    _, manifest, _ = built
    files = {s["id"]: ROOT / s["path"] for s in manifest["sources"]}
    for s in manifest["sources"]:
        assert hashlib.sha256(files[s["id"]].read_bytes()).hexdigest() == s["sha256"]
    assert len(manifest["excerpts"]) >= 15
    for e in manifest["excerpts"]:
        text = read_source(files[e["source"]])
        assert text[e["start"]:e["end"]] == e["text"], e["id"]
        assert e["section"] in {"history", "security", "arms", "energy", "iran", "disputes"}


def test_no_excerpt_comes_from_page_chrome_or_reader_comments(built):
    _, manifest, _ = built
    removed = manifest["removed"]
    for e in manifest["excerpts"]:
        for r in removed:
            if r["source"] == e["source"]:
                assert e["end"] <= r["start"] or e["start"] >= r["end"], (e["id"], r["reason"])
    quoted = " ".join(e["text"] for e in manifest["excerpts"])
    for chrome in ("Send in e-mail", "Credit:", "by: RD", "NOBODY CARES", "Founder & Editor in Chief",
                   "is az kollaj", "Most Popular", "(Source:", "I think Azerbaijan should feel free"):
        assert chrome not in quoted
    # The comment thread of the feature article is set aside in full.
    thread = [r for r in removed if r["source"] == "blooming-friendship" and "after the end" in r["reason"]]
    assert len(thread) > 30


def test_maintenance_tags_become_flags_not_text(built):
    pdf, manifest, _ = built
    assert "ᶜⁱᵗᵃᵗⁱᵒⁿ" not in "".join(pdf_text(pdf))
    assert "unsourced in the original" in "".join(pdf_text(pdf))


@pytest.mark.slow   # seconds of CPU: run by `pytest -m slow` and in CI
def test_html_is_what_weasyprint_alone_renders(built, tmp_path):
    from weasyprint import HTML

    pdf, _, html = built
    HTML(string=html).write_pdf(tmp_path / "again.pdf")
    assert len(PdfReader(tmp_path / "again.pdf").pages) == len(PdfReader(pdf).pages)


IMPORT = """
import ctypes.util, subprocess, sys
import cffi

started = []
subprocess.Popen.__init__ = lambda self, args, *a, **k: started.append(args) or (_ for _ in ()).throw(OSError("no"))
if sys.argv[1] == "unusual":   # the subsetter loads only by the search, as on a system with unusual names
    dlopen = cffi.FFI.dlopen
    def only_searched(self, name, *args):
        if "subset" in str(name) and ctypes.util.find_library("harfbuzz-subset") is None:
            raise OSError(name)
        return dlopen(self, name, *args)
    cffi.FFI.dlopen = only_searched
    ctypes.util.find_library = lambda name: name   # the search, without its processes
from briefing.render import _import_weasyprint
_import_weasyprint()
from weasyprint.text import ffi
print(len(started), ffi.harfbuzz_subset is not None)
"""


@pytest.mark.parametrize("system, printed", [("usual", "0 True\n"), ("unusual", "0 True\n")])
def test_weasyprint_loads_its_libraries_without_starting_processes(system, printed):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", IMPORT, system], capture_output=True, text=True, timeout=120)
    assert (done.stdout, done.stderr) == (printed, "")
