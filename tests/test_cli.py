"""The command line: help everywhere, JSON for scripts, one clean line for bad input."""

import json

import click
import pytest

from briefing import __version__
from briefing.cli import main


def test_every_command_has_help(run):
    assert main.help
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help text"
        result = run(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_version(run):
    assert run("--version").output.strip() == f"briefing, version {__version__}"


def test_sources_json_lists_hashes_and_passages(project, run):
    rows = json.loads(run("sources", "--json").output)
    assert [r["id"] for r in rows][:2] == ["israel-delivers-aid", "azerbaijan-israel-relations"]
    assert all(len(r["sha256"]) == 64 and r["passages"] > 0 for r in rows)


def test_search_json_ranks_with_bm25_and_gives_offsets(project, on_backend, run):
    hits = json.loads(run("search", '"diplomatic relations"', "-n", "3", "--json").output)
    assert [h["passage"] for h in hits][:2] == ["azerbaijan-israel-relations.p2", "azerbaijan-israel-relations.p1"]
    assert hits[0]["score"] <= hits[1]["score"]
    text = open("seeds/azerbaijan-israel-relations.txt", encoding="utf-8", newline="").read()
    assert "diplomatic relations" in text[hits[0]["start"]:hits[0]["end"]]


def test_check_anchors_pinned_quotes(project, run):
    result = run("check")
    assert result.exit_code == 0
    assert result.output == "outlines/default.yaml: ok (6 sections, 1 pinned quotes anchored)\n"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


HEAD = "title: x\ndate: 2026-01-01\nsections:\n  - title: a\n"


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("name, body, error", [
    ("missing", None, "error: outlines/missing.yaml: no such outline\n"),
    ("syntax", HEAD + "    query: [unclosed\n",
     "error: outlines/syntax.yaml:6:1: YAML syntax error: expected ',' or ']', but got '<stream end>'\n"),
    ("unknown-source", HEAD + "    quotes:\n      - source: nowhere\n        text: hello\n",
     "error: outlines/unknown-source.yaml:6:17: sections[0].quotes[0].source: unknown source 'nowhere' "
     "(known: azerbaijan-israel-relations, blooming-friendship, israel-delivers-aid, strategic-partnership, "
     "tensions-with-iran-mount)\n"),
    ("not-verbatim", HEAD + "    quotes:\n      - source: blooming-friendship\n        text: nothing like this\n",
     "error: outlines/not-verbatim.yaml:7:15: quote not found verbatim in seeds/blooming-friendship.txt "
     "(source 'blooming-friendship')\n"),
    ("comment", HEAD + "    quotes:\n      - source: blooming-friendship\n"
     "        text: I think Azerbaijan should feel free to open an embassy\n",
     "error: outlines/comment.yaml:7:15: quote is from seeds/blooming-friendship.txt but not the source's own "
     "words (after the end of the article (comments, bio or links)); it cannot be quoted\n"),
    ("types", HEAD + "    excerpts: four\n    querry: red\n",
     "error: outlines/types.yaml:5:15: sections[0].excerpts: expected an integer, got 'four'\n"
     "error: outlines/types.yaml:6:13: sections[0].querry: unknown key (did you mean 'query'?)\n"),
])
def test_bad_outline_gives_clean_lines_and_status_1(project, run, command, name, body, error):
    if body is not None:
        write(f"outlines/{name}.yaml", body)
    result = run(command, name)
    assert result.exit_code == 1
    assert result.output == error
    assert not (project / "out" / f"{name}.pdf").exists()


@pytest.mark.parametrize("content, error", [
    (b"", "error: seeds/strategic-partnership.txt: empty file\n"),
    (b"  \n\n", "error: seeds/strategic-partnership.txt: empty file\n"),
    (b"A line.\nA caf\xe9 in Latin-1.\n",
     "error: seeds/strategic-partnership.txt:2: not UTF-8 (byte 0xe9 at offset 13)\n"),
])
def test_bad_seed_names_the_file(project, run, content, error):
    (project / "seeds" / "strategic-partnership.txt").write_bytes(content)
    result = run("build")
    assert (result.exit_code, result.output) == (1, error)


def test_bad_search_query_is_one_line(project, on_backend, run):
    result = run("search", "AND OR")
    assert (result.exit_code, result.output) == (1, "error: bad search query 'AND OR': fts5: syntax error near \"AND\"\n")


def test_usage_errors_are_status_2(run):
    assert run("build", "--no-such-flag").exit_code == 2


def test_debug_shows_the_traceback(project):
    from click.testing import CliRunner
    result = CliRunner().invoke(main, ["--debug", "check", "missing"])
    assert result.exit_code == 1 and result.exception is not None
    assert type(result.exception).__name__ == "BriefingError"
