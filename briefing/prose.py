"""Analyst prose: Markdown with raw HTML off, citing evidence as [@quote-id] (a pinned
quote) or [@source-id, par. 12] (a paragraph of a source), each becoming a numbered note."""

from __future__ import annotations

import re
from urllib.parse import unquote
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

CITE = re.compile(r"\[@([\w-]+)(?:,\s*par\.\s*(\d+))?\]")
ANY_CITE = re.compile(r"\[@[^\]]*\]?")
SEPARATOR = '<span class="call-sep">,</span>'   # between two calls: notes 3 and 4 must not read as 34


@dataclass(frozen=True)
class Cite:
    key: str             # a pinned quote's id, or a source id when par is given
    par: int             # paragraph number; 0 for a pinned quote
    text: str            # as written, e.g. "[@iceberg]"


def citations(text: str, *, inline: bool = False) -> tuple[list[Cite], list[str]]:
    """Return the citations in text, in order, and any that are malformed (as written).

    A citation is found where Markdown sees text, as render() reads it (inline: as one
    paragraph, for judgments): "[@x]" in a code span is printed as written, and one inside a
    link, its text or its address, is no citation but misplaced (see misplaced())."""
    env = _parse(text, inline)[1]
    return env["cites"], list(dict.fromkeys(env["bad"]))


def misplaced(text: str, *, inline: bool = False) -> list[str]:
    """Return the citations written inside a link (its words or its address), where no note can go."""
    return list(dict.fromkeys(_parse(text, inline)[1]["linked"]))


def _parse(text: str, inline: bool):
    env: dict = {}
    md = _markdown()
    return (md.parseInline(text, env) if inline else md.parse(text, env)), env


def _cite_tokens(state) -> None:
    """Turn each citation in the text into a token of its own, before the typographer sees it,
    so that no text the analyst writes can pose as a note (no stand-in characters)."""
    from markdown_it.token import Token

    env = state.env
    for key in ("cites", "groups", "bad", "linked"):
        env.setdefault(key, [])
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out, link = [], 0
        for child in block.children:
            if child.type in ("link_open", "link_close"):
                link += 1 if child.type == "link_open" else -1
                env["linked"] += [m.group() for m in ANY_CITE.finditer(unquote(child.attrs.get("href", "")))]
            if child.type != "text" or "[@" not in child.content:
                out.append(child)
                continue
            at = 0
            for m in ANY_CITE.finditer(child.content):
                ok = CITE.fullmatch(m.group())
                if link or not ok:
                    env["linked" if link else "bad"].append(m.group())
                    continue
                _text(out, Token, child.content[at:m.start()])
                while out and (out[-1].type == "softbreak" or out[-1].type == "text" and not out[-1].content.strip()):
                    out.pop()   # a note call follows its word directly: "states¹", not "states ¹"
                if out and out[-1].type == "text":
                    out[-1].content = out[-1].content.rstrip()
                cite = Cite(ok.group(1), int(ok.group(2) or 0), m.group())
                env["cites"].append(cite)
                at = m.end()
                if out and out[-1].type == "cite":   # side by side: one place in the text, one note
                    env["groups"][-1].append(cite)
                    continue
                token = Token("cite", "", 0)
                token.meta = {"n": len(env["groups"]), "punct": ""}
                env["groups"].append([cite])
                out.append(token)
            _text(out, Token, child.content[at:])
        block.children = _punctuation_first(out)


def _punctuation_first(tokens: list) -> list:
    """Put the punctuation that follows a note call before it, as Chicago places it: "states.¹"."""
    for i, token in enumerate(tokens[:-1]):
        after = tokens[i + 1]
        if token.type == "cite" and after.type == "text":
            m = re.match(r"[.,;:!?]+", after.content)
            if m:
                token.meta["punct"] = m.group()
                after.content = after.content[m.end():]
    return [t for t in tokens if t.type != "text" or t.content]


def _text(out: list, Token, content: str) -> None:
    if content:
        token = Token("text", "", 0)
        token.content = content
        out.append(token)


def _render_cite(self, tokens, i, options, env) -> str:
    # The punctuation and the call are held together: a line may break after a full stop, never before its call.
    token = tokens[i]
    note = str(env["notes"][token.meta["n"]])
    punct = token.meta["punct"]
    return f'<span class="called">{Markup.escape(punct)}{note}</span>' if punct else note


@cache
def _markdown():
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML off: tags in the text are printed, never interpreted.
    # Headings and images are off too: the brief owns the outline and fetches nothing.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True})
    md.enable(["replacements", "smartquotes"])
    md.disable(["heading", "lheading", "image"])
    md.core.ruler.before("replacements", "citations", _cite_tokens)
    md.add_render_rule("cite", _render_cite)
    return md


def groups(text: str, *, inline: bool = False) -> list[list[Cite]]:
    """Return the citations in text grouped by place: those side by side, with nothing but space
    between them, are one group, printed as one note."""
    return _parse(text, inline)[1]["groups"]


def render(text: str, notes: list[Markup], *, inline: bool = False) -> Markup:
    """Return text as HTML, each group of citations side by side replaced by its note (notes[i]
    for the i-th group, see groups())."""
    tokens, env = _parse(text, inline)
    if len(env["groups"]) != len(notes):
        raise ValueError(f"{len(env['groups'])} places cited but {len(notes)} notes")
    env["notes"] = notes
    md = _markdown()
    return Markup(md.renderer.render(tokens, md.options, env))


def plain(text: str) -> str:
    """Return text without citations or Markdown, for the mail summary and the manifest."""
    uncited = re.sub(r"\s*" + CITE.pattern, "", text)
    return " ".join(Markup(_markdown().renderInline(uncited)).striptags().split())
