"""`briefing build`: the whole pipeline, top to bottom, then the outputs written at once."""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import diff, figures, index, pins
from .brief import make_brief
from .budget import Layout, fit
from .errors import BriefingError, bug, one_line
from .files import inside, unlinked, write_atomic
from .manifest import dumps, make_manifest, prove, slices
from .outline import load_outline
from .topics import load_topics
from .export import attachments
from .render import asset_dirs, layout, pdf_bytes, render_html, time_limit
from .select import select, shortfall


@dataclass(frozen=True)
class Project:
    root: Path
    skip_bad_seeds: bool = False   # leave out, and name, a seed that cannot be quoted
    # told why each seed was left out, as the seeds are loaded: before an outline citing one is refused
    on_skip: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    # Each folder is the project's own: one that a symlink leads out of the project is refused.
    seeds = property(lambda self: inside(self.root, self.root / "seeds"))
    outlines = property(lambda self: inside(self.root, self.root / "outlines"))
    templates = property(lambda self: inside(self.root, self.root / "templates"))
    assets = property(lambda self: inside(self.root, self.root / "assets"))
    out = property(lambda self: inside(self.root, self.root / "out"))
    index = property(lambda self: index.location(self.root))   # a SQLite file, or a PostgreSQL URL
    cache = property(lambda self: unlinked(self.out / ".cache"))   # a symlinked cache is replaced

    def corpus(self):
        """Load the seeds, reading only files changed since the last load."""
        from .corpus import load_corpus

        corpus = load_corpus(self.seeds, root=self.root, cache=self.cache, skip_bad=self.skip_bad_seeds)
        for why in corpus.skipped if self.on_skip else ():
            self.on_skip(why)
        return corpus

    def outline_path(self, name: str | None) -> Path:
        """Resolve an outline argument: a name in outlines/ (`minister`), a file there (`minister.yaml`),
        or a path from here."""
        if not name:
            return self.outlines / "default.yaml"
        path = Path(name)
        if path.suffix not in (".yaml", ".yml") and not path.exists():
            return self.outlines / f"{name}.yaml"
        if not path.exists() and not path.is_absolute() and (self.outlines / path).exists():
            return self.outlines / path
        return path

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
    dropped: int = 0     # automatic excerpts left out to keep within max_pages
    docx: Path | None = None


def load(project: Project, outline_arg: str | None, *, repin: bool = False, corpus=None):
    """Load the corpus (unless given one already loaded and indexed), index it and read the outline,
    its paragraph citations checked against what they pointed at when recorded: everything `check` needs."""
    if not project.seeds.is_dir():
        raise BriefingError(f"{project.seeds}: no seeds/ folder here; run briefing in a briefing project")
    fresh = corpus is None
    if fresh:
        corpus = project.corpus()
    paragraphs = {s.id: s.paragraphs for s in corpus.sources}
    path = project.outline_path(outline_arg)
    if not os.path.lexists(path):   # nothing there (a broken link or a loop is the reader's to name)
        raise BriefingError(f"{path}: no such outline; {_outlines_here(project, path.stem)}")
    outline = load_outline(path, sources=paragraphs,
                           topics=load_topics(project.root), root=project.root)
    pins.verify(corpus, outline, project.outlines / pins.LOCK, repin=repin)
    if fresh:
        index.sync(corpus, project.index)
    return corpus, outline


