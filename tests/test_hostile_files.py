"""Hostile cases, round two: the brief and its evidence never part, nothing outside the project is
read or written, runs at once are safe, no input gives a traceback, and no output is lost.

Each case is something a shared project folder, a full disk, a second terminal or a stray command
line could bring, and asserts the exact outcome: the one-line error and exit status, and what is on
disk afterwards.
"""

import email
import email.policy
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from pypdf import PdfReader

from briefing import files
from briefing.cli import main
from conftest import OUTLINE, SEED, SOURCES, write
from test_mail import _start as start_smtp



def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run(*args):
    """Run the command line in-process; return (exit status, stdout + stderr)."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def cli(*args, cwd, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed command line in a child process."""
    kwargs.setdefault("timeout", 300)
    return subprocess.run([sys.executable, "-m", "briefing", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, errors="surrogateescape", **kwargs)


# --- 4. The PDF and its manifest always match ---------------------------------------------------------

REFUSED_PAIR = ("error: out/briefing.evidence.json does not belong to out/briefing.pdf (it was written for a PDF "
                "with SHA-256 {}…, this one's is {}…); build the brief again\n")


def test_the_manifest_names_the_pdf_it_was_written_for(tiny):
    assert run("build")[0] == 0
    pdf, manifest = tiny / "out" / "briefing.pdf", tiny / "out" / "briefing.evidence.json"
    data = json.loads(manifest.read_text("utf-8"))
    assert data["pdf_sha256"] == sha(pdf)
    inside = json.loads(PdfReader(pdf).attachments["briefing.evidence.json"][0])
    assert {k: v for k, v in data.items() if k != "pdf_sha256"} == inside   # the PDF cannot carry its own hash


def test_a_full_disk_between_the_two_renames_leaves_a_pair_mail_and_diff_refuse(tiny, monkeypatch):
    assert run("build")[0] == 0
    old_pdf = (tiny / "out" / "briefing.pdf").read_bytes()
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("Test brief", "Second edition"))
    real_replace = os.replace

    def full_disk_at_the_pdf(src, dst):
        if str(dst).endswith(".pdf"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", full_disk_at_the_pdf)
    assert run("build") == (1, "error: cannot write out/briefing.pdf: No space left on device\n")
    monkeypatch.setattr(os, "replace", real_replace)
    pdf, manifest = tiny / "out" / "briefing.pdf", tiny / "out" / "briefing.evidence.json"
    assert pdf.read_bytes() == old_pdf and "Second edition" in manifest.read_text("utf-8")
    refused = REFUSED_PAIR.format(json.loads(manifest.read_text("utf-8"))["pdf_sha256"][:12], sha(pdf)[:12])
    assert run("mail", "out/briefing.pdf", "--to", "desk@example.org", "--eml", "brief.eml") == (1, refused)
    assert not (tiny / "brief.eml").exists()
    assert run("diff", "out/briefing.evidence.json", "out/briefing.evidence.json") == (1, refused)
    assert run("build")[0] == 0   # building again mends the pair
    assert run("mail", "out/briefing.pdf", "--to", "desk@example.org", "--eml", "brief.eml")[0] == 0


def test_a_pdf_from_another_build_beside_the_manifest_is_refused(tiny, tmp_path):
    assert run("build")[0] == 0
    pdf, manifest = tiny / "out" / "briefing.pdf", tiny / "out" / "briefing.evidence.json"
    write(tiny / "outlines" / "other.yaml", OUTLINE.replace("Test brief", "Other brief"))
    assert run("build", "other")[0] == 0
    pdf.write_bytes((tiny / "out" / "other.pdf").read_bytes())   # copied over by hand, manifest left behind
    status, output = run("mail", "out/briefing.pdf", "--to", "desk@example.org", "--eml", tmp_path / "x.eml")
    recorded = json.loads(manifest.read_text("utf-8"))["pdf_sha256"]
    assert (status, output) == (1, REFUSED_PAIR.format(recorded[:12], sha(pdf)[:12]))


def test_a_manifest_that_does_not_name_its_pdf_is_refused(tiny, tmp_path):
    assert run("build")[0] == 0
    manifest = tiny / "out" / "briefing.evidence.json"
    data = json.loads(manifest.read_text("utf-8"))
    del data["pdf_sha256"]
    manifest.write_text(json.dumps(data), "utf-8")
    assert run("mail", "out/briefing.pdf", "--to", "desk@example.org", "--eml", tmp_path / "x.eml") == (
        1, "error: out/briefing.evidence.json does not belong to out/briefing.pdf (it does not say which PDF it "
           f"belongs to, this one's is {sha(tiny / 'out' / 'briefing.pdf')[:12]}…); build the brief again\n")


# --- 9. No traceback, ever ----------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("line, error", [
    ("date: 2026-02-30", "outlines/default.yaml:2:7: date: 2026-02-30 is not a real date (day is out of range for month)"),
    ("date: 2026-13-01", "outlines/default.yaml:2:7: date: 2026-13-01 is not a real date (month must be in 1..12)"),
    ("date: 2026-01-01\ncutoff: 2025-02-29",
     "outlines/default.yaml:3:9: cutoff: 2025-02-29 is not a real date (day is out of range for month)"),
    ("date: 2026", "outlines/default.yaml:2:7: date: expected a date like 2016-08-24; got '2026'"),
])
def test_an_impossible_outline_date_is_refused_at_its_line(tiny, command, line, error):
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("date: 2026-01-01", line))
    assert run(command) == (1, f"error: {error}\n")


