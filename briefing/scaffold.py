"""`briefing init`: a new briefing project with a seed, sources.yaml, one outline and a README."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

from .errors import BriefingError
from .files import real

SCAFFOLD = resources.files("briefing.data").joinpath("init")


def _files(folder, prefix=()):
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.is_dir():
            yield from _files(item, prefix + (item.name,))
        elif not item.name.startswith("."):
            yield prefix + (item.name,), item


def init(target: Path, *, title: str = "", today: str = "") -> list[Path]:
    """Create a briefing project in target, which must be new or empty; return the files written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BriefingError(f"{target}: already exists and is not empty; choose a new folder")
    title = title or real(target).name.replace("-", " ").replace("_", " ").strip().capitalize() or "Brief"
    # A name that is not UTF-8 comes as surrogates, which no UTF-8 file can hold: show what is readable.
    title = title.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    fill = {"{title}": title, "{title_yaml}": json.dumps(title, ensure_ascii=False),
            "{date}": today or dt.date.today().isoformat()}
    written = []
    for parts, item in _files(SCAFFOLD):
        text = item.read_text("utf-8")
        for key, value in fill.items():
            text = text.replace(key, value)
        path = target.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    (target / ".gitignore").write_text("out/\n", "utf-8")
    return written + [target / ".gitignore"]
