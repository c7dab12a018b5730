"""Fit a brief into its page budget (`max_pages`) by leaving out the least relevant automatic
excerpts. Each try is laid out without being written; only the chosen layout is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .brief import Brief
from .errors import RenderError
from .outline import Outline
from .select import Excerpt

Chosen = dict[str, list[Excerpt]]


@dataclass(frozen=True)
class Layout:
    brief: Brief
    html: str
    document: Any        # WeasyPrint's laid-out document; len(document.pages) is the page count

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return len(self.document.pages)


@dataclass(frozen=True)
class Fit:
    layout: Layout
    dropped: tuple[Excerpt, ...]


def drop_order(outline: Outline, chosen: Chosen) -> list[Excerpt]:
    """Return the automatic excerpts in the order to leave them out: lowest-ranked first and,
    between equals, later sections first (the main message comes first). Pinned quotes never."""
    position = {s.id: i for i, s in enumerate(outline.sections)}
    automatic = [e for excerpts in chosen.values() for e in excerpts if not e.pinned]
    return sorted(automatic, key=lambda e: (-e.rank, -position.get(e.section, 0)))


def without(chosen: Chosen, dropped: list[Excerpt]) -> Chosen:
    """Return chosen without the dropped excerpts."""
    ids = {e.id for e in dropped}
    return {section: [e for e in excerpts if e.id not in ids] for section, excerpts in chosen.items()}


def fit(outline: Outline, chosen: Chosen, lay_out: Callable[[Chosen], Layout]) -> Fit:
    """Lay the brief out within outline.max_pages, dropping as few automatic excerpts as needed."""
    full = lay_out(chosen)
    budget = outline.max_pages
    if not budget or full.pages <= budget:
        return Fit(full, ())
    order = drop_order(outline, chosen)
    tries = {0: full, len(order): lay_out(without(chosen, order))}
    if tries[len(order)].pages > budget:
        least = tries[len(order)]
        raise RenderError(
            f"{outline.path}: the brief needs {least.pages} pages even without any of its {len(order)} automatic "
            f"excerpts: {least.pages - budget} over max_pages ({budget}); beyond page {budget}: "
            f"{', '.join(overflow(least, budget)) or 'back matter'}. Shorten the judgments, prose or pinned "
            f"quotes, drop a section, or raise max_pages")
    # Pages never increase as excerpts go, so halve the range: low does not fit, high does.
    low, high = 0, len(order)
    while high - low > 1:
        mid = (low + high) // 2
        tries[mid] = lay_out(without(chosen, order[:mid]))
        low, high = (low, mid) if tries[mid].pages <= budget else (mid, high)
    return Fit(tries[high], tuple(order[:high]))


def overflow(layout: Layout, budget: int) -> list[str]:
    """Return the titles of what is laid out beyond the budget, in order."""
    titles = {"judgments": "key judgments", "bibliography": "bibliography", "register": "source register",
              "method": "about this brief"}
    for part in layout.brief.parts:
        titles[part.id] = f"section '{part.title}'"
        titles.update({item.excerpt.id: f"section '{part.title}'" for item in part.items})
    seen = []
    for page in layout.document.pages[budget:]:
        for anchor in page.anchors:
            if anchor in titles and titles[anchor] not in seen:
                seen.append(titles[anchor])
    return seen