@pytest.mark.parametrize("field, value, error", [
    ("date", "2026-02-30", "seeds/sources.yaml:6:11: date: 2026-02-30 is not a real date (day is out of range for month)"),
    ("accessed", "2023-02-29", "seeds/sources.yaml:6:15: accessed: 2023-02-29 is not a real date "
                               "(day is out of range for month)"),
])
def test_an_impossible_source_date_is_refused_by_check(tiny, field, value, error):
    write(tiny / "seeds" / "sources.yaml", SOURCES + f"    {field}: {value}\n")
    assert run("check") == (1, f"error: {error}\n")


def test_a_source_title_of_only_short_words_builds(tiny):
    write(tiny / "seeds" / "sources.yaml", SOURCES.replace("title: One", "title: Of the and a in to on"))
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("trade OR pipeline", "trade OR pipeline\n"
                                                             "    text: Trade grew [@one, par. 1] and grew [@one, par. 2]."))
    assert run("build")[0] == 0
    notes = [n["text"] for n in json.loads((tiny / "out" / "briefing.evidence.json").read_text("utf-8"))["notes"]]
    assert notes[1] == "“Of the and a in,” par. 2."   # the short form: its first five words


def test_a_brief_title_of_only_short_words_builds(tiny):
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("Test brief", "Of the and a in to on"))
    assert run("build")[0] == 0
    text = " ".join(PdfReader(tiny / "out" / "briefing.pdf").pages[0].extract_text().split())
    assert "Of the and a in to on" in text


def test_a_400_digit_amount_is_no_figure_and_never_infinity(tiny):
    huge = "9" * 400
    write(tiny / "seeds" / "one.txt", SEED + f"\nThe fund was worth ${huge} billion in total last year.\n\n"
                                             f"The fund was worth 4,000,000,000,000,000 dollars by another count.\n")
    status, output = run("figures", "--json")
    assert status == 0 and "Infinity" not in output and huge not in output
    assert run("build")[0] == 0
    assert "Infinity" not in (tiny / "out" / "briefing.evidence.json").read_text("utf-8")


def test_a_400_digit_amount_pinned_as_a_chart_point_is_refused_at_its_line(tiny):
    huge = "9" * 400
    write(tiny / "seeds" / "one.txt", SEED + f"\nThe fund was worth ${huge} billion in total last year.\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    chart:\n      kind: bar\n      title: Funds\n"
          "      unit: USD\n      points:\n        - {source: one, text: 'The fund was worth $" + huge + " billion'}\n")
    assert run("check") == (1, "error: outlines/default.yaml:12:31: no USD in these words of seeds/one.txt\n")


