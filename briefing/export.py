"""Files carried inside the PDF: the evidence manifest and the bibliography as CSL-JSON and BibTeX."""

from __future__ import annotations

import json
import re

from .brief import Brief, name_parts, public
from .corpus import Corpus, Source
from .manifest import dumps
from .render import Attachment

CSL_TYPES = {"news": "article-newspaper", "analysis": "article-journal", "reference": "entry-encyclopedia",
             "opinion": "article-newspaper"}


def _cited(corpus: Corpus, brief: Brief) -> list[Source]:
    cited = {s for n in brief.notes for s in n.sources}
    return [s for s in corpus.sources if s.id in cited] if not brief.outline.public else \
        [public(s) for s in corpus.sources if s.id in cited]


def _names(s: Source) -> list[dict]:
    out = []
    for person in s.authors or ((s.author,) if s.author else ()):
        given, family = name_parts(person)
        out.append({"family": family, "given": given} if given else {"literal": person})
    return out


def _date_parts(iso: str) -> dict:
    return {"date-parts": [[int(x) for x in iso.split("-")]]}


def csl_json(sources: list[Source]) -> bytes:
    """Return the sources as CSL-JSON, for reference managers."""
    items = []
    for s in sources:
        item = {"id": s.id, "type": CSL_TYPES.get(s.type, "document"), "title": s.title}
        if s.author:
            item["author"] = _names(s)
        if s.outlet:
            item["container-title"] = s.outlet
        if s.date:
            item["issued"] = _date_parts(s.date)
        if s.url:
            item["URL"] = s.url
        if s.accessed:
            item["accessed"] = _date_parts(s.accessed)
        if s.date_note:
            item["note"] = s.date_note
        items.append(item)
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _bib(value: str) -> str:
    # Braces keep capitals; backslashes and braces in the text are escaped.
    return "{" + re.sub(r"([{}\\\\%&$#_])", r"\\\1", value) + "}"


def bibtex(sources: list[Source]) -> bytes:
    """Return the sources as BibTeX (@misc or @article), UTF-8."""
    out = []
    for s in sources:
        kind = "article" if s.outlet else "misc"
        fields = {"title": s.title, "author": " and ".join(s.authors or ((s.author,) if s.author else ())),
                  "journal" if s.outlet else "howpublished": s.outlet, "year": s.date[:4], "date": s.date,
                  "url": s.url, "urldate": s.accessed, "note": s.date_note}
        body = ",\n".join(f"  {k} = {_bib(v)}" for k, v in fields.items() if v)
        out.append(f"@{kind}{{{s.id},\n{body}\n}}\n")
    return "\n".join(out).encode("utf-8")


def attachments(corpus: Corpus, brief: Brief, manifest: dict, manifest_name: str) -> tuple[Attachment, ...]:
    """Return what the PDF carries so a recipient can re-check quotes and import the sources."""
    stem = manifest_name.removesuffix(".evidence.json")
    sources = _cited(corpus, brief)
    return (
        Attachment(manifest_name, dumps(manifest), "Evidence manifest: every quote located in its source file",
                   "Data"),
        Attachment(f"{stem}.bibliography.json", csl_json(sources), "Bibliography as CSL-JSON", "Supplement"),
        Attachment(f"{stem}.bibliography.bib", bibtex(sources), "Bibliography as BibTeX", "Supplement"),
    )
