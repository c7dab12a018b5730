"""Hostile project folders, round two: a template cannot run code, a quote is never altered,
ids cannot collide, note numbers match their calls, and every bound is bounded.

Each case is something a project folder from another hand could contain; each asserts the
real outcome (the PDF read back, the exact one-line error, the files on disk).
"""

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import OUTLINE, SEED, SOURCES, write

WROTE = "wrote out/briefing.pdf ({} pages, {} excerpts) and out/briefing.evidence.json\n"


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts}


def pdftotext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def manifest() -> dict:
    return json.loads(Path("out/briefing.evidence.json").read_text("utf-8"))


# --- 1. Templates are untrusted: they run in a sandbox -------------------------------------------------

TOUCH = 'popen("touch {tmp}/pwned").read()'


@pytest.mark.parametrize("template, error", [
    ("{{ cycler.__init__.__globals__.os." + TOUCH + " }}",
     "access to attribute '__init__' of 'type' object is unsafe."),
    ("{{ joiner.__init__.__globals__.os." + TOUCH + " }}",
     "access to attribute '__init__' of 'type' object is unsafe."),
    ("{{ lipsum.__globals__['os']." + TOUCH + " }}",
     "access to attribute '__globals__' of 'function' object is unsafe."),
    ("{{ long_date.__globals__['os']." + TOUCH + " }}",
     "access to attribute '__globals__' of 'function' object is unsafe."),
    ("{{ self._TemplateReference__context.cycler.__init__.__globals__.os." + TOUCH + " }}",
     "access to attribute '_TemplateReference__context' of 'TemplateReference' object is unsafe."),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "access to attribute '__class__' of 'str' object is unsafe."),
    ("{{ brief|attr('__class__') }}", "access to attribute '__class__' of 'Brief' object is unsafe."),
    ("{{ '{0.__class__.__init__.__globals__}'.format(o) }}",
     "access to attribute '__init__' of 'StrictUndefined' object is unsafe."),
    ("{{ config.items() }}", "'config' is undefined"),
    ("{{ request.application.__globals__ }}", "'request' is undefined"),
    # Jinja's own sandbox calls any public method: the outline's Path could rewrite the outline
    ("{{ o.path.write_text('pwned') }}",
     "<bound method Path.write_text of PosixPath('outlines/default.yaml')> is not safely callable"),
    ("{{ o.path.parent.parent.joinpath('../pwned').touch() }}",
     "<bound method PurePath.joinpath of PosixPath('.')> is not safely callable"),
    ("{{ o.sections.append(1) }}", "'tuple object' has no attribute 'append'"),
    ("{{ sources.clear() }}", "access to attribute 'clear' of 'dict' object is unsafe."),
    # a memory bomb, a template that includes itself, a file outside the templates
    ("{{ 'x' * 10**10 }}", "repeating 1 items 10,000,000,000 times is too large for a template"),
    ("{% include 'brief.html.j2' %}", "templates nested too deep (does one extend, include or call itself?)"),
    ("{% include '/etc/passwd' %}", "no template '/etc/passwd' in templates/ or the built-in ones"),
    ("{% include '../../pwned' %}", "no template '../../pwned' in templates/ or the built-in ones"),
])
def test_a_project_template_cannot_reach_python(tiny, run, template, error):
    tmp = tiny.parent
    write(tiny / "templates" / "brief.html.j2", "<p>A hostile template</p>\n" + template.replace("{tmp}", str(tmp)) + "\n")
    outline = (tiny / "outlines" / "default.yaml").read_bytes()
    before = files_in(tmp)
    result = run("build")
    assert (result.exit_code, result.output) == (1, f"error: templates/brief.html.j2:2: template error: {error}\n")
    assert files_in(tmp) == before and not (tmp / "pwned").exists()
    assert (tiny / "outlines" / "default.yaml").read_bytes() == outline