@pytest.mark.parametrize("make, args, error", [
    (lambda r: (r / "seeds" / "one.txt").unlink() or os.symlink("one.txt", r / "seeds" / "one.txt"),
     ["build"], "seeds/one.txt: a symlink loop"),
    (lambda r: (r / "seeds" / "sources.yaml").unlink() or os.symlink("sources.yaml", r / "seeds" / "sources.yaml"),
     ["check"], "seeds/sources.yaml: cannot read sources file: Too many levels of symbolic links"),
    (lambda r: os.symlink("loop.yaml", r / "outlines" / "loop.yaml")
     or write(r / "outlines" / "variant.yaml", "extends: loop.yaml\n"),
     ["check", "variant"], "outlines/variant.yaml:1:10: extends: a symlink loop 'loop.yaml' (looked for outlines/loop.yaml)"),
    (lambda r: os.symlink("a.yaml", r / "outlines" / "b.yaml") or os.symlink("b.yaml", r / "outlines" / "a.yaml"),
     ["build", "a"], "outlines/a.yaml: cannot read outline: Too many levels of symbolic links"),
])
def test_a_symlink_loop_is_one_line(tiny, make, args, error):
    make(tiny)
    assert run(*args) == (1, f"error: {error}\n")


@pytest.mark.parametrize("value, error", [
    ("inf", "BRIEFING_RENDER_TIMEOUT must be from 0 (no limit) to 86400 seconds, got 'inf'"),
    ("nan", "BRIEFING_RENDER_TIMEOUT must be from 0 (no limit) to 86400 seconds, got 'nan'"),
    ("-1", "BRIEFING_RENDER_TIMEOUT must be from 0 (no limit) to 86400 seconds, got '-1'"),
    ("1e400", "BRIEFING_RENDER_TIMEOUT must be from 0 (no limit) to 86400 seconds, got '1e400'"),
])
def test_an_unusable_time_limit_is_one_line(tiny, monkeypatch, value, error):
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", value)
    assert run("build") == (1, f"error: {error}\n")


def test_a_time_limit_of_a_nanosecond_stops_the_build_in_one_line(tiny, monkeypatch):
    monkeypatch.setenv("BRIEFING_RENDER_TIMEOUT", "1e-9")
    status, output = run("build")
    assert status == 1 and output.count("\n") == 1
    assert output.startswith("error: finding the figures in the sources took more than 1e-09 s, the time limit; ")
    assert not (tiny / "out" / "briefing.pdf").exists()


@pytest.mark.parametrize("n, status", [("10" + "0" * 22, 0), (str(2**64), 0), ("0", 2), ("-5", 2)])
def test_search_takes_any_count(tiny, n, status):
    code, output = run("search", "trade OR pipeline", "-n", n)
    assert code == status
    if status == 0:
        assert output.count("one.p") == 2   # all there are
    else:
        assert "Invalid value for '-n'" in output


@pytest.mark.slow
def test_init_into_a_folder_whose_name_is_not_utf8(tmp_path):
    name = os.fsdecode(b"caf\xe9-notes")
    done = cli("init", name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    outline = (tmp_path / name / "outlines" / "default.yaml").read_text("utf-8")
    assert 'title: "Caf\ufffd notes"' in outline
    built = cli("build", cwd=tmp_path / name)
    assert built.returncode == 0, built.stderr


def test_one_crashing_outline_in_build_all_still_reports_every_other(tiny, monkeypatch):
    from briefing import build as pipeline

    write(tiny / "outlines" / "crash.yaml", OUTLINE.replace("Test brief", "Crash"))
    write(tiny / "outlines" / "third.yaml", OUTLINE.replace("Test brief", "Third"))
    make_brief = pipeline.make_brief

    def crash(corpus, outline, *args, **kwargs):
        if outline.name == "crash":
            raise KeyError("boom")
        return make_brief(corpus, outline, *args, **kwargs)
    monkeypatch.setattr(pipeline, "make_brief", crash)
    outcomes = {o.outline: o for o in pipeline.build_all(pipeline.Project(Path(".")), jobs=1)}
    assert {k: bool(o.result) for k, o in outcomes.items()} == {
        "outlines/crash.yaml": False, "outlines/default.yaml": True, "outlines/third.yaml": True}
    assert outcomes["outlines/crash.yaml"].problems == (
        "outlines/crash.yaml: internal error, a bug in briefing (KeyError: 'boom'); run the command again with "
        "--debug for the traceback, and please report it",)


def test_a_bug_is_one_line_saying_so_and_debug_shows_the_traceback(tiny, monkeypatch):
    from briefing import build as pipeline

    monkeypatch.setattr(pipeline, "make_brief", lambda *a, **k: {}["boom"])
    assert run("build") == (1, "error: internal error, a bug in briefing (KeyError: 'boom'); run the command "
                               "again with --debug for the traceback, and please report it\n")
    with pytest.raises(KeyError):
        run("--debug", "build")


# --- mail: one-line errors (9) and no data loss (10), against a real SMTP server -----------------------

@pytest.fixture
def smtp_utf8(request):
    """An SMTP server on loopback whose one account has a non-ASCII login and password."""
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            "analystø".encode(), "pässwörd".encode())
        return AuthResult(success=ok, handled=False)
    return start_smtp(request, auth_require_tls=False, authenticator=authenticator)


