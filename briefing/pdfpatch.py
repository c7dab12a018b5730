"""Work around pydyf's quadratic page references when WeasyPrint writes a tagged PDF.

pydyf's ``PDF.page_references`` is a property that builds a tuple of every page's reference on
each read, and WeasyPrint's tag writer (``weasyprint/pdf/tags.py``) reads it once per tagged
element: a write costs tagged elements × pages (61 s of a 602-page brief). Pages are only ever
added by ``PDF.add_page``, which extends ``pages['Kids']``, so the tuple is kept while that list
is the same object of the same length. Applied only where ``page_references`` is still the
plain property of pydyf 0.13 and earlier; a pydyf that changes it is left alone.
"""

from __future__ import annotations

import functools


@functools.cache
def apply() -> bool:
    """Install the cached page references on pydyf.PDF once; return whether it was needed."""
    import pydyf

    original = pydyf.PDF.__dict__.get("page_references")
    major_minor = tuple(int(x) for x in pydyf.__version__.split(".")[:2])
    if not isinstance(original, property) or major_minor > (0, 13):
        return False

    def page_references(self):
        kids = self.pages["Kids"]
        cached = self.__dict__.get("_page_references")
        if cached is None or cached[0] is not kids or cached[1] != len(kids):
            cached = (kids, len(kids), original.fget(self))
            self.__dict__["_page_references"] = cached
        return cached[2]

    pydyf.PDF.page_references = property(page_references, doc=original.__doc__)
    return True
