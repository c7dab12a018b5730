"""The two index backends side by side: a cold sync, a warm sync and each section's search,
on SQLite FTS5 and on PostgreSQL, and whether both return the same hits with the same scores.

    python bench/backends.py [PROJECT] [--url postgresql://…] [--repeat 5]

PROJECT defaults to this repository (the shipped seeds); a library kept by
`bench/scale.py --keep DIR` works too. The URL defaults to $BRIEFING_TEST_POSTGRES; the
PostgreSQL index goes into a scratch schema, dropped afterwards. The searches are the
default outline's sections (query, or topic with refine and exclusions), each at the depth
selection asks for, timed as the median of --repeat runs, each on a new connection as a build
makes them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from briefing import index  # noqa: E402
from briefing.corpus import load_corpus  # noqa: E402
from briefing.select import SEARCH_DEPTH  # noqa: E402
from briefing.topics import load_topics, query  # noqa: E402


def section_queries(root: Path) -> dict[str, str]:
    """Return the default outline's sections' queries, by section id."""
    topics = load_topics(root)
    outline = yaml.safe_load((root / "outlines" / "default.yaml").read_text("utf-8"))
    out = {}
    for i, s in enumerate(outline.get("sections") or []):
        topic = topics.get(s.get("topic") or "")
        q = query(topic, s.get("query") or "", tuple(s.get("exclude") or ()))
        if q:
            out[s.get("id") or s.get("topic") or f"section {i + 1}"] = q
    return out


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", nargs="?", type=Path, default=ROOT)
    parser.add_argument("--url", default=os.environ.get("BRIEFING_TEST_POSTGRES", ""))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.url:
        sys.exit("give --url postgresql://… or set BRIEFING_TEST_POSTGRES")
    import psycopg

    root = args.project.resolve()
    seconds, corpus = timed(load_corpus, root / "seeds", root=root)
    quotable = sum(1 for p in corpus.passages if p.kind in ("paragraph", "quote", "item"))
    print(f"{root}: {len(corpus.sources):,} sources, {quotable:,} quotable passages (loaded in {seconds:.1f} s)")
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(args.url, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    pg = f"{args.url}{'&' if '?' in args.url else '?'}options=-csearch_path%3D{schema}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            backends = {"sqlite": Path(tmp) / "index.sqlite", "postgres": pg}
            rows = {name: {} for name in backends}
            for name, where in backends.items():
                rows[name]["cold sync"] = timed(index.sync, corpus, where)[0]
                rows[name]["warm sync"] = timed(index.sync, corpus, where)[0]
            hits = {}
            for section, q in section_queries(root).items():
                for name, where in backends.items():
                    runs = [timed(index.search, where, q, limit=SEARCH_DEPTH) for _ in range(args.repeat)]
                    rows[name][f"search {section}"] = statistics.median(t for t, _ in runs)
                    hits[section, name] = [(h.passage, h.score) for h in runs[0][1]]
            width = max(len(k) for k in rows["sqlite"])
            print(f"{'':{width}}  {'sqlite':>10}  {'postgres':>10}  ratio")
            for key in rows["sqlite"]:
                a, b = rows["sqlite"][key], rows["postgres"][key]
                print(f"{key:{width}}  {a * 1000:8.1f} ms  {b * 1000:8.1f} ms  {b / a:5.1f}×")
            sections = sorted({s for s, _ in hits})
            differ = [s for s in sections if hits[s, "sqlite"] != hits[s, "postgres"]]
            print(f"same hits and scores on both: {len(sections) - len(differ)} of {len(sections)} searches"
                  + (f"; differ: {', '.join(differ)}" if differ else ""))
    finally:
        with psycopg.connect(args.url, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