@pytest.fixture
def brief(tiny):
    assert run("build")[0] == 0
    return tiny / "out" / "briefing.pdf"


@pytest.mark.parametrize("subject, char", [("Brief\vinjected", "000B"), ("Brief\finjected", "000C"),
                                           ("Brief\u2028Bcc: x@example.org", "2028"), ("Brief\u2029x", "2029"),
                                           ("Brief\x00x", "0000"), ("Brief\x85x", "0085")])
def test_a_subject_with_a_line_break_of_any_kind_is_refused(brief, tmp_path, subject, char):
    assert run("mail", brief, "--to", "desk@example.org", "--eml", tmp_path / "x.eml", "--subject", subject) == (
        1, f"error: bad subject {subject!r}: contains U+{char}, a line break or control character; "
           f"a subject is one line\n")
    assert not (tmp_path / "x.eml").exists()


def test_a_title_with_a_line_separator_makes_a_one_line_subject(tiny, tmp_path):
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("Test brief", '"Test\\u2028brief"'))
    assert run("build")[0] == 0
    assert run("mail", "out/briefing.pdf", "--to", "desk@example.org", "--eml", tmp_path / "x.eml")[0] == 0
    msg = email.message_from_bytes((tmp_path / "x.eml").read_bytes(), policy=email.policy.default)
    assert msg["Subject"] == "Test brief (2026-01-01)"


def test_non_ascii_smtp_credentials_log_in(brief, smtp_utf8, monkeypatch):
    handler, port = smtp_utf8
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "pässwörd")
    status, output = run("mail", brief, "--to", "desk@example.org", "--smtp", f"127.0.0.1:{port}",
                         "--user", "analystø")
    assert (status, output) == (0, f"sent {brief} to desk@example.org via 127.0.0.1:{port}\n")
    assert [e.rcpt_tos for e in handler.envelopes] == [["desk@example.org"]]


def test_wrong_non_ascii_smtp_credentials_are_one_line(brief, smtp_utf8, monkeypatch):
    handler, port = smtp_utf8
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "wröng")
    assert run("mail", brief, "--to", "desk@example.org", "--smtp", f"127.0.0.1:{port}", "--user", "analystø") == (
        1, f"error: cannot send mail via 127.0.0.1:{port}: login refused for 'analystø' (535)\n")
    assert handler.envelopes == []


@pytest.mark.parametrize("address", ["host:²", "host:65536", "host:99999", "host:0", "host:", ":25", "host:+25",
                                     "host:٢٥"])
def test_an_smtp_port_that_is_not_1_to_65535_is_refused_before_anything_is_written(brief, tmp_path, address):
    assert run("mail", brief, "--to", "desk@example.org", "--eml", tmp_path / "x.eml", "--smtp", address) == (
        1, f"error: --smtp must be HOST:PORT with a port from 1 to 65535, got {address!r}\n")
    assert not (tmp_path / "x.eml").exists()


@pytest.mark.parametrize("target", ["out/briefing.pdf", "out/briefing.evidence.json", "seeds/one.txt", "out/x.EML.pdf"])
def test_mail_eml_cannot_overwrite_the_brief_or_any_other_file(brief, tiny, target):
    before = {p: p.read_bytes() for p in (tiny / "out").iterdir() if p.is_file()} | {
        tiny / "seeds" / "one.txt": (tiny / "seeds" / "one.txt").read_bytes()}
    assert run("mail", brief, "--to", "desk@example.org", "--eml", target) == (
        1, f"error: {target}: --eml must name an .eml file (it would replace this one)\n")
    assert {p: p.read_bytes() for p in before} == before


def test_mail_refuses_a_named_pipe_instead_of_waiting(tiny, tmp_path):
    fifo = tmp_path / "brief.pdf"
    os.mkfifo(fifo)
    done = cli("mail", fifo, "--to", "desk@example.org", "--eml", tmp_path / "x.eml", cwd=tiny, timeout=60)
    assert (done.returncode, done.stderr) == (1, f"error: cannot read PDF {fifo}: not a regular file\n")