def build(project: Project, outline_arg: str | None = None, *, output: Path | None = None,
          html: bool = False, docx: bool = False, page: dict | None = None, corpus=None) -> Result:
    """Build one brief: PDF, evidence manifest and, on request, the HTML it was laid out from
    and a Word copy.

    page overrides the outline's print options (size, duplex, bleed, crop_marks); corpus, one
    already loaded and indexed (the preview keeps it between builds).
    """
    corpus, outline = load(project, outline_arg, corpus=corpus)
    if page:
        outline = replace(outline, page=replace(outline.page, **page))
    if outline.page.crop_marks and not outline.page.bleed:
        raise BriefingError(f"{outline.path}: crop marks need a bleed; set page.bleed (e.g. 3) or --bleed 3")
    chosen = select(corpus, outline, project.index)
    # Claims are found in the passages the charts can select; a hostile seed must not hang the build.
    with time_limit("finding the figures in the sources", Later(lambda: figures.hint(corpus, outline, project.index))):
        figs = figures.make(corpus, outline, assets=asset_dirs(project.assets), db=project.index,
                            cache=project.cache)   # claims, charts, disputes
    pdf_path = Path(output) if output else project.default_output(outline.name)
    if pdf_path.suffix.lower() != ".pdf":
        raise BriefingError(f"{pdf_path}: the output must be a .pdf file (the manifest and HTML go beside it)")
    manifest_path = pdf_path.with_suffix(".evidence.json")
    earlier = diff.read(outline.changes_since) if outline.changes_since else None

    def changes(brief, manifest=None):
        """Compare the earlier issue with this one, for the changes annex; None when not asked."""
        if earlier is None:
            return None
        manifest = manifest or make_manifest(corpus, brief, pdf_name=pdf_path.name, claims=figs.claims)
        return diff.compare(earlier, manifest, old_path=str(outline.changes_since), new_path=str(manifest_path))

    short = shortfall(corpus, outline, project.index, chosen)

    def html_of(brief, standalone=False) -> str:
        return render_html(brief, templates=project.templates, assets=project.assets, standalone=standalone,
                           manifest_name=manifest_path.name, removed_count=sum(len(corpus.removed_of(r.source.id)) for r in brief.register),
                           changes=changes(brief))

    def lay_out(kept) -> Layout:
        # A section whose excerpts the page budget left out says so, not that nothing matches.
        empty = short | {s: "budget" for s, found in chosen.items() if found and not kept.get(s)}
        brief = make_brief(corpus, outline, kept, figs.charts, empty)
        text = html_of(brief)
        return Layout(brief, text, layout(text, allowed=asset_dirs(project.assets), hint=biggest(brief)))

    fitted = fit(outline, chosen, lay_out)   # lays out again without excerpts while over max_pages
    brief, page, document = fitted.layout.brief, fitted.layout.html, fitted.layout.document
    manifest = make_manifest(corpus, brief, pdf_name=pdf_path.name, dropped=fitted.dropped, claims=figs.claims)
    prove(slices(manifest), corpus, project.root)   # against the files, not the cache
    pages = len(document.pages)
    manifest["brief"]["pages"] = pages
    pdf = pdf_bytes(document, date=outline.date, attachments=attachments(corpus, brief, manifest, manifest_path.name),
                    hint=biggest(brief))
    docx_path = pdf_path.with_suffix(".docx") if docx else None
    if docx_path:
        from .wordfile import document as word_document

        word = word_document(brief, html=page, changes=changes(brief, manifest), manifest_name=manifest_path.name,
                             pictures=figures.pictures(corpus, brief, assets=asset_dirs(project.assets)))
    html_path = pdf_path.with_suffix(".html") if html else None
    standalone = html_of(brief, standalone=True) if html else None   # the fonts inside, so it stands alone
    # Everything is ready before anything is written. The manifest beside the PDF is the one inside it
    # plus the PDF's own hash (which the PDF cannot carry): every reader checks it, so a build stopped
    # between the two writes leaves a pair that is refused, never an old PDF with new judgments.
    write_atomic(manifest_path, dumps({**manifest, "pdf_sha256": hashlib.sha256(pdf).hexdigest()}))
    if html_path:
        write_atomic(html_path, standalone.encode("utf-8"))
    if docx_path:
        write_atomic(docx_path, word)
    write_atomic(pdf_path, pdf)
    return Result(pdf_path, manifest_path, html_path, pages, len(manifest["excerpts"]), len(fitted.dropped),
                  docx_path)


