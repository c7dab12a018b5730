"""Analyst prose: Markdown with raw HTML off, citing evidence as [@quote-id] (a pinned
quote) or [@source-id, par. 12] (a paragraph of a source), each becoming a numbered note."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

CITE = re.compile(r"\[@([\w-]+)(?:,\s*par\.\s*(\d+))?\]")
ANY_CITE = re.compile(r"\[@[^\]]*\]?")
# Private-use characters stand in for citations while Markdown renders around them.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


@dataclass(frozen=True)
class Cite:
    key: str             # a pinned quote's id, or a source id when par is given
    par: int             # paragraph number; 0 for a pinned quote
    text: str            # as written, e.g. "[@iceberg]"


def citations(text: str) -> tuple[list[Cite], list[str]]:
    """Return the citations in text, in order, and any that are malformed (as written)."""
    cites, bad = [], []
    for m in ANY_CITE.finditer(text):
        ok = CITE.fullmatch(m.group())
        if ok:
            cites.append(Cite(ok.group(1), int(ok.group(2) or 0), m.group()))
        else:
            bad.append(m.group())
    return cites, bad


@cache
def _markdown():
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML off: tags in the text are printed, never interpreted.
    # Headings and images are off too: the brief owns the outline and fetches nothing.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes"])
    md.disable(["heading", "lheading", "image"])
    return md


def render(text: str, notes: list[Markup], *, inline: bool = False) -> Markup:
    """Return text as HTML, each citation replaced by its note (notes[i] for the i-th)."""
    slots = iter(range(len(notes)))
    clean = text.replace(_OPEN, "").replace(_CLOSE, "")
    marked = CITE.sub(lambda m: f"{_OPEN}{next(slots)}{_CLOSE}", clean)
    md = _markdown()
    html = md.renderInline(marked) if inline else md.render(marked)
    # A note call follows its word directly: "states¹", not "states ¹".
    html = re.sub(f"(?<=\\S)\\s+(?={_OPEN})", "", html)
    # Two calls in a row are separated, so that notes 3 and 4 do not read as note 34.
    html = re.sub(f"(?<={_CLOSE})\\s*(?={_OPEN})", '<span class="call-sep">,</span>', html)
    return Markup(_SLOT.sub(lambda m: str(notes[int(m.group(1))]), html))


def plain(text: str) -> str:
    """Return text without citations or Markdown, for the mail summary and the manifest."""
    uncited = re.sub(r"\s*" + CITE.pattern, "", text)
    return " ".join(Markup(_markdown().renderInline(uncited)).striptags().split())
