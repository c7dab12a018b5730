"""Hostile project folders, round two: a template cannot run code, a quote is never altered,
ids cannot collide, note numbers match their calls, and every bound is bounded.

Each case is something a project folder from another hand could contain; each asserts the
real outcome (the PDF read back, the exact one-line error, the files on disk).
"""

import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

SEED = ("A small test source\n\n"
        "The two countries signed a trade agreement and expanded it over the years.\n\n"
        "The pipeline carries oil from the Caspian coast to the Mediterranean every day.\n")
SOURCES = "sources:\n  - id: one\n    file: one.txt\n    title: One\n    type: news\n"
OUTLINE = "title: Test brief\ndate: 2026-01-01\nsections:\n  - title: Trade\n    query: trade OR pipeline\n    excerpts: 2\n"
WROTE = "wrote out/briefing.pdf ({} pages, {} excerpts) and out/briefing.evidence.json\n"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def files_in(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".cache" not in p.parts}


def pdftotext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def manifest() -> dict:
    return json.loads(Path("out/briefing.evidence.json").read_text("utf-8"))


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A one-source project, quick to build."""
    root = tmp_path / "project"
    write(root / "seeds" / "one.txt", SEED)
    write(root / "seeds" / "sources.yaml", SOURCES)
    write(root / "outlines" / "default.yaml", OUTLINE)
    monkeypatch.chdir(root)
    return root


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