def test_a_sandboxed_template_still_prints_what_it_may(tiny, run):
    """Control: plain values, their methods, macros, loops and the globals all still work."""
    write(tiny / "templates" / "brief.html.j2",
          '<html lang="en"><body>{% macro shout(s) %}{{ s.upper() }}{% endmacro %}'
          '<p>{{ shout(o.title) }} {{ long_date(o.date) }} {{ "a b c".split()|join("+") }} '
          '{% for k, s in sources.items() %}{{ loop.cycle("x", "y") }}{{ k }}={{ s.title }}{% endfor %} '
          '{{ o.path }} {{ 6 * 7 }} {{ "ab" * 3 }}</p></body></html>\n')
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(1, 2))
    assert " ".join(pdftotext("out/briefing.pdf").split()) == \
        "TEST BRIEF 1 January 2026 a+b+c xone=One outlines/default.yaml 42 ababab"


def test_a_runaway_template_is_stopped_by_the_time_limit(tiny, run, monkeypatch):
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "1")
    write(tiny / "templates" / "brief.html.j2",
          "{% for i in range(99999) %}{% for j in range(99999) %}{{ j }}{% endfor %}{% endfor %}")
    result = run("build")
    assert (result.exit_code, result.output) == (
        1, "error: rendering the templates took more than 1 s, the time limit; simplify the templates and CSS, "
           "or raise BRIEFING_RENDER_TIMEOUT\n")


# --- 2. Quotes are never altered: only whole maintenance tags leave the printed text --------------------

EXOTIC = ("Officials in Hawaiʻi and Shiʿa clerics said the trade zone covers 5,000 km² and moves 10⁹ m³ "
          "of gas, that CO₂ output fell on the 5ᵗʰ day, and that the Tbilisi–Baku line passes Qʼeqchiʼ land.")


@pytest.mark.parametrize("text, printed, flags", [
    (EXOTIC, EXOTIC, ()),
    ("Trade rose in 2020.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ It fell.", "Trade rose in 2020. It fell.", ("citation needed",)),
    ("Officials ʷʰᵒ? said so.", "Officials said so.", ("who?",)),
    ("Officials ʷʰᵒ said so.", "Officials said so.", ("who",)),
    ("It grew[citation needed] fast[when?].", "It grew fast.", ("citation needed", "when?")),
    ("It grew [ Clarification  Needed ] fast.", "It grew fast.", ("clarification needed",)),
    ("It is 10⁹ m³[dubious – discuss] a year.", "It is 10⁹ m³ a year.", ("dubious – discuss",)),
    ("It is ᵈᵘᵇⁱᵒᵘˢ – ᵈⁱˢᶜᵘˢˢ large.", "It is large.", ("dubious – discuss",)),
    ("Shiʿa sources ᵃᶜᶜᵒʳᵈⁱⁿᵍ ᵗᵒ ʷʰᵒᵐ? said 5 km².", "Shiʿa sources said 5 km².", ("according to whom?",)),
    ("Area 5 km²ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ.", "Area 5 km².", ("citation needed",)),
    # not tags: an editor's insertion, a word that merely reads like one, superscript words
    ("The deal [which] was signed [sic] in 2020.", "The deal [which] was signed [sic] in 2020.", ()),
    ("The citation needed here is old.", "The citation needed here is old.", ()),
    ("A sign read ᵃʷʰᵒ and ʷʰᵒᵃ.", "A sign read ᵃʷʰᵒ and ʷʰᵒᵃ.", ()),
    ("A [1] footnote and a [a] note.", "A [1] footnote and a [a] note.", ()),
])
def test_only_whole_maintenance_tags_are_left_out(text, printed, flags):
    from briefing.corpus import printable, tag_flags

    assert (printable(text), tag_flags(text, 0, len(text))) == (printed, flags)


