"""The evidence manifest: every printed quote located in its source's exact text."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from . import __version__, prose
from .brief import Brief, public
from .corpus import Corpus, read_seed
from .errors import AnchorError
from .figreport import evidence


def make_manifest(corpus: Corpus, brief: Brief, *, pdf_name: str, dropped: tuple = (), claims: tuple = ()) -> dict:
    """Return the manifest as plain data (prove() checks it against the files)."""
    listed = {r.source.id for r in brief.register}   # the sources the brief cites, or all with register: all
    excerpts = []
    for part in brief.parts:
        for item in part.items:
            e = item.excerpt
            excerpts.append({
                "id": e.id, "source": e.source, "start": e.start, "end": e.end, "text": e.text,
                "section": e.section, "topic": e.topic, "passage": e.passage, "par": e.n, "note": item.note,
                "locator": brief.notes[item.note - 1].locator,
                "pinned": e.pinned, "rank": e.rank, "printed": e.display, "flags": list(e.flags),
            })
    o = brief.outline
    return {
        "generator": f"briefing {__version__}",
        "pdf": pdf_name,
        "offsets": "indices into open(path, encoding='utf-8', newline='').read(); text == that slice",
        "brief": {"outline": o.name, "title": o.title, "subtitle": o.subtitle, "audience": o.audience,
                  "marking": o.marking, "date": o.date, "cutoff": o.cutoff, "version": o.version,
                  "summary": _summary(brief),
                  "sections": [{"id": part.id, "title": part.title} for part in brief.parts]},
        "judgments": [{"text": f.judgment.text, "likelihood": f.judgment.likelihood, "band": f.judgment.band,
                       "confidence": f.judgment.confidence} for f in brief.judgments],
        "sources": [{"id": s.id, "path": s.file, "sha256": s.sha256, "title": s.title, "subtitle": s.subtitle,
                     "outlet": s.outlet, "author": s.author, "authors": list(s.authors), "date": s.date,
                     "date_note": s.date_note, "type": s.type, "grade": s.grade, "url": s.url, "accessed": s.accessed,
                     "original": s.original, "original_sha256": s.original_sha256}
                    for s in (public(s) if o.public else s for s in corpus.sources) if s.id in listed],
        "excerpts": excerpts,
        **evidence(corpus, brief, claims),   # claims, charts with their points, disputes: each value a slice
        "notes": [{"number": n.number, "source": n.source, "excerpt": n.excerpt, "par": n.par, "locator": n.locator,
                   "text": n.html.striptags()} for n in brief.notes],
        # Automatic excerpts left out to keep within max_pages, least relevant first.
        "dropped": [{"id": e.id, "section": e.section, "topic": e.topic, "source": e.source, "passage": e.passage,
                     "par": e.n, "rank": e.rank, "start": e.start, "end": e.end, "text": e.text} for e in dropped],
        "removed": [asdict(r) for s in corpus.sources if s.id in listed for r in corpus.removed_of(s.id)],
    }


def prove(located, corpus: Corpus, root: Path) -> None:
    """Check slices, each (source id, start, end, text), against the files themselves: each source they
    point into is read again, and its sha256 and every slice compared. The seeds' cache is trusted
    while a file's size, time and inode hold; what the brief prints is not taken on trust."""
    located = list(located)
    texts = {}
    for sid in dict.fromkeys(sid for sid, _, _, _ in located):
        source = corpus.source(sid)
        text = read_seed(root / source.file, source.file)
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != source.sha256:
            raise AnchorError(f"{source.file}: changed since it was read, its size, time and inode kept "
                              "(restored from a copy, or a cache from elsewhere): build again after removing out/.cache")
        texts[sid] = text
    for sid, start, end, text in located:
        if texts[sid][start:end] != text:
            raise AnchorError(f"{text[:40]!r} is not {corpus.source(sid).file}[{start}:{end}]")


def slices(data):
    """Yield every (source, start, end, text) in the manifest: excerpts, claims, chart points, disputes'
    values and the sentences printed beside them."""
    if isinstance(data, dict):
        if {"source", "start", "end", "text"} <= data.keys() and isinstance(data["start"], int):
            yield data["source"], data["start"], data["end"], data["text"]
            if isinstance(data.get("sentence"), dict):
                yield data["source"], data["sentence"]["start"], data["sentence"]["end"], data["sentence"]["text"]
        for value in data.values():
            yield from slices(value)
    elif isinstance(data, list):
        for value in data:
            yield from slices(value)


def _summary(brief: Brief) -> list[str]:
    """Return the main message as plain lines: the key judgments, else the first paragraph of prose."""
    if brief.judgments:
        return [prose.plain(f.judgment.text) for f in brief.judgments]
    first = next((s.text for s in brief.outline.sections if s.text.strip()), "")
    return [prose.plain(first.strip().split("\n\n")[0])] if first else []


def dumps(manifest: dict) -> bytes:
    """Serialise the manifest deterministically."""
    return (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
