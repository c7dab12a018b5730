"""The bundled fonts (assets/fonts/) cover every character the briefs use."""

import re
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = ROOT / "assets" / "fonts"
FONTS_CSS = FONT_DIR / "fonts.css"
SEEDS = ROOT / "seeds"

AZERBAIJANI = "əƏıİşŞğĞçÇöÖüÜ"
# Typography and symbols the templates and briefs are expected to print.
EXTRA = (
    "\u2018\u2019\u201c\u201d"  # curly quotes
    "\u2013\u2014\u2026"  # en dash, em dash, ellipsis
    "\u00a0"  # no-break space
    "\u25a0\u2022\u00d7\u2192"  # ■ • × →
    "\u20ac\u00a3\u00a7\u00b6\u2116"  # € £ § ¶ №
)
BASIC = "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(
    chr(c) for c in range(0xA0, 0x100)
)

_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)
_FAMILY = re.compile(r"""font-family\s*:\s*(['"]?)([^'";]+)\1""")


def _skipped(ch: str) -> bool:
    """Characters the fonts need not have: whitespace, controls and the
    modifier-letter superscripts (ᶜⁱᵗᵃᵗⁱᵒⁿ) that the tool strips."""
    if ch.isspace() and ch != "\u00a0":
        return True
    if unicodedata.category(ch).startswith("C"):
        return True
    name = unicodedata.name(ch, "")
    return "MODIFIER LETTER" in name or "SUPERSCRIPT" in name


def required_chars() -> set[str]:
    chars = set(AZERBAIJANI) | set(EXTRA) | set(BASIC)
    for seed in sorted(SEEDS.glob("*.txt")):
        chars |= set(seed.read_text(encoding="utf-8"))
    return {c for c in chars if not _skipped(c) or c in EXTRA}


def font_faces() -> list[tuple[str, Path]]:
    """(family, file) for every @font-face src url in fonts.css."""
    css = FONTS_CSS.read_text(encoding="utf-8")
    faces = []
    for block in _FACE.findall(css):
        family = _FAMILY.search(block)
        assert family, f"@font-face without font-family: {block!r}"
        for _, url in _URL.findall(block):
            assert "://" not in url and not url.startswith("/"), (
                f"fonts.css must use relative urls, got {url!r}"
            )
            faces.append((family.group(2).strip(), (FONT_DIR / url).resolve()))
    return faces


FACES = font_faces()


def test_fonts_css_declares_both_families():
    families = {family for family, _ in FACES}
    assert {"Brief Serif", "Brief Sans"} <= families, families


def test_seed_characters_collected():
    chars = required_chars()
    # Sanity: the seeds contribute Azerbaijani letters and the superscripts
    # are left out.
    assert "ə" in chars and "ı" in chars
    assert not any("MODIFIER LETTER" in unicodedata.name(c, "") for c in chars)


@pytest.mark.parametrize("path", sorted({p for _, p in FACES}), ids=lambda p: p.name)
def test_font_file_exists_and_is_small(path: Path):
    assert path.is_file(), f"{path} is referenced by fonts.css but missing"
    assert path.stat().st_size < 1_000_000, f"{path.name} is over 1 MB"


def test_every_font_dir_has_licence():
    dirs = {p.parent for _, p in FACES}
    for d in sorted(dirs):
        licences = [
            f
            for f in d.iterdir()
            if f.is_file() and re.match(r"(LICEN[CS]E|OFL|COPYING)", f.name, re.I)
        ]
        assert licences, f"no licence file (LICENSE*/OFL*) in {d}"


def test_fonts_cover_required_characters():
    chars = required_chars()
    missing_by_font = {}
    for path in sorted({p for _, p in FACES}):
        if not path.is_file():
            missing_by_font[path.name] = "FILE MISSING"
            continue
        with TTFont(path, lazy=True) as font:   # lazy: the file stays open until closed
            cmap = font.getBestCmap()
        missing = sorted(c for c in chars if ord(c) not in cmap)
        if missing:
            missing_by_font[path.name] = ", ".join(
                f"{c!r} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing
            )
    assert not missing_by_font, "fonts missing characters:\n" + "\n".join(
        f"  {name}: {miss}" for name, miss in missing_by_font.items()
    )