def test_a_brief_quoting_superscripts_and_modifier_letters_prints_them_unchanged(tiny, run):
    write(tiny / "seeds" / "one.txt", f"A small test source\n\n{EXOTIC}\n\n"
          "The pipeline carries oil past the Shiʿa shrines of the old town to the coast every day.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("query: trade OR pipeline", "query: pipeline")
          + "    quotes:\n      - id: zone\n        source: one\n"
            "        text: the trade zone covers 5,000 km² and moves 10⁹ m³ of gas\n"
            "      - source: one\n        text: Hawaiʻi and Shiʿa clerics\n")
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(4, 3))
    text = " ".join(pdftotext("out/briefing.pdf").split())
    assert "… the trade zone covers 5,000 km² and moves 10⁹ m³ of gas …" in text
    assert "… Hawaiʻi and Shiʿa clerics …" in text
    assert "The pipeline carries oil past the Shiʿa shrines of the old town to the coast every day. One, news, n.d., par. 2 " \
           "⚑ unsourced in the original (citation needed)" in text
    excerpts = manifest()["excerpts"]
    assert [(e["printed"], e["flags"]) for e in excerpts] == [
        ("the trade zone covers 5,000 km² and moves 10⁹ m³ of gas", []),
        ("Hawaiʻi and Shiʿa clerics", []),
        ("The pipeline carries oil past the Shiʿa shrines of the old town to the coast every day.", ["citation needed"])]
    assert excerpts[2]["text"].endswith("every day.ᶜⁱᵗᵃᵗⁱᵒⁿ ⁿᵉᵉᵈᵉᵈ")   # the manifest keeps the slice


def test_a_pin_that_leaves_out_a_superscript_is_not_the_source_text(tiny, run):
    """The reverse: "10 m" is not what a source saying "10⁹ m³" says."""
    write(tiny / "seeds" / "one.txt", f"A small test source\n\n{EXOTIC}\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    quotes:\n      - source: one\n"
          "        text: the trade zone covers 5,000 km and moves 10 m of gas\n")
    result = run("check")
    assert (result.exit_code, result.output) == (
        1, "error: outlines/default.yaml:9:15: quote not found verbatim in seeds/one.txt (source 'one')\n")


def test_a_pin_may_leave_out_the_maintenance_tags_of_its_source(tiny, run):
    write(tiny / "seeds" / "one.txt", "A small test source\n\n"
          "Officials ʷʰᵒ? said the trade deal[citation needed] was worth more than the pipeline.\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    quotes:\n      - source: one\n"
          "        text: Officials said the trade deal was worth more\n")
    assert run("build").exit_code == 0
    pinned = manifest()["excerpts"][0]
    assert pinned["text"] == "Officials ʷʰᵒ? said the trade deal[citation needed] was worth more"
    assert (pinned["printed"], pinned["flags"]) == (
        "Officials said the trade deal was worth more", ["who?", "citation needed"])


# --- 3. Ids cannot collide: one namespace for sections, quotes, excerpts and the brief's own parts ------

TRADE = "".join(f"\n\nThe trade agreement number {n} between the two countries expanded the trade in grain, oil "
                f"and machinery over the years, and each side says the trade grew faster than its neighbours' trade."
                for n in ("one", "two", "three", "four", "five", "six", "seven", "eight"))


def test_automatic_excerpt_ids_step_around_a_pinned_quote_id(tiny, run):
    write(tiny / "seeds" / "one.txt", "A small test source" + TRADE + "\n")
    write(tiny / "outlines" / "default.yaml",
          "title: Test brief\ndate: 2026-01-01\nsections:\n  - id: trade\n    title: Trade\n    query: trade\n"
          "    excerpts: 3\n    text: As pinned [@trade-2].\n    quotes:\n      - id: trade-2\n        source: one\n"
          "        text: The trade agreement number eight\n  - id: trade-1\n    title: More trade\n    query: grain\n"
          "    excerpts: 1\n")
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(4, 5))
    assert [(e["id"], e["section"], e["pinned"]) for e in manifest()["excerpts"]] == [
        ("trade-2", "trade", True), ("trade-3", "trade", False), ("trade-4", "trade", False),
        ("trade-5", "trade", False), ("trade-1-1", "trade-1", False)]


