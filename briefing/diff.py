"""What changed between two issues of a brief, read from their evidence manifests (or from the
manifests their PDFs carry): judgments changed, excerpts added or dropped, figures changed,
sources added. One line per change, the same in the terminal, the brief's annex and JSON."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import BriefingError

GROUPS = (("judgment", "Key judgments"), ("excerpt", "Excerpts"), ("figure", "Figures"), ("source", "Sources"))
SIMILAR = 0.6     # a reworded judgment is the same judgment changed, not one dropped and one added
# What compare reads of each entry; a file without these is not a manifest briefing wrote.
REQUIRED = {"judgments": ("text",), "excerpts": ("source", "text"), "sources": ("id",),
            "charts": ("id", "title", "points"), "disputes": ("quantity", "status", "range")}


@dataclass(frozen=True)
class Edition:
    path: str
    title: str
    outline: str
    version: str
    date: str


@dataclass(frozen=True)
class Change:
    what: str            # judgment | excerpt | figure | source
    how: str             # added | dropped | changed
    line: str            # the change in words, one line
    old: dict | None = None
    new: dict | None = None


@dataclass(frozen=True)
class Changes:
    old: Edition
    new: Edition
    changes: tuple[Change, ...]

    @property
    def groups(self) -> tuple[tuple[str, tuple[Change, ...]], ...]:
        """Return (heading, changes) for each kind of change that has any, in reading order."""
        return tuple((title, found) for what, title in GROUPS
                     if (found := tuple(c for c in self.changes if c.what == what)))

    def to_json(self) -> dict:
        """Return the changes as plain data, for scripts."""
        return {"old": vars(self.old), "new": vars(self.new),
                **{what + "s": [{"change": c.how, "line": c.line, "old": c.old, "new": c.new}
                                for c in self.changes if c.what == what] for what, _ in GROUPS}}


def read(path: Path) -> dict:
    """Return the evidence manifest in path: a .evidence.json file, or a PDF that carries one."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BriefingError(f"{path}: {e.strerror or e}") from None
    if data.startswith(b"%PDF"):
        data = _attached(path, data)
    try:
        manifest = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BriefingError(f"{path}: not an evidence manifest (not UTF-8 text, nor a PDF)") from None
    except json.JSONDecodeError as e:
        raise BriefingError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None
    if path.name.endswith(".evidence.json") and (pdf := path.with_name(path.name[:-14] + ".pdf")).is_file():
        belongs(manifest, pdf.read_bytes(), manifest_path=path, pdf_path=pdf)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("brief"), dict) or \
            not all(isinstance(manifest.get(k), list) for k in ("sources", "excerpts")):
        raise BriefingError(f"{path}: not an evidence manifest (no brief, sources and excerpts)")
    for key, fields in REQUIRED.items():
        for i, item in enumerate(manifest.get(key) or []):
            lacking = [f for f in fields if not isinstance(item, dict) or f not in item]
            if lacking:
                raise BriefingError(f"{path}: not an evidence manifest: {key}[{i}] has no {lacking[0]}")
        for i, chart in enumerate(manifest.get("charts") or []):
            if not isinstance(chart["points"], list) or \
                    any(not isinstance(p, dict) or "source" not in p or "text" not in p for p in chart["points"]):
                raise BriefingError(f"{path}: not an evidence manifest: charts[{i}].points need a source and text")
    return manifest


def belongs(manifest, pdf: bytes, *, manifest_path: Path, pdf_path: Path) -> None:
    """Refuse a manifest that was not written for this PDF: a build stopped between writing the two
    (a kill, a full disk) leaves a new manifest beside the old PDF, whose judgments it does not hold."""
    import hashlib

    recorded = manifest.get("pdf_sha256") if isinstance(manifest, dict) else None
    actual = hashlib.sha256(pdf).hexdigest()
    if recorded != actual:
        said = f"was written for a PDF with SHA-256 {recorded[:12]}…" if isinstance(recorded, str) and recorded \
            else "does not say which PDF it belongs to"
        raise BriefingError(f"{manifest_path} does not belong to {pdf_path} (it {said}, this one's is "
                            f"{actual[:12]}…); build the brief again")


