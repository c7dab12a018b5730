import json
import shutil
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


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the default brief once for the whole session, with its HTML and Word copy beside it;
    return (pdf, manifest dict, html)."""
    from briefing.build import Project, build

    out = tmp_path_factory.mktemp("built") / "briefing.pdf"
    result = build(Project(ROOT), None, output=out, html=True, docx=True)
    return result.pdf, json.loads(result.manifest.read_text("utf-8")), result.html.read_text("utf-8")