def test_the_page_budget_never_drops_a_pinned_quote_whose_id_looks_automatic(tiny, run):
    write(tiny / "seeds" / "one.txt", "A small test source" + TRADE + "\n")
    write(tiny / "outlines" / "default.yaml",
          "title: Test brief\ndate: 2026-01-01\nmax_pages: 1\ncover: false\ncontents: false\nback_matter: []\n"
          "sections:\n  - id: trade\n    title: Trade\n    query: trade\n    excerpts: 8\n    quotes:\n"
          "      - id: trade-1\n        source: one\n        text: The trade agreement number eight\n"
          "      - id: trade-2\n        source: one\n        text: The trade agreement number seven\n")
    result = run("build")
    assert result.exit_code == 0, result.output
    m = manifest()
    assert [e["id"] for e in m["excerpts"] if e["pinned"]] == ["trade-1", "trade-2"]
    kept = [e["id"] for e in m["excerpts"] if not e["pinned"]]
    dropped = [d["id"] for d in m["dropped"]]
    assert dropped and not {"trade-1", "trade-2"} & set(dropped) and sorted(kept + dropped) == [
        "trade-3", "trade-4", "trade-5", "trade-6", "trade-7", "trade-8"]
    text = " ".join(pdftotext("out/briefing.pdf").split())
    assert "Trade The trade agreement number eight … One, news, n.d., par. 8 1 The trade agreement number seven …" in text


SECTION = "  - title: Trade\n    query: trade\n"


@pytest.mark.parametrize("sections, error", [
    ("  - title: '???'\n    query: trade\n  - title: '!!!'\n    query: trade\n",
     "6:12: sections[1].id: duplicate section id 'section' (from its title; give the section an id)"),
    ("  - title: Trade\n    query: trade\n  - title: TRADE!\n    query: trade\n",
     "6:12: sections[1].id: duplicate section id 'trade' (from its title; give the section an id)"),
    ("  - title: Bibliography\n    query: trade\n",
     "4:12: sections[0].id: 'bibliography' (from its title) is already the id of the bibliography; "
     "give the section another id"),
    ("  - id: method\n    title: How\n    query: trade\n",
     "4:9: sections[0].id: 'method' is already the id of the method note; give the section another id"),
    ("  - title: Note\n    query: trade\n",
     "4:12: sections[0].id: 'note' (from its title) is already the id of the footnotes (note-1, note-2…); "
     "give the section another id"),
    ("  - id: chart-trade\n    title: Trade\n    query: trade\n",
     "4:9: sections[0].id: 'chart-trade' is already the id of a chart (chart-…); give the section another id"),
    (SECTION + "    quotes:\n      - id: trade\n        source: one\n        text: The two countries\n",
     "7:13: sections[0].quotes[0].id: 'trade' is already the id of section 'trade'; give the quote another id"),
    (SECTION + "    quotes:\n      - id: later\n        source: one\n        text: The two countries\n"
               "  - id: later\n    title: Later\n    query: pipeline\n",
     "7:13: sections[0].quotes[0].id: 'later' is already the id of section 'later'; give the quote another id"),
    (SECTION + "    quotes:\n      - id: note-3\n        source: one\n        text: The two countries\n",
     "7:13: sections[0].quotes[0].id: 'note-3' is already the id of the footnotes (note-1, note-2…); "
     "give the quote another id"),
    (SECTION + "    quotes:\n      - id: judgments\n        source: one\n        text: The two countries\n",
     "7:13: sections[0].quotes[0].id: 'judgments' is already the id of the key judgments; give the quote another id"),
])
def test_ids_that_would_collide_are_one_line_errors(tiny, run, sections, error):
    write(tiny / "outlines" / "default.yaml", "title: Test brief\ndate: 2026-01-01\nsections:\n" + sections)
    result = run("check")
    assert (result.exit_code, result.output) == (1, f"error: outlines/default.yaml:{error}\n")