def _attached(path: Path, data: bytes) -> bytes:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)   # a torn file is one line of error, not pypdf's warnings too
    try:
        files = PdfReader(io.BytesIO(data)).attachments
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as e:
        raise BriefingError(f"{path}: cannot read the PDF ({type(e).__name__}: {e})") from None
    finally:
        log.setLevel(level)
    found = [contents for name, contents in files.items() if name.endswith(".evidence.json") and contents]
    if not found:
        raise BriefingError(f"{path}: the PDF carries no evidence manifest (was it built by briefing?)")
    return found[0][0]


def edition(manifest: dict, path: str = "") -> Edition:
    """Return which issue of which brief a manifest describes."""
    b = manifest["brief"]
    return Edition(str(path), str(b.get("title", "")), str(b.get("outline", "")), str(b.get("version", "")),
                   str(b.get("date", "")))


def compare(old: dict, new: dict, *, old_path: str = "", new_path: str = "") -> Changes:
    """Return what changed from the old manifest to the new one."""
    return Changes(edition(old, old_path), edition(new, new_path),
                   tuple(_judgments(old, new) + _excerpts(old, new) + _figures(old, new) + _sources(old, new)))


def _plain(text: str) -> str:
    from .prose import plain

    return plain(text)


def _estimate(j: dict) -> str:
    out = f"{j.get('likelihood')} ({j.get('band')})" if j.get("likelihood") else ""
    if j.get("confidence"):
        out += f"{', ' if out else ''}{j['confidence']} confidence"
    return out


def _judgments(old: dict, new: dict) -> list[Change]:
    olds, news = old.get("judgments") or [], new.get("judgments") or []
    before, after = [_plain(j["text"]) for j in olds], [_plain(j["text"]) for j in news]
    pairs, left = {}, set(range(len(olds)))
    for i, text in enumerate(after):                  # the same words first
        same = next((k for k in sorted(left) if before[k] == text), None)
        if same is not None:
            pairs[i] = same
            left.discard(same)
    for i, text in enumerate(after):                  # then the most similar of the rest
        if i in pairs or not left:
            continue
        ratio, k = max((difflib.SequenceMatcher(None, before[k], text).ratio(), k) for k in left)
        if ratio >= SIMILAR:
            pairs[i] = k
            left.discard(k)
    out = []
    for i, j in enumerate(news):
        if i not in pairs:
            out.append(Change("judgment", "added", f"added: “{after[i]}” ({_estimate(j) or 'no estimate'})", None, j))
            continue
        was = olds[pairs[i]]
        what = [f"{k} {_word(was, k)} → {_word(j, k)}" for k in ("likelihood", "confidence")
                if was.get(k) != j.get(k)]
        if before[pairs[i]] != after[i]:
            what.append(f"text was “{before[pairs[i]]}”")
        if what:
            out.append(Change("judgment", "changed", f"changed: “{after[i]}”: {'; '.join(what)}", was, j))
    out += [Change("judgment", "dropped", f"dropped: “{before[k]}”", olds[k], None) for k in sorted(left)]
    return out


def _word(j: dict, key: str) -> str:
    value = j.get(key) or "none"
    return f"{value} ({j['band']})" if key == "likelihood" and j.get("band") else value


def _titles(manifest: dict) -> dict:
    return {s["id"]: s.get("title") or s["id"] for s in manifest.get("sources") or []}


def _short(text: str, words: int = 14) -> str:
    cut = " ".join(text.split()).split(" ")
    return " ".join(cut[:words]) + (" …" if len(cut) > words else "")


def _excerpts(old: dict, new: dict) -> list[Change]:
    def keyed(m):
        return {(e["source"], e["text"]): e for e in m.get("excerpts") or []}
    before, after = keyed(old), keyed(new)
    titles = _titles(old) | _titles(new)
    # Sections by the title printed; a manifest from before they were listed gives their ids.
    parts = {p["id"]: p["title"] for m in (old, new) for p in m["brief"].get("sections") or []}

    def line(how, e):
        where = "to" if how == "added" else "from"
        section = parts.get(e.get("section"), e.get("section", ""))
        return (f"{how} {where} {section}: “{_short(e.get('printed') or e['text'])}” "
                f"({titles.get(e['source'], e['source'])}, {e.get('locator') or 'par. ' + str(e.get('par', ''))})")
    return ([Change("excerpt", "added", line("added", e), None, e) for k, e in after.items() if k not in before] +
            [Change("excerpt", "dropped", line("dropped", e), e, None) for k, e in before.items() if k not in after])


