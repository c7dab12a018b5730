import contextlib
import functools
import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def read_source(path: Path) -> str:
    """Read a source exactly as the manifest's offsets index it."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def copy_project(target: Path) -> Path:
    """Copy this repository's briefing project (seeds, outlines, its own topics) into target."""
    for name in ("seeds", "outlines"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "topics.yaml", target / "topics.yaml")
    return target


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of this repository's briefing project to break freely."""
    copy_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def run():
    """Run the CLI in-process; return the click Result."""
    from briefing.cli import main

    def invoke(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    return invoke


# The one-source project of the hostile tests: quick to build, small enough to read whole.
SEED = ("A small test source\n\n"
        "The two countries signed a trade agreement and expanded it over the years.\n\n"
        "The pipeline carries oil from the Caspian coast to the Mediterranean every day.\n")
SOURCES = "sources:\n  - id: one\n    file: one.txt\n    title: One\n    type: news\n"
OUTLINE = "title: Test brief\ndate: 2026-01-01\nsections:\n  - title: Trade\n    query: trade OR pipeline\n    excerpts: 2\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """A one-source project, quick to build."""
    root = tmp_path / "project"
    write(root / "seeds" / "one.txt", SEED)
    write(root / "seeds" / "sources.yaml", SOURCES)
    write(root / "outlines" / "default.yaml", OUTLINE)
    monkeypatch.chdir(root)
    return root


BUILD_ALL = ("build", "--all", "--html", "--docx")   # what the README's session runs; the briefs' tests read it


class Shipped:
    """A copy of this repository's project in which each briefing command runs once per session:
    its result is shared by every test that runs it. No test changes its inputs."""

    def __init__(self, root: Path):
        self.root, self.results = root, {}

    def run(self, *args: str):
        """Run `briefing ARGS` in the copy (the first time it is asked for); return the click Result."""
        from briefing.cli import main

        if args not in self.results:
            here = os.getcwd()
            os.chdir(self.root)
            try:
                self.results[args] = CliRunner().invoke(main, list(args), catch_exceptions=False)
            finally:
                os.chdir(here)
        return self.results[args]


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Shipped:
    """The shipped project, where the README's session and the tests reading its briefs share builds."""
    return Shipped(copy_project(tmp_path_factory.mktemp("shipped")))


@pytest.fixture(scope="session")
def built(shipped):
    """Build the default brief once for the whole session, with its HTML and Word copy beside it, as
    `briefing build --all --html --docx` does in the README; return (pdf, manifest dict, html)."""
    result = shipped.run(*BUILD_ALL)
    assert result.exit_code == 0, result.output
    out = shipped.root / "out"
    return (out / "briefing.pdf", json.loads((out / "briefing.evidence.json").read_text("utf-8")),
            (out / "briefing.html").read_text("utf-8"))


@functools.lru_cache(maxsize=32)
def _pdf_text(path: Path, stamp: tuple) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(page.extract_text() for page in PdfReader(path).pages)


def pdf_text(path) -> tuple[str, ...]:
    """Return the text of each page of a PDF, read once while the file is unchanged (pypdf takes
    seconds on a long brief, and many tests read the same one)."""
    path = Path(path).resolve()
    info = path.stat()
    return _pdf_text(path, (info.st_mtime_ns, info.st_size, info.st_ino))


@pytest.fixture(scope="session")
def issues(tmp_path_factory):
    """Build the minister's brief, archive it, change a judgment, and build issue 1.1 with the annex
    (tests/test_diff.py reads them; the README's `briefing diff` example runs in this folder)."""
    from types import SimpleNamespace

    from briefing.build import Project, build
    from briefing.cli import main

    root = copy_project(tmp_path_factory.mktemp("issues"))
    project = Project(root)
    first = build(project, "minister")
    (root / "archive").mkdir()
    old_pdf = shutil.copy(first.pdf, root / "archive" / "minister-1.0.pdf")
    old = shutil.copy(first.manifest, root / "archive" / "minister-1.0.evidence.json")
    default = root / "outlines" / "default.yaml"
    text = default.read_text("utf-8")
    assert text.count("likelihood: unlikely") == 1
    default.write_text(text.replace("likelihood: unlikely", "likelihood: roughly even chance"), "utf-8")
    minister = root / "outlines" / "minister.yaml"
    minister.write_text(minister.read_text("utf-8") + 'version: "1.1"\n'
                        "changes_since: archive/minister-1.0.evidence.json\n", "utf-8")
    with pytest.MonkeyPatch.context() as mp:   # the command line, as an analyst runs it
        mp.chdir(root)
        result = CliRunner().invoke(main, ["build", "minister", "--docx"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["wrote out/minister.docx"]
    out = root / "out"
    return root, old, old_pdf, SimpleNamespace(pdf=out / "minister.pdf", manifest=out / "minister.evidence.json",
                                               docx=out / "minister.docx")


# --- the PostgreSQL index ------------------------------------------------------------------------------
# BRIEFING_TEST_POSTGRES names a database the tests may use (.ci/run starts a server and sets it);
# without it they skip, unless BRIEFING_REQUIRE_POSTGRES=1 (CI) makes the skip a failure.

def _postgres_or_skip() -> str:
    import os

    url = os.environ.get("BRIEFING_TEST_POSTGRES", "")
    if not url:
        if os.environ.get("BRIEFING_REQUIRE_POSTGRES") == "1":
            pytest.fail("BRIEFING_REQUIRE_POSTGRES=1 but BRIEFING_TEST_POSTGRES names no database")
        pytest.skip("set BRIEFING_TEST_POSTGRES=postgresql://… to run the PostgreSQL index tests")
    return url


@contextlib.contextmanager
def postgres_schema():
    """Yield a URL whose tables live in a fresh schema of the test database, dropped afterwards."""
    import psycopg

    url = _postgres_or_skip()
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture
def pg_url():
    """A PostgreSQL index of its own for one test."""
    with postgres_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path):
    """Where a test's index lives, on each backend in turn: a SQLite file or a PostgreSQL URL."""
    if request.param == "sqlite":
        yield tmp_path / "index.sqlite"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture
def on_backend(backend, monkeypatch):
    """Point the project's index at each backend in turn (the SQLite file stays in out/.cache/)."""
    if isinstance(backend, str):
        monkeypatch.setenv("BRIEFING_INDEX_URL", backend)
    return backend


@pytest.fixture(scope="session")
def built_pg(tmp_path_factory):
    """The default brief built once on a PostgreSQL index, as `built` is on SQLite."""
    from briefing.build import Project, build

    out = tmp_path_factory.mktemp("built-pg") / "briefing.pdf"
    with postgres_schema() as url, pytest.MonkeyPatch.context() as env:
        env.setenv("BRIEFING_INDEX_URL", url)
        result = build(Project(ROOT), None, output=out, html=True)
    return result.pdf, json.loads(result.manifest.read_text("utf-8")), result.html.read_text("utf-8")


@pytest.fixture(params=["sqlite", "postgres"])
def built_on(request):
    """The default brief built on each index backend in turn."""
    return request.getfixturevalue("built" if request.param == "sqlite" else "built_pg")