def test_default_quote_ids_step_around_the_ones_given(tiny, run):
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("excerpts: 2", "excerpts: 0") +
          "    text: Both [@q1] and [@q2].\n    quotes:\n      - source: one\n        text: The two countries\n"
          "      - id: q1\n        source: one\n        text: The pipeline carries oil\n"
          "  - id: q3\n    title: Q three\n    query: trade\n    excerpts: 0\n    quotes:\n"
          "      - source: one\n        text: signed a trade agreement\n")
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(4, 3))
    assert [(e["id"], e["printed"]) for e in manifest()["excerpts"]] == [
        ("q2", "The two countries"), ("q1", "The pipeline carries oil"), ("q4", "signed a trade agreement")]


# --- 5. Note numbers always match their calls: no stand-in characters, no note lost in a link ---------

SIX = "".join(f"\n\nParagraph {n} of the source says that the trade between the two countries grew again." for n in
              ("one", "two", "three", "four", "five", "six"))


def footnotes(pdf) -> list[tuple[int, str]]:
    """Return the footnotes printed in the PDF: (number as printed, what it cites)."""
    return [(int(n), cited) for n, cited in re.findall(r"^\s*(\d+)\. “One,”(?: n\.d\.,)? (par\. \d+)\.", pdftotext(pdf), re.M)]


def test_private_use_characters_and_code_cannot_forge_or_shift_a_note(tiny, run):
    write(tiny / "seeds" / "one.txt", "A small test source" + SIX + "\n")
    write(tiny / "outlines" / "default.yaml",
          "title: Test brief\ndate: 2026-01-01\ncover: false\ncontents: false\n"
          "judgments:\n  - text: Zeta \ue0009\ue001 holds [@one, par. 6] and `[@one, par. 1]`.\n"
          "sections:\n  - id: trade\n    title: Trade\n    query: trade\n    excerpts: 0\n    text: |\n"
          "      Alpha &#xE000;7&#xE001; cites [@one, par. 1], beta \ue0000\ue001 cites [@one, par. 2]\n"
          "      `[@one, par. 5]` and gamma [@one, par. 3] [@one, par. 4] then -- \"delta\"\n"
          "      [@one, par. 5].\n")
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(2, 0))
    text = " ".join(pdftotext("out/briefing.pdf").split())
    assert "Zeta \ue0009\ue001 holds 1 and [@one, par. 1]." in text
    # Calls follow punctuation (Chicago); two citations side by side are one note ("pars. 3, 4").
    assert ("Alpha \ue0007\ue001 cites, 2 beta \ue0000\ue001 cites 3 [@one, par. 5] and gamma 4 then – “delta”. 5"
            in text)
    notes = manifest()["notes"]
    assert [(n["number"], n["par"]) for n in notes] == [(1, 6), (2, 1), (3, 2), (4, 3), (5, 5)]
    assert "4. “One,” pars. 3, 4." in text
    assert footnotes("out/briefing.pdf") == [(1, "par. 6"), (2, "par. 1"), (3, "par. 2"), (5, "par. 5")]


@pytest.mark.parametrize("prose, error", [
    ("Alpha [see](http://x/[@one,par.2]) cites [@one, par. 1].",
     "7:33: sections[0].text: citation '[@one,par.2]' is inside a link, where no note can go; put it after the link"),
    ("Alpha [see [@one, par. 2]](http://x/) cites [@one, par. 1].",
     "7:23: sections[0].text: citation '[@one, par. 2]' is inside a link, where no note can go; put it after the link"),
    ("Alpha <http://x/[@one,par.2]> cites [@one, par. 1].",
     "7:28: sections[0].text: citation '[@one,par.2]' is inside a link, where no note can go; put it after the link"),
])
def test_a_citation_inside_a_link_is_a_one_line_error(tiny, run, prose, error):
    write(tiny / "outlines" / "default.yaml", OUTLINE + f"    text: '{prose}'\n")
    result = run("build")
    assert (result.exit_code, result.output) == (1, f"error: outlines/default.yaml:{error}\n")
    assert not (tiny / "out" / "briefing.pdf").exists()


