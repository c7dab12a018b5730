"""`pip install .` (not only -e) must carry the templates, assets and data."""

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow   # pip builds a wheel: run by `pytest -m slow` and in CI


def test_wheel_ships_templates_assets_and_data(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"briefing/templates/brief.html.j2", "briefing/templates/brief.css",
                "briefing/assets/fonts/fonts.css", "briefing/assets/fonts/LiberationSerif-Regular.ttf",
                "briefing/assets/fonts/LICENSE-Liberation.txt", "briefing/data/boilerplate.yaml",
                "briefing/data/topics.yaml", "briefing/data/init/outlines/default.yaml",
                "briefing/data/init/seeds/sources.yaml", "briefing/data/init/README.md"}
    assert expected <= names
    for template in (ROOT / "templates").glob("*.j2"):
        assert f"briefing/templates/{template.name}" in names
