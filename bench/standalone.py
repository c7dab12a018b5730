"""Count the printed excerpts that do not stand alone: they open with a pronoun or connective
(briefing/data/standalone.yaml) or end on a colon.

    python bench/standalone.py out/*.evidence.json

Reads evidence manifests, so a brief built by any version can be measured.
"""

from __future__ import annotations

import json
import sys

from briefing.select import dangles, leans


def main(paths: list[str]) -> None:
    for path in paths:
        excerpts = json.load(open(path, encoding="utf-8"))["excerpts"]
        lean = [e for e in excerpts if leans(e["printed"])]
        colon = [e for e in excerpts if dangles(e["printed"])]
        print(f"{path}: {len(excerpts)} excerpts, {len(lean)} open with a pronoun or connective, "
              f"{len(colon)} end on a colon")
        for e in lean + colon:
            print(f"  {e['id']:<14} {e['printed'][:70]!r} … {e['printed'][-30:]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
