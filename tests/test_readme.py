"""Every `console` transcript in README.md, run against the shipped project and compared line by line
(the sqlite-utils test_docs habit), so the README cannot drift from what briefing prints.

The README is read in order. A ```yaml block whose first line names a file in outlines/ (`# outlines/x.yaml`)
is written there, as a reader would save it, before the transcripts after it run. A line `…` alone in a
transcript stands for lines left out; nothing else is normalised. A command whose output shows an
`error:` line, or `"ok": false` in a JSON document, must exit with status 1, any other with 0.
"""

import re
import shlex

import pytest
from click.testing import CliRunner

from conftest import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
SAVED_AS = re.compile(r"# (outlines/[\w.-]+\.yaml)\b")
ELIDED = "…"


def steps(text: str):
    """Yield ("file", path, text) for a yaml block that names its file, and ("run", argv, expected lines)
    for each command of a console block, in the README's order."""
    for m in FENCE.finditer(text):
        kind, body = m.group(1), m.group(2)
        if kind == "yaml" and (name := SAVED_AS.match(body)):
            yield "file", name.group(1), body
        if kind != "console":
            continue
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, *expected = chunk.rstrip("\n").split("\n")
            yield "run", shlex.split(command), expected


def matches(expected: list[str], actual: list[str]) -> bool:
    """Compare line by line; a line `…` alone matches any lines (none included)."""
    if not expected:
        return not actual
    if expected[0] == ELIDED:
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def test_readme_transcripts_are_what_briefing_prints(readme_run):
    ran, failures = readme_run
    assert len(ran) >= 5, "the README's transcripts were not found"
    assert not failures, "\n\n".join(failures)


@pytest.fixture(scope="session")
def readme_run(tmp_path_factory, shipped, issues):
    """Run the README's transcripts on the shipped project; return (commands run, failures).

    Until the README saves a file, a command runs in the session's shared copy (`shipped`: the tests that
    read the briefs share its builds); from then on in a copy of its own. The diff example runs where
    the two issues of the minister's brief that tests/test_diff.py reads were built."""
    import os

    from briefing.cli import main
    from conftest import copy_project

    project, saved = copy_project(tmp_path_factory.mktemp("readme")), False
    ran, failures, here = [], [], os.getcwd()
    try:
        for kind, what, body in steps(README.read_text("utf-8")):
            if kind == "file":
                (project / what).write_text(body, "utf-8")
                saved = True
                continue
            assert what[0] == "briefing", f"README transcript runs {what[0]!r}; only briefing commands are run"
            if what[1] == "diff":   # `briefing diff archive/minister-1.0.pdf …` needs an archived issue
                os.chdir(issues[0])
                result = CliRunner().invoke(main, what[1:], catch_exceptions=False)
            elif not saved:
                result = shipped.run(*what[1:])
            else:
                os.chdir(project)
                result = CliRunner().invoke(main, what[1:], catch_exceptions=False)
            ran.append(what)
            status = 1 if any(line.startswith("error: ") or line == ' "ok": false,' for line in body) else 0
            actual = result.output.rstrip("\n").split("\n") if result.output else []
            if not matches(body, actual) or result.exit_code != status:
                failures.append(f"$ {shlex.join(what)}   (exit {result.exit_code}, README implies {status})\n"
                                f"--- README\n" + "\n".join(body) + "\n--- printed\n" + "\n".join(actual))
    finally:
        os.chdir(here)
    return ran, failures


def test_matching_elides_only_whole_lines():
    assert matches(["a", ELIDED, "d"], ["a", "b", "c", "d"])
    assert matches(["a", ELIDED], ["a"])
    assert not matches(["a", ELIDED, "d"], ["a", "b", "c"])
    assert not matches(["a …"], ["a b"])   # an ellipsis inside a line is text, not a wildcard
    assert not matches(["a"], ["a", "b"])


def test_steps_read_files_and_commands_in_order():
    text = ("```yaml\n# outlines/x.yaml\ntitle: x\n```\n\n```yaml\ntitle: not saved\n```\n\n"
            "```console\n$ briefing check x.yaml\noutlines/x.yaml: ok\n$ briefing search 'a b' -n 2\n```\n")
    assert list(steps(text)) == [("file", "outlines/x.yaml", "# outlines/x.yaml\ntitle: x\n"),
                                 ("run", ["briefing", "check", "x.yaml"], ["outlines/x.yaml: ok"]),
                                 ("run", ["briefing", "search", "a b", "-n", "2"], [])]