def test_a_link_beside_citations_keeps_every_note_in_step(tiny, run):
    write(tiny / "seeds" / "one.txt", "A small test source" + SIX + "\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("excerpts: 2", "excerpts: 0")
          + "    text: 'A [site](http://x/par-2) says [@one, par. 1], <http://y/> [@one, par. 2] and [@one, par. 3].'\n")
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(4, 0))
    assert "A site says, 1 http://y/ 2 and. 3" in " ".join(pdftotext("out/briefing.pdf").split())   # calls after punctuation
    assert footnotes("out/briefing.pdf") == [(1, "par. 1"), (2, "par. 2"), (3, "par. 3")]


def test_rendered_prose_has_one_call_per_citation_whatever_the_text():
    from markupsafe import Markup

    from briefing.prose import citations, render

    text = "A \ue0000\ue001 b &#xE000;1&#xE001; [@a] `[@b]` [@c, par. 2]\n[@d]"
    cites, bad = citations(text)
    assert ([c.text for c in cites], bad) == (["[@a]", "[@c, par. 2]", "[@d]"], [])
    # [@c, par. 2] and [@d] stand side by side: one place in the text, one note.
    html = render(text, [Markup(f"<i>{n}</i>") for n in "xy"])
    assert html == '<p>A \ue0000\ue001 b \ue0001\ue001<i>x</i> <code>[@b]</code><i>y</i></p>\n'


# --- 7. Every bound is bounded ---------------------------------------------------------------------------

def test_a_catastrophic_drop_pattern_runs_in_linear_time(tiny, run):
    """Python's engine takes 2^n steps for (a+)+$ on "aaa…b"; RE2 takes n."""
    write(tiny / "seeds" / "one.txt", SEED + ("\n" + "a" * 5000 + "b\n") * 20)
    write(tiny / "seeds" / "sources.yaml", SOURCES + "boilerplate:\n  drop_patterns:\n"
          "    - {pattern: '(a+)+$', reason: x}\n    - {pattern: '^(a|aa)*c$', reason: y}\n"
          "    - {pattern: '^The pipeline', reason: z}\n  end_patterns: ['^(x+x+)+y$']\n")
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(4, 1))
    assert [e["printed"] for e in manifest()["excerpts"]] == [
        "The two countries signed a trade agreement and expanded it over the years."]


@pytest.mark.parametrize("pattern, why", [
    (r"(a)\\1", r"'(a)\1' cannot be matched in linear time (invalid escape sequence: \1)"),
    ("(?<=a)b", "'(?<=a)b' cannot be matched in linear time (invalid perl operator: (?<=)"),
    ("(?=a)b", "'(?=a)b' cannot be matched in linear time (invalid perl operator: (?=)"),
    ("((a{100}){100}){100}", "'((a{100}){100}){100}' cannot be matched in linear time (invalid repetition size: {100})"),
])
def test_a_pattern_re2_cannot_run_is_a_one_line_error(tiny, run, pattern, why):
    write(tiny / "seeds" / "sources.yaml", SOURCES + f'boilerplate:\n  drop_patterns:\n    - {{pattern: "{pattern}", reason: x}}\n')
    result = run("check")
    assert (result.exit_code, result.output) == (
        1, f"error: seeds/sources.yaml:7:3: boilerplate.drop_patterns: {why}; "
           "write it without back-references or look-around\n")