def test_mail_refuses_a_named_pipe_as_the_manifest(brief, tmp_path):
    manifest = brief.with_suffix(".evidence.json")
    manifest.unlink()
    os.mkfifo(manifest)
    done = cli("mail", "out/briefing.pdf", "--to", "desk@example.org", "--eml", tmp_path / "x.eml",
               cwd=brief.parents[1], timeout=60)
    assert (done.returncode, done.stderr) == (
        1, "error: cannot read evidence manifest out/briefing.evidence.json: not a regular file\n")


# --- 10. No data loss: permissions ---------------------------------------------------------------------

def test_a_private_brief_stays_private_when_rebuilt(brief, tiny, tmp_path):
    manifest = brief.with_suffix(".evidence.json")
    os.chmod(brief, 0o600)
    os.chmod(manifest, 0o640)
    write(tiny / "outlines" / "default.yaml", OUTLINE.replace("Test brief", "Second edition"))
    assert run("build", "--html")[0] == 0
    assert "Second edition" in manifest.read_text("utf-8")
    assert (stat.S_IMODE(brief.stat().st_mode), stat.S_IMODE(manifest.stat().st_mode)) == (0o600, 0o640)
    eml = tmp_path / "x.eml"
    write(eml, "old")
    os.chmod(eml, 0o600)
    assert run("mail", brief, "--to", "desk@example.org", "--eml", eml)[0] == 0
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600 and eml.read_bytes() != b"old"


@pytest.mark.slow
@pytest.mark.parametrize("umask, mode", [(0o077, 0o600), (0o027, 0o640), (0o002, 0o664)])
def test_new_outputs_honour_the_umask(tiny, umask, mode):
    done = cli("build", "--html", cwd=tiny, preexec_fn=lambda: os.umask(umask))
    assert done.returncode == 0, done.stderr
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tiny / "out").iterdir() if p.is_file()}
    assert modes == {"briefing.pdf": mode, "briefing.evidence.json": mode, "briefing.html": mode}


def test_write_atomic_reads_the_umask_without_changing_it():
    before = os.umask(0o027)
    try:
        assert files._umask() == 0o027 and os.umask(0o027) == 0o027
    finally:
        os.umask(before)


# --- 6. Nothing outside the project is read or written --------------------------------------------------

@pytest.fixture
def outside(tmp_path):
    """A folder beside the project, with a secret in it that no brief may carry."""
    folder = tmp_path / "outside"
    write(folder / "secret.txt", "LEAKED-SECRET")
    return folder


@pytest.mark.parametrize("folder, command", [("assets", "build"), ("templates", "build"), ("seeds", "check"),
                                             ("outlines", "check"), ("out", "build")])
def test_a_project_folder_symlinked_outside_is_refused(tiny, outside, folder, command):
    target = outside / folder
    if (tiny / folder).exists():
        (tiny / folder).rename(target)
    else:
        target.mkdir()
    before = sorted(p.name for p in target.rglob("*"))
    (tiny / folder).symlink_to(target)
    assert run(command) == (1, f"error: {folder}: leads outside the project (to {target}); refusing it\n")
    assert sorted(p.name for p in target.rglob("*")) == before   # nothing written there
    assert not (tiny / "out").is_dir() or not any((tiny / "out").glob("*.pdf"))


def test_a_symlink_within_the_project_is_fine(tiny):
    (tiny / "seeds").rename(tiny / "library")
    (tiny / "seeds").symlink_to("library")
    assert run("check") == (0, "outlines/default.yaml: ok (1 sections, 0 pinned quotes anchored)\n")


def test_an_index_symlinked_to_another_database_is_replaced_not_written(tiny, outside):
    assert run("check")[0] == 0
    other = outside / "other.sqlite"
    other.write_bytes((tiny / "out" / ".cache" / "index.sqlite").read_bytes())
    before = other.read_bytes()
    write(tiny / "seeds" / "one.txt", SEED + "\nA new paragraph about the pipeline and its trade in gas.\n")
    index = tiny / "out" / ".cache" / "index.sqlite"
    index.unlink()
    index.symlink_to(other)
    assert run("check")[0] == 0
    assert other.read_bytes() == before and not index.is_symlink()
    assert run("search", "gas")[1].count("one.p") == 1   # the project's own index, up to date


