"""Citations that stay put: the text each `[@source, par. N]` pointed at is recorded in
outlines/citations.lock, and a citation whose paragraph has moved or changed is refused
with the paragraph its text is in now, or the nearest one."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from . import prose
from .corpus import Corpus
from .errors import BriefingError, OutlineError, at
from .files import write_atomic
from .outline import Outline

LOCK = "citations.lock"
SIMILAR = 0.6   # below this, the recorded text is gone from the source rather than moved


def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise BriefingError(f"{path}: not a citations lock file ({e}); delete it to record the citations afresh") \
            from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BriefingError(f"{path}: not a citations lock file; delete it to record the citations afresh")
    return data


def _where(outline: Outline, text: str) -> str:
    """Return file:line:col of a citation in the outline, or the outline's name if it is inherited."""
    lines = outline.path.read_text("utf-8").splitlines()
    for n, line in enumerate(lines, 1):
        if text in line:
            return at(outline.path, n, line.index(text) + 1)
    return str(outline.path)


def _short(text: str, words: int = 12) -> str:
    cut = text.split()
    return " ".join(cut[:words]) + (" …" if len(cut) > words else "")


def _moved(corpus: Corpus, source: str, was: str) -> tuple[float, int, str]:
    """Return (similarity, paragraph, text) of the paragraph most like the recorded text."""
    best = (0.0, 0, "")
    for p in corpus.passages_of(source):
        if not p.n:
            continue
        if p.clean == was:
            return 1.0, p.n, p.clean
        m = difflib.SequenceMatcher(None, was, p.clean, autojunk=False)
        if m.real_quick_ratio() > best[0] and m.quick_ratio() > best[0] and (r := m.ratio()) > best[0]:
            best = (r, p.n, p.clean)
    return best


def verify(corpus: Corpus, outline: Outline, lock: Path, *, repin: bool = False) -> int:
    """Check every paragraph citation against what it pointed at when first recorded.

    New citations are recorded; with repin, every citation of this outline is recorded
    as it points now. Returns how many were recorded; raises OutlineError for each that moved.
    """
    records = _read(lock)
    texts = [(j.text, True) for j in outline.judgments] + [(s.text, False) for s in outline.sections]
    cited = {c.key for text, inline in texts for c in prose.citations(text, inline=inline)[0] if c.par}
    paragraphs = {(p.source, p.n): p.clean for key in cited for p in corpus.passages_of(key) if p.n}
    problems, recorded = [], 0
    for text, inline in texts:
        for c in prose.citations(text, inline=inline)[0]:
            if not c.par or (c.key, c.par) not in paragraphs:
                continue   # a pinned quote is anchored by its words; an unknown paragraph is the outline's error
            now = paragraphs[(c.key, c.par)]
            was = records.get(c.key, {}).get(str(c.par))
            if was == now:
                continue
            if was is None or repin:
                records.setdefault(c.key, {})[str(c.par)] = now
                recorded += 1
                continue
            similarity, n, moved = _moved(corpus, c.key, was)
            message = f"{_where(outline, c.text)}: {c.text} cited “{_short(was)}”, "
            if similarity == 1.0:
                message += f"which is now par. {n}; write [@{c.key}, par. {n}]"
            elif similarity >= SIMILAR:
                message += (f"which changed; the nearest is par. {n} ({similarity:.0%} similar): “{_short(moved)}”; "
                            f"cite it, or accept par. {c.par} as it is with briefing check --repin")
            else:
                message += (f"which is no longer in the source; par. {c.par} now reads “{_short(now)}”; "
                            f"fix the citation, or accept it with briefing check --repin")
            problems.append(message)
    if problems:
        raise OutlineError(list(dict.fromkeys(problems)))   # a citation written twice is reported once
    if recorded:
        # Re-read just before writing: outlines built in parallel (build --all) record theirs too.
        merged = _read(lock)
        for source, paragraphs in records.items():
            merged.setdefault(source, {}).update(paragraphs)
        write_atomic(lock, (json.dumps(merged, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return recorded
