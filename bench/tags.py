"""The cost of writing a tagged PDF of 200 pages, with and without briefing.pdfpatch.

    python bench/tags.py [--pages 200]

pydyf 0.13 rebuilds the tuple of all page references on each read, and WeasyPrint's tag writer
reads it once per tagged element; the patch keeps the tuple while no page is added.
The document is laid out once; only write_pdf is timed, in the same process.
"""

from __future__ import annotations

import argparse
import time


def document(pages: int):
    from weasyprint import HTML

    # A source register: table rows of short cells, the many tagged elements per page of a long brief.
    row = ("<tr><td><b>Report on the harbour</b><br><span>The Library</span>; <code>doc.txt</code></td>"
           "<td>news</td><td>1 May 2020</td><td>B</td><td>2</td><td>—</td></tr>")
    html = "<h1 id=top>Tagged</h1><table>" + row * (pages * 24) + "</table>"
    doc = HTML(string=html).render(pdf_tags=True)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args()
    doc = document(args.pages)
    start = time.perf_counter()
    before = doc.write_pdf(pdf_tags=True)
    unpatched = time.perf_counter() - start
    from briefing import pdfpatch

    applied = pdfpatch.apply()
    start = time.perf_counter()
    after = doc.write_pdf(pdf_tags=True)
    patched = time.perf_counter() - start
    print(f"{len(doc.pages)} pages, tagged: write_pdf {unpatched:.1f} s without the patch, {patched:.1f} s with it "
          f"(×{unpatched / patched:.1f}); patch applied: {applied}; same bytes: {before == after}")


if __name__ == "__main__":
    main()