@pytest.mark.parametrize("cache", ["out/.cache", "out/.cache/charts"])
def test_a_cache_folder_symlinked_outside_is_replaced(tiny, outside, cache):
    write(tiny / "seeds" / "one.txt", SEED + "\nExports to Europe were worth $5 billion in 2010, officials said.\n\n"
                                             "Exports to Europe were worth $7 billion in 2012, officials said.\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    chart:\n      kind: bar\n      title: Exports grew\n"
                                                        "      unit: USD\n      match: [Exports]\n")
    (tiny / cache).parent.mkdir(parents=True, exist_ok=True)
    (tiny / cache).symlink_to(outside)
    assert run("build")[0] == 0
    assert not (tiny / cache).is_symlink()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_a_cached_chart_symlinked_to_a_file_outside_is_drawn_again_not_read(tiny, outside):
    write(tiny / "seeds" / "one.txt", SEED + "\nExports to Europe were worth $5 billion in 2010, officials said.\n\n"
                                             "Exports to Europe were worth $7 billion in 2012, officials said.\n")
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    chart:\n      kind: bar\n      title: Exports grew\n"
                                                        "      unit: USD\n      match: [Exports]\n")
    assert run("build", "--html")[0] == 0
    (cached,) = (tiny / "out" / ".cache" / "charts").glob("*.svg")
    drawn = cached.read_text("utf-8")
    cached.unlink()
    write(outside / "chart.svg", drawn.replace("Exports grew", "LEAKED-SECRET"))
    cached.symlink_to(outside / "chart.svg")
    assert run("build", "--html")[0] == 0
    assert "LEAKED-SECRET" not in (tiny / "out" / "briefing.html").read_text("utf-8")
    assert not cached.is_symlink() and cached.read_text("utf-8") == drawn


def test_a_fonts_css_naming_a_font_outside_the_assets_is_never_opened(tiny, outside, caplog, monkeypatch):
    from briefing import charts
    from briefing.render import asset_dirs

    write(outside / "font.ttf", b"not a font")
    write(tiny / "assets" / "fonts" / "fonts.css",
          '@font-face { font-family: "Brief Sans"; src: url(../../../outside/font.ttf) }\n'
          f'@font-face {{ font-family: "Brief Sans"; src: url({outside / "font.ttf"}) }}\n')
    opened = []
    real_open = Path.open
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    assert charts.brief_sans(asset_dirs(Path("assets"))) == []
    assert not [p for p in opened if "outside" in str(p)]
    assert [r.getMessage() for r in caplog.records] == [
        "refused font assets/fonts/../../../outside/font.ttf named in assets/fonts/fonts.css: "
        "not a file under the project's assets",
        f"refused font {outside / 'font.ttf'} named in assets/fonts/fonts.css: not a file under the project's assets"]


def test_a_fonts_css_symlinked_outside_is_not_read(tiny, outside):
    from briefing import charts
    from briefing.render import asset_dirs

    write(outside / "fonts.css", '@font-face { font-family: "Brief Sans"; src: url(font.ttf) }\n')
    write(outside / "font.ttf", b"not a font")
    (tiny / "assets" / "fonts").mkdir(parents=True)
    (tiny / "assets" / "fonts" / "fonts.css").symlink_to(outside / "fonts.css")
    fonts = charts.brief_sans(asset_dirs(tiny / "assets"))
    assert fonts and not [f for f in fonts if "outside" in str(f)]   # the built-in fonts instead


# --- 8. Concurrent runs are safe -------------------------------------------------------------------------

