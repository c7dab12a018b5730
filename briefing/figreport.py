"""Figures as data: the evidence manifest's claims, charts and disputes, and the listing behind
`briefing figures`. Every value carries the excerpts' locator (source, start, end, text)."""

from __future__ import annotations

from .claims import TIME_KINDS
from .corpus import Corpus
from .errors import AnchorError
from .figures import Found, point


def _located(p, texts: dict, what: str) -> dict:
    """Return a point's locator and value for the manifest, refusing one that is not its source's slice."""
    if texts[p.source][p.start:p.end] != p.text:
        raise AnchorError(f"{what} {p.id} does not match its source at [{p.start}:{p.end}]")
    value = {"value": p.value} if p.value is not None or p.kind in TIME_KINDS else {"low": p.low, "high": p.high}
    return {"id": p.id, "source": p.source, "start": p.start, "end": p.end, "text": p.text, **value, "unit": p.unit,
            "kind": p.kind, "hedge": p.hedge, "period": p.when, "years": list(p.years), "label": p.label,
            "series": p.series, "passage": p.passage, "par": p.par, "note": p.note,
            "sentence": {"start": p.sentence[0], "end": p.sentence[1], "text": texts[p.source][slice(*p.sentence)]}}


def evidence(corpus: Corpus, brief, claims: tuple[Found, ...] = ()) -> dict:
    """Return the manifest's claims, charts (with points) and disputes, every value an exact slice.

    Of claims, only those the brief prints (a chart's point or a disputed value) are listed:
    `briefing figures --json` lists every claim in the library."""
    texts = {s.id: s.text for s in corpus.sources}
    charts = [c for part in brief.parts for c in getattr(part, "charts", ())]
    printed = {(p.source, p.start, p.end) for c in charts for p in c.points}
    printed |= {(p.source, p.start, p.end) for c in charts for d in c.disputes for p in d.points}
    claims = tuple(f for f in claims if (f.claim.source, f.claim.start, f.claim.end) in printed)
    return {
        "claims": [_located(point(f, f"{f.passage.id}.c{i}", text=texts[f.claim.source]), texts, "claim")
                   for i, f in enumerate(claims, 1)],
        "charts": [{"id": c.id, "section": c.section, "kind": c.kind, "title": c.title, "subtitle": c.subtitle,
                    "alt": c.alt, "left_out": c.left_out, "points": [_located(p, texts, "point") for p in c.points]}
                   for c in charts],
        "disputes": [{"section": c.section} | _dispute(d, texts) for c in charts for d in c.disputes],
    }


def report(corpus: Corpus, outline, claims: tuple[Found, ...], *, kinds: tuple[str, ...] = ()) -> dict:
    """Return what `briefing figures` lists: every claim, the declared disputes, and what discovery proposes."""
    from .disputes import compare, discover, find_disputes

    texts = {s.id: s.text for s in corpus.sources}
    shown = [f for f in claims if not kinds or f.claim.kind in kinds]
    declared = find_disputes(corpus, tuple(getattr(outline, "disputes", ())), claims) if outline else ()
    proposals = []
    for i, (name, group, words) in enumerate(discover(claims, texts), 1):
        d = compare(f"found-{i}", name, [point(f, f"found-{i}.{j}", text=texts[f.claim.source])
                                          for j, f in enumerate(group, 1)], 5, declared=False)
        unit = group[0].claim.unit
        proposals.append((d, {"quantity": name, "match": words, "unit": unit}))
    return {
        "claims": [_located(point(f, f"{f.passage.id}.c{i}", text=texts[f.claim.source]), texts, "claim")
                   | {"subject": f.claim.subject}
                   for i, f in enumerate(shown, 1)],
        "disputes": [_dispute(d, texts) for d in declared],
        "discovered": [_dispute(d, texts) | {"declare": declare} for d, declare in proposals],
    }


def _dispute(d, texts: dict) -> dict:
    return {"id": d.id, "quantity": d.quantity, "status": d.status, "reason": d.reason, "declared": d.declared,
            "sources": d.sources, "low": d.low, "high": d.high, "unit": d.unit, "range": d.span,
            "values": [_located(p, texts, "value") for p in d.points]}