def test_the_nearest_match_for_a_stale_pin_is_bounded(tiny, run, monkeypatch):
    """Many paragraphs of short sentences in a small vocabulary: each window of sentences looks alike,
    and difflib's full ratio costs a step per pair of characters. The search stops at its budget."""
    import difflib
    import random

    from briefing import select

    rnd = random.Random(7)
    vocabulary = "oil gas trade pipeline country agreement said year talks minister region deal border".split()
    paragraphs = [" ".join(" ".join(rnd.choice(vocabulary) for _ in range(6)).capitalize() + "." for _ in range(30))
                  for _ in range(150)]
    write(tiny / "seeds" / "one.txt", "A small test source\n\n" + "\n\n".join(paragraphs) + "\n")
    stale = " ".join(rnd.choice(vocabulary) for _ in range(250))
    write(tiny / "outlines" / "default.yaml", OUTLINE + f"    quotes:\n      - source: one\n        text: '{stale}'\n")
    steps, ratio = [], difflib.SequenceMatcher.ratio

    def counted(self):
        steps.append(len(self.a) * len(self.b))
        return ratio(self)
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counted)
    result = run("check")
    assert (result.exit_code, result.output.split(";")[0].strip()) == (
        1, "error: outlines/default.yaml:9:15: quote not found verbatim in seeds/one.txt (source 'one')")
    assert 0 < sum(steps) <= 4 * select.NEAREST_WORK + max(steps)


def test_thousands_of_bad_citations_are_located_in_one_pass(tiny, run, monkeypatch):
    bad = " ".join(f"[@nope{i}]" for i in range(3000))
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    text: |\n"
          + "".join(f"      line {i} of text\n" for i in range(3000)) + f"      {bad}\n")
    reads, read_text = [], Path.read_text

    def counted(self, *args, **kwargs):
        reads.append(self.name)
        return read_text(self, *args, **kwargs)
    monkeypatch.setattr(Path, "read_text", counted)
    result = run("check")
    lines = result.output.splitlines()
    assert (result.exit_code, len(lines)) == (1, 3000)
    assert lines[0] == "error: outlines/default.yaml:3008:7: sections[0].text: [@nope0]: no pinned quote with id 'nope0'"
    assert lines[-1] == ("error: outlines/default.yaml:3008:34885: sections[0].text: [@nope2999]: "
                         "no pinned quote with id 'nope2999'")
    assert reads.count("default.yaml") <= 1


def test_a_seed_listed_many_times_is_refused_at_its_second_listing(tiny, run):
    write(tiny / "seeds" / "sources.yaml", "sources:\n" + "".join(
        f"  - id: s{i}\n    file: one.txt\n    title: S{i}\n    type: news\n" for i in range(300)))
    result = run("check")
    assert (result.exit_code, result.output) == (
        1, "error: seeds/sources.yaml:7:11: seeds/one.txt is already source 's0'; list each file once\n")


def test_checking_the_figures_is_under_the_time_limit_too(tiny, run, monkeypatch):
    numbers = "\n\n".join(" ".join(f"In {1990 + i % 30} exports were {i * 7919 % 10**6:,} tonnes, up {i % 97}%."
                                   for i in range(k, k + 8)) for k in range(0, 4000, 8))
    write(tiny / "seeds" / "one.txt", SEED + "\n" + numbers + "\n")
    # a range chart compares every figure, so every sentence above is read (without it, nothing is)
    write(tiny / "outlines" / "default.yaml",
          OUTLINE + "  - title: Figures\n    excerpts: 0\n    chart: {kind: range, title: Counts differ}\n")
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "0.001")
    result = run("check")
    assert result.exit_code == 1
    assert result.output.startswith("error: finding the figures in the sources took more than 0.001 s, the time limit; ")


def test_a_seed_of_numbers_gives_a_manifest_of_what_the_brief_uses(tiny, run):
    numbers = "\n\n".join(" ".join(f"In {1990 + i % 30} exports were {i * 7919 % 10**6:,} tonnes, up {i % 97}%."
                                   for i in range(k, k + 8)) for k in range(0, 9600, 8))
    write(tiny / "seeds" / "one.txt", SEED + "\n" + numbers + "\n")
    assert len(numbers.encode()) > 400_000
    result = run("build")
    assert (result.exit_code, result.output) == (0, WROTE.format(4, 2))
    size = Path("out/briefing.evidence.json").stat().st_size
    assert size < 50_000, size   # 96 MB before the manifest carried only what the brief uses