@pytest.mark.slow
def test_four_checks_started_at_once_on_a_fresh_project_all_succeed(tmp_path):
    from conftest import copy_project

    root = copy_project(tmp_path / "fresh")
    runs = [subprocess.Popen([sys.executable, "-m", "briefing", "check"], cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [(p.wait(600), p.stdout.read(), p.stderr.read()) for p in runs]
    assert outcomes == [(0, "outlines/default.yaml: ok (6 sections, 1 pinned quotes anchored)\n", "")] * 4


@pytest.mark.slow
def test_four_builds_started_at_once_on_a_fresh_project_all_succeed(tiny):
    for name in ("two", "three", "four"):
        write(tiny / "outlines" / f"{name}.yaml", OUTLINE.replace("Test brief", f"Brief {name}"))
    runs = [subprocess.Popen([sys.executable, "-m", "briefing", "build", *name], cwd=tiny, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for name in ([], ["two"], ["three"], ["four"])]
    outcomes = [(p.wait(600), p.stderr.read()) for p in runs]
    assert outcomes == [(0, "")] * 4
    assert sorted(p.name for p in (tiny / "out").glob("*.pdf")) == ["briefing.pdf", "four.pdf", "three.pdf", "two.pdf"]
    assert "Brief three" in json.loads((tiny / "out" / "three.evidence.json").read_text("utf-8"))["brief"]["title"]


@pytest.mark.parametrize("names, error", [
    (["default.yml", "briefing.yaml"],
     "outlines/briefing.yaml and outlines/default.yaml would both write out/briefing.pdf; rename one of them"),
    (["press.yaml", "press.yml"], "outlines/press.yaml and outlines/press.yml would both write out/press.pdf; "
                                  "rename one of them"),
])
def test_build_all_refuses_two_outlines_writing_one_brief(tiny, names, error):
    for name in names:
        write(tiny / "outlines" / name, OUTLINE.replace("Test brief", name))
    assert run("build", "--all") == (1, f"error: {error}\n")
    assert not (tiny / "out").exists() or not list((tiny / "out").glob("*.pdf"))


class Payload:
    """What a hostile cache would hold: unpickling it opens (creates) a file, as any code could run."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


def test_a_pickle_shipped_in_out_cache_cannot_run_code(tiny):
    import pickle

    from briefing import corpus, yamlio

    pwned = tiny.parent / "pwned"
    data = (tiny / "seeds" / "sources.yaml").read_bytes()
    path = Path("seeds") / "sources.yaml"   # as the command line names it; all of this is known to a sender
    digest = hashlib.sha256(b"%s\0%d\0%s\0" % (str(path).encode(), corpus.SOURCES_MAX_VALUES, yamlio.PARSED)
                            + data).hexdigest()
    write(tiny / "out" / ".cache" / "sources.pickle", digest.encode("ascii") + pickle.dumps(Payload(pwned)))
    assert run("check") == (0, "outlines/default.yaml: ok (1 sections, 0 pinned quotes anchored)\n")
    assert not pwned.exists()


def test_a_claims_cache_entry_cannot_run_code(tmp_path):
    import pickle

    from briefing.segments import Cache

    pwned = tmp_path / "pwned"
    cache = Cache(tmp_path / "cache")
    cache.db.execute("INSERT INTO claims VALUES (?, ?)", ("key", pickle.dumps(Payload(pwned))))
    cache.db.commit()
    assert cache.claims(["key"]) == {} and not pwned.exists()


def test_a_seed_changed_behind_the_caches_back_is_never_quoted_from_the_cache(tiny):
    """The seeds' cache trusts a file while its size, time and inode hold; a file rewritten in place to
    the same length with its time put back (a restore, a sync tool) must not be quoted as it was."""
    assert run("build")[0] == 0
    seed = tiny / "seeds" / "one.txt"
    before = seed.stat()
    with open(seed, "r+b") as f:   # in place: the same inode
        f.write(SEED.replace("trade agreement", "trade treatment").encode("utf-8"))
    os.utime(seed, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (seed.stat().st_ino, seed.stat().st_size, seed.stat().st_mtime_ns) == \
        (before.st_ino, before.st_size, before.st_mtime_ns)
    pdf = sha(tiny / "out" / "briefing.pdf")
    refused = (1, "error: seeds/one.txt: changed since it was read, its size, time and inode kept (restored from "
                  "a copy, or a cache from elsewhere): build again after removing out/.cache\n")
    assert run("build") == refused
    write(tiny / "outlines" / "default.yaml", OUTLINE + "    quotes:\n      - {source: one, text: trade agreement}\n")
    assert run("check") == refused   # a pinned quote is anchored in the file, not the cache
    write(tiny / "outlines" / "default.yaml", OUTLINE)
    assert sha(tiny / "out" / "briefing.pdf") == pdf   # nothing written
    shutil.rmtree(tiny / "out" / ".cache")
    assert run("build")[0] == 0
    manifest = json.loads((tiny / "out" / "briefing.evidence.json").read_text("utf-8"))
    assert any("trade treatment" in e["text"] for e in manifest["excerpts"])
