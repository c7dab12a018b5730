"""`briefing build`: the whole pipeline, top to bottom, then the outputs written at once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import index
from .brief import make_brief
from .corpus import load_corpus
from .errors import BriefingError
from .files import write_atomic
from .manifest import dumps, make_manifest
from .outline import load_outline
from .export import attachments
from .render import asset_dirs, layout, pdf_bytes, render_html
from .select import select


@dataclass(frozen=True)
class Project:
    root: Path

    seeds = property(lambda self: self.root / "seeds")
    outlines = property(lambda self: self.root / "outlines")
    templates = property(lambda self: self.root / "templates")
    assets = property(lambda self: self.root / "assets")
    out = property(lambda self: self.root / "out")
    index = property(lambda self: self.root / "out" / ".cache" / "index.sqlite")

    def outline_path(self, name: str | None) -> Path:
        """Resolve an outline argument: a path, or a name in outlines/."""
        if not name:
            return self.outlines / "default.yaml"
        path = Path(name)
        if path.suffix in (".yaml", ".yml") or path.exists():
            return path
        return self.outlines / f"{name}.yaml"

    def default_output(self, outline_name: str) -> Path:
        """Return out/briefing.pdf for the default outline, out/<name>.pdf otherwise."""
        return self.out / ("briefing.pdf" if outline_name == "default" else f"{outline_name}.pdf")


@dataclass(frozen=True)
class Result:
    pdf: Path
    manifest: Path
    html: Path | None
    pages: int
    excerpts: int


def load(project: Project, outline_arg: str | None):
    """Load the corpus, index it and read the outline: everything `check` needs."""
    if not project.seeds.is_dir():
        raise BriefingError(f"{project.seeds}: no seeds/ folder here; run briefing in a briefing project")
    corpus = load_corpus(project.seeds, root=project.root)
    outline = load_outline(project.outline_path(outline_arg), sources={s.id for s in corpus.sources})
    index.sync(corpus, project.index)
    return corpus, outline


def build(project: Project, outline_arg: str | None = None, *, output: Path | None = None,
          html: bool = False, page: dict | None = None) -> Result:
    """Build one brief: PDF, evidence manifest and, on request, the HTML it was laid out from.

    page overrides the outline's print options (size, duplex, bleed, crop_marks).
    """
    corpus, outline = load(project, outline_arg)
    if page:
        outline = replace(outline, page=replace(outline.page, **page))
    if outline.page.crop_marks and not outline.page.bleed:
        raise BriefingError(f"{outline.path}: crop marks need a bleed; set page.bleed (e.g. 3) or --bleed 3")
    chosen = select(corpus, outline, project.index)
    brief = make_brief(corpus, outline, chosen)
    pdf_path = Path(output) if output else project.default_output(outline.name)
    manifest_path = pdf_path.with_suffix(".evidence.json")
    manifest = make_manifest(corpus, brief, pdf_name=pdf_path.name)
    page = render_html(brief, templates=project.templates, assets=project.assets,
                       manifest_name=manifest_path.name, removed_count=len(corpus.removed))
    document = layout(page, allowed=asset_dirs(project.assets))
    pages = len(document.pages)
    manifest["brief"]["pages"] = pages
    pdf = pdf_bytes(document, date=outline.date, attachments=attachments(corpus, brief, manifest, manifest_path.name))
    # Everything is ready before anything is written; the PDF goes last, so a PDF
    # on disk always has its manifest beside it.
    write_atomic(manifest_path, dumps(manifest))
    html_path = pdf_path.with_suffix(".html") if html else None
    if html_path:
        write_atomic(html_path, page.encode("utf-8"))
    write_atomic(pdf_path, pdf)
    return Result(pdf_path, manifest_path, html_path, pages, len(manifest["excerpts"]))
