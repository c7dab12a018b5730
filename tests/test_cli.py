"""The command line: help everywhere, JSON for scripts, one clean line for bad input."""

import json

import pytest

from briefing import __version__
from briefing.cli import main
from conftest import read_source


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
    text = read_source("seeds/azerbaijan-israel-relations.txt")
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
    ("missing", None, "error: outlines/missing.yaml: no such outline; the outlines are default, minister, press\n"),
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


def test_an_outline_is_named_by_name_file_name_or_path(project, run):
    for given in ("minister", "minister.yaml", "outlines/minister.yaml"):
        result = run("check", given)
        assert (result.exit_code, result.output) == (0, "outlines/minister.yaml: ok (3 sections, 0 pinned quotes "
                                                        "anchored)\n"), given
    assert run("check", "nowhere.yaml").output == "error: nowhere.yaml: no such outline; the outlines are default, minister, press\n"
    assert run("check", "topics").output == "error: outlines/topics.yaml: no such outline; the outlines are default, minister, press\n"   # not ./topics.yaml
    assert run("build", "minster").output == "error: outlines/minster.yaml: no such outline; did you mean 'minister'?\n"


def test_dash_C_runs_in_another_folder(project, run, monkeypatch):
    monkeypatch.chdir(project.parent)
    result = run("-C", project.name, "check", "minister.yaml")
    assert (result.exit_code, result.output) == (0, "outlines/minister.yaml: ok (3 sections, 0 pinned quotes "
                                                    "anchored)\n")
    result = run("-C", "nowhere", "check")
    assert result.exit_code == 2 and "Directory 'nowhere' does not exist" in result.output


def test_choices_take_any_case():
    def params(command, *args):
        return main.commands[command].make_context(command, list(args)).params
    assert params("build", "--paper", "Letter")["paper"] == "letter"
    assert params("build", "--paper", "a4")["paper"] == "A4"
    assert params("figures", "--kind", "Money", "--kind", "PERCENT")["kinds"] == ("money", "percent")


def test_every_command_that_reports_takes_json():
    reporting = set(main.commands) - {"schema", "preview"}   # schema always prints JSON; preview serves pages
    assert reporting == {"build", "check", "diff", "init", "sources", "add", "search", "figures", "mail"}
    for name in reporting:
        assert "as_json" in [p.name for p in main.commands[name].params], name


BROKEN = HEAD + "    excerpt: 2\n    quotes:\n      - source: nowhere\n        text: hello\n"


def test_check_json_gives_the_same_problems_and_status(project, run):
    write("outlines/broken.yaml", BROKEN)
    text = run("check", "broken.yaml")
    result = run("check", "broken.yaml", "--json")
    assert result.exit_code == text.exit_code == 1
    doc = json.loads(result.stdout)   # one document on stdout, nothing on stderr
    assert result.stderr == ""
    assert doc["ok"] is False and doc["warnings"] == []
    assert [f"error: {e['message']}\n" for e in doc["errors"]] == text.output.splitlines(keepends=True)
    assert [(e["file"], e["line"], e["column"]) for e in doc["errors"]] == [("outlines/broken.yaml", 5, 14),
                                                                            ("outlines/broken.yaml", 7, 17)]
    ok = json.loads(run("check", "--json").stdout)
    assert (ok["ok"], ok["outline"], ok["sections"], ok["warnings"]) == (True, "outlines/default.yaml", 6, [])
    assert [q["id"] for q in ok["quotes"]] == ["iceberg"]


@pytest.mark.parametrize("args, status, message", [
    (["build", "missing", "--json"], 1, "outlines/missing.yaml: no such outline; the outlines are default, minister, press"),
    (["figures", "missing", "--json"], 1, "outlines/missing.yaml: no such outline; the outlines are default, minister, press"),
    (["search", "AND OR", "--json"], 1, "bad search query 'AND OR': fts5: syntax error near \"AND\""),
    (["sources", "--removed", "nowhere", "--json"], 1, "unknown source 'nowhere' (known: israel-delivers-aid, "
     "azerbaijan-israel-relations, tensions-with-iran-mount, blooming-friendship, strategic-partnership)"),
    (["diff", "a.json", "b.json", "--json"], 1, "a.json: No such file or directory"),
    (["add", "nothing.html", "--json"], 1, "nothing.html: file not found"),
    (["mail", "x.pdf", "--to", "a@example.org", "--json"], 1,
     "say where the message goes: --eml PATH, --smtp HOST:PORT, or both"),
    (["init", "seeds", "--json"], 1, "seeds: already exists and is not empty; choose a new folder"),
    (["build", "--paper", "Lettr", "--json"], 2, "Invalid value for '--paper': 'Lettr' is not one of 'a4', 'letter'."),
])
def test_json_failures_are_one_document_with_the_status(project, run, args, status, message):
    text = run(*[a for a in args if a != "--json"])
    result = run(*args)
    assert result.exit_code == text.exit_code == status
    doc = json.loads(result.stdout)
    assert (doc["ok"], [e["message"] for e in doc["errors"]], doc["warnings"]) == (False, [message], [])
    if status == 1:
        assert text.output == f"error: {message}\n"


def test_init_json(tmp_path, monkeypatch, run):
    monkeypatch.chdir(tmp_path)
    doc = json.loads(run("init", "trees", "--json").stdout)
    assert doc["ok"] and doc["created"] == "trees" and "outlines/default.yaml" in doc["files"]
    assert (tmp_path / "trees" / "outlines" / "default.yaml").is_file()


def test_json_carries_the_warnings_text_prints_on_stderr(project, run):
    (project / "seeds" / "israel-delivers-aid.txt").write_bytes(b"bad\x00")
    warning = ("left out seeds/israel-delivers-aid.txt: binary file (contains NUL bytes); seeds must be UTF-8 "
               "text")
    text = run("check", "minister", "--skip-bad-seeds")
    assert (text.exit_code, text.stderr) == (0, f"warning: {warning}\n")
    result = run("check", "minister", "--skip-bad-seeds", "--json")
    assert (result.exit_code, result.stderr) == (0, "")
    doc = json.loads(result.stdout)
    assert (doc["ok"], doc["warnings"]) == (True, [warning])


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_left_out_seed_is_named_before_the_outline_citing_it_is_refused(project, run, command):
    (project / "seeds" / "blooming-friendship.txt").write_bytes(b"bad\x00")
    result = run(command, "--skip-bad-seeds")
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and len(lines) == 4
    assert lines[0] == ("warning: left out seeds/blooming-friendship.txt: binary file (contains NUL bytes); "
                        "seeds must be UTF-8 text")
    assert lines[1].startswith("error: outlines/default.yaml:31:17: judgments[3].text: [@blooming-friendship, "
                               "par. 11]: unknown source 'blooming-friendship' (known: ")
    doc = json.loads(run(command, "--skip-bad-seeds", "--json").stdout)
    assert (doc["ok"], doc["warnings"], len(doc["errors"])) == (False, [lines[0][len("warning: "):]], 3)


def test_preview_on_a_taken_port_says_which_in_one_line(tiny, run):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("preview", "--port", str(port))
    assert (result.exit_code, result.output) == (
        1, f"error: cannot listen on 127.0.0.1:{port}: Address already in use; "
           "choose another --port, or leave it out for a free one\n")
