"""Measure what import and segmentation keep of real documents: words visible in each file,
extracted by `briefing add`, quotable, kept as headings, and set aside (by reason).

    python bench/kept.py FOLDER [FOLDER...]

Each file (.html, .pdf, .docx, .md, .txt) is added to a scratch project; a folder that is a
briefing project's seeds/ (it has sources.yaml) is measured as it stands, drop: lines and all.
"""

from __future__ import annotations

import collections
import re
import sys
import tempfile
from pathlib import Path

from briefing.corpus import load_corpus
from briefing.ingest import KINDS, add
from briefing.scaffold import init


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def visible(path: Path) -> int:
    """Return the words a reader of the original file sees (a web page's body without scripts)."""
    if path.suffix == ".html":
        import lxml.html

        tree = lxml.html.fromstring(path.read_bytes())
        for el in tree.xpath("//script|//style|//noscript|//template"):
            el.drop_tree()
        body = tree.find(".//body")
        return words((body if body is not None else tree).text_content())
    if path.suffix == ".pdf":
        import pypdf

        return words(" ".join(p.extract_text() or "" for p in pypdf.PdfReader(path).pages))
    if path.suffix == ".docx":
        import docx

        return words(" ".join(p.text for p in docx.Document(path).paragraphs))
    return words(path.read_text("utf-8"))


def measure(folder: Path, scratch: Path) -> list[tuple[str, str, int, Path]]:
    """Return (name, source id, visible words, project root) for every document in folder."""
    if (folder / "sources.yaml").exists():
        corpus = load_corpus(folder, root=folder.parent)
        return [(Path(s.file).name, s.id, words(s.text), folder.parent) for s in corpus.sources]
    project = scratch / folder.name
    init(project, title="kept", today="2026-01-01")
    (project / "seeds" / "example.txt").unlink()
    text = (project / "seeds" / "sources.yaml").read_text("utf-8")
    (project / "seeds" / "sources.yaml").write_text(text[:text.index("  - id: example")], "utf-8")
    rows = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in KINDS):
        (added,) = add(project / "seeds", [path], root=project)
        rows.append((path.name, added.id, visible(path), project))
    return rows


def main(folders: list[str]) -> None:
    totals, reasons = collections.Counter(), collections.Counter()
    print(f"{'document':44} {'visible':>8} {'extracted':>9} {'quotable':>8} {'headings':>8} {'set aside':>9}")
    with tempfile.TemporaryDirectory() as scratch:
        rows = [row for folder in folders for row in measure(Path(folder), Path(scratch))]
        corpora = {}
        for name, sid, seen, root in rows:
            corpus = corpora.setdefault(root, load_corpus(root / "seeds", root=root))
            s = corpus.source(sid)
            out = collections.Counter()
            for r in corpus.removed:
                if r.source == sid:
                    out[r.reason.split(" in par.")[0]] += words(s.text[r.start:r.end])
            reasons.update(out)
            row = {"visible": seen, "extracted": words(s.text),
                   "quotable": sum(words(p.text) for p in corpus.passages_of(sid) if p.n),
                   "headings": sum(words(p.text) for p in corpus.passages_of(sid) if not p.n),
                   "set aside": sum(out.values())}
            totals.update(row)
            print(f"{name[:44]:44} " + " ".join(f"{v:>{max(8, len(k))}}" for k, v in row.items()))
    t = totals
    print(f"\n{len(rows)} documents: of {t['extracted']:,} extracted words, {t['quotable'] / t['extracted']:.1%} quotable, "
          f"{t['headings'] / t['extracted']:.1%} headings, {t['set aside'] / t['extracted']:.1%} set aside; "
          f"extraction kept {t['extracted'] / t['visible']:.1%} of the words visible in the files")
    for reason, n in reasons.most_common():
        print(f"  {n:>6} words  {reason}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.split("\n\n")[1].strip())
    main(sys.argv[1:])