def _outlines_here(project: Project, wanted: str) -> str:
    """Say which outline was probably meant, or which there are."""
    import difflib

    names = [Path(n).stem for n in outline_names(project)] if project.outlines.is_dir() else []
    hint = difflib.get_close_matches(wanted, names, n=1)
    return f"did you mean '{hint[0]}'?" if hint else \
        f"the outlines are {', '.join(names)}" if names else f"there is none in {project.outlines}/"


class Later:
    """A message worked out only if it is printed: a time limit's hint, when the limit is reached."""

    def __init__(self, make):
        self.make = make

    def __str__(self) -> str:
        return self.make()


def biggest(brief) -> str:
    """Say what is big in a brief, for a time limit's message: its largest part, by rows printed."""
    parts = {"the source register": len(brief.register) if "register" in brief.outline.back_matter else 0,
             "the bibliography": len(brief.bibliography) if "bibliography" in brief.outline.back_matter else 0,
             "the notes": len(brief.notes), "the excerpts": brief.excerpts,
             "the charts' tables": sum(len(c.points) for p in brief.parts for c in p.charts)}
    name, rows = max(parts.items(), key=lambda kv: kv[1])
    if rows < 200:   # a few pages: the time goes to the templates and CSS
        return "simplify the templates and CSS"
    advice = {"the source register": "list the sources cited (leave out register: all) or drop it from back_matter",
              "the bibliography": "cite fewer sources or drop it from back_matter",
              }.get(name, "ask for fewer excerpts or chart points")
    return f"{name} has {rows:,} rows: {advice}"


@dataclass(frozen=True)
class Outcome:
    outline: str
    result: Result | None
    problems: tuple[str, ...] = ()


def outline_names(project: Project) -> list[str]:
    """Return the outlines `build --all` builds: outlines/*.yaml, except names starting with _ or .
    (bases meant only to be extended)."""
    return [str(path) for path in sorted(project.outlines.glob("*.y*ml"))
            if path.suffix in (".yaml", ".yml") and not path.name.startswith(("_", "."))]


def _build_one(project: Project, outline: str, html: bool, page: dict | None, docx: bool = False,
               quiet: bool = False) -> Outcome:
    if quiet:   # builds side by side would write their progress over each other's
        from .progress import silence

        silence()
    try:
        return Outcome(outline, build(project, outline, html=html, docx=docx, page=page))
    except Exception as e:   # even a bug in one outline's build must not hide how the others went
        return Outcome(outline, None, tuple(one_line(e) or [bug(e, outline)]))


def build_all(project: Project, *, html: bool = False, docx: bool = False, page: dict | None = None,
              jobs: int = 0) -> Iterator[Outcome]:
    """Build every outline in outlines/, several at once in separate processes; never stop at a failure.

    Yields each outcome as its build finishes."""
    names = outline_names(project)
    if not names:
        raise BriefingError(f"{project.outlines}: no outlines to build")
    writers = {}
    for name in names:   # default.yaml, default.yml and briefing.yaml all make out/briefing.pdf
        pdf = project.default_output(Path(name).stem)
        if pdf in writers:
            raise BriefingError(f"{writers[pdf]} and {name} would both write {pdf}; rename one of them")
        writers[pdf] = name
    if project.seeds.is_dir():   # index once, so the builds running in parallel only read it
        index.sync(project.corpus(), project.index)
    jobs = jobs or min(len(names), os.cpu_count() or 1)
    # The seeds left out were told of above; the builds load them again, silently.
    run = functools.partial(_build_one, replace(project, on_skip=None), html=html, page=page, docx=docx, quiet=jobs > 1)
    if jobs == 1:
        yield from (run(name) for name in names)
        return
    # Layout is single-threaded Python: processes, not threads. Spawned, so no lock is inherited.
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run, name): name for name in names}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as e:   # its process died (killed, out of memory): say which, report the rest
                yield Outcome(futures[future], None, (bug(e, futures[future]),))