def _value(p: dict) -> tuple:
    return tuple(p.get(k) for k in ("value", "low", "high", "unit", "period"))


def _amount(p: dict) -> str:
    def num(v):
        return f"{v:g}" if isinstance(v, (int, float)) else "open" if v is None else str(v)
    out = num(p["value"]) if "value" in p else f"{num(p.get('low'))}–{num(p.get('high'))}"
    return out + (f" {p['unit']}" if p.get("unit") else "") + (f", {p['period']}" if p.get("period") else "")


def _figure(p: dict) -> str:
    return f"{' '.join(p['text'].split())} ({p['source']}, par. {p.get('par', '')})"


def _figures(old: dict, new: dict) -> list[Change]:
    out = []
    before = {c["id"]: c for c in old.get("charts") or []}
    after = {c["id"]: c for c in new.get("charts") or []}
    for cid, c in after.items():
        if cid not in before:
            out.append(Change("figure", "added", f"chart added: “{c['title']}” ({len(c['points'])} figures)", None, c))
            continue
        was, what = before[cid], []
        if was["title"] != c["title"]:
            what.append(f"title was “{was['title']}”")
        if was.get("kind") != c.get("kind"):
            what.append(f"kind {was.get('kind')} → {c.get('kind')}")
        pts = {(p["source"], p["text"]): p for p in was["points"]}
        now = {(p["source"], p["text"]): p for p in c["points"]}
        what += [f"added {_figure(p)}" for k, p in now.items() if k not in pts]
        what += [f"dropped {_figure(p)}" for k, p in pts.items() if k not in now]
        what += [f"{_figure(p)} read as {_amount(pts[k])} → {_amount(p)}" for k, p in now.items()
                 if k in pts and _value(p) != _value(pts[k])]
        if what:
            out.append(Change("figure", "changed", f"chart “{c['title']}”: {'; '.join(what)}", was, c))
    out += [Change("figure", "dropped", f"chart dropped: “{c['title']}”", c, None)
            for cid, c in before.items() if cid not in after]
    before = {d["quantity"]: d for d in old.get("disputes") or []}
    after = {d["quantity"]: d for d in new.get("disputes") or []}
    for q, d in after.items():
        was = before.get(q)
        if was is None:
            out.append(Change("figure", "added", f"disputed figure added: {q}: {d['status']}, range {d['range']}",
                              None, d))
        elif (was["status"], was["range"]) != (d["status"], d["range"]):
            out.append(Change("figure", "changed", f"{q}: {was['status']}, range {was['range']} → "
                                                   f"{d['status']}, range {d['range']}", was, d))
    out += [Change("figure", "dropped", f"disputed figure dropped: {q}", d, None)
            for q, d in before.items() if q not in after]
    return out


def _sources(old: dict, new: dict) -> list[Change]:
    before = {s["id"]: s for s in old.get("sources") or []}
    after = {s["id"]: s for s in new.get("sources") or []}
    out = [Change("source", "added", f"added: “{s.get('title') or i}” ({i})", None, s)
           for i, s in after.items() if i not in before]
    out += [Change("source", "changed", f"text changed: “{s.get('title') or i}” ({i}): its file's SHA-256 differs",
                   before[i], s) for i, s in after.items() if i in before and before[i].get("sha256") != s.get("sha256")]
    out += [Change("source", "dropped", f"dropped: “{s.get('title') or i}” ({i})", s, None)
            for i, s in before.items() if i not in after]
    return out


def report(changes: Changes) -> list[str]:
    """Return the changes as lines for the terminal."""
    def issue(e: Edition) -> str:
        from .brief import long_date

        return f"version {e.version or '?'} ({long_date(e.date) if e.date else 'undated'}, {e.path or e.outline})"
    lines = [f"from {issue(changes.old)}", f"  to {issue(changes.new)}"]
    if changes.old.title != changes.new.title:
        lines.append(f"title: “{changes.old.title}” → “{changes.new.title}”")
    for what, title in GROUPS:
        found = [c for c in changes.changes if c.what == what]
        counts = ", ".join(f"{sum(1 for c in found if c.how == how)} {how}" for how in ("changed", "added", "dropped")
                           if any(c.how == how for c in found))
        lines.append(f"{title}: {counts or 'no change'}")
        lines += [f"  {c.line}" for c in found]
    return lines
