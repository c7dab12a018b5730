"""Command line: parse arguments, call one function, print one clean line on error."""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__


def _project():
    from .build import Project

    ctx = click.get_current_context(silent=True)
    return Project(Path("."), skip_bad_seeds=bool(ctx and ctx.params.get("skip_bad_seeds")), on_skip=_left_out)


SKIP_BAD = click.option("--skip-bad-seeds", is_flag=True, help="Leave out, with a warning naming it, a seed that "
                                                             "cannot be quoted (not text, control characters, no "
                                                             "quotable paragraph) instead of stopping.")
JSON = click.option("--json", "as_json", is_flag=True,
                    help="Print one JSON document on stdout, on failure too (with its errors), same exit status.")
WARNINGS = "briefing.warnings"


def _json_mode() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.params.get("as_json"))


def warn(message: str) -> None:
    """Tell the user something went ahead despite a problem: a line on stderr, or a JSON document's warnings."""
    message = " ".join(message.splitlines())
    if _json_mode():
        click.get_current_context().meta.setdefault(WARNINGS, []).append(message)
    else:
        click.echo(f"warning: {message}", err=True)


DONE = "briefing.done"


def record(**fields) -> None:
    """Note what a command has done so far, for its JSON report, whether it ends well or not."""
    click.get_current_context().meta.setdefault(DONE, {}).update(fields)


def emit(doc, lines=()) -> None:
    """Print what a command did: its lines, or with --json one JSON document (a report, one with "ok",
    gets what was recorded and the warnings)."""
    if not _json_mode():
        for line in lines:
            click.echo(line)
        return
    if doc is None:
        return
    if isinstance(doc, dict) and "ok" in doc:
        meta = click.get_current_context().meta
        doc = {"ok": doc["ok"], **meta.get(DONE, {}), **doc, "warnings": meta.get(WARNINGS, [])}
    click.echo(json.dumps(doc, ensure_ascii=False, indent=1))


def fail(problems, status: int = 1, **doc) -> None:
    """Report problems, one line each (or, with --json, in one document with doc), and exit with status."""
    from .errors import located

    if _json_mode():
        emit({"ok": False, **doc, "errors": [located(p) for p in problems]})
    else:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)   # one line, always
    sys.exit(status)


def _left_out(why: str) -> None:
    warn(f"left out {why}")


def handled(f):
    """Turn a BriefingError or OSError into one line on stderr and exit status 1; Ctrl-C into 130; any other
    error, a bug, into one line saying so (the traceback with --debug)."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .errors import bug, one_line

        try:
            return f(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise   # usage errors: click's own message and status
        except (Exception, KeyboardInterrupt) as e:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            if isinstance(e, KeyboardInterrupt):
                fail(["interrupted"], 130)
            fail(one_line(e) or [bug(e)])
    return wrapper


class Briefing(click.Group):
    """The command group; with --json, a usage error is a JSON document too (status 2, as click gives)."""

    def main(self, args=None, *rest, standalone_mode=True, **extra):
        if "--json" not in (sys.argv[1:] if args is None else args) or not standalone_mode:
            return super().main(args, *rest, standalone_mode=standalone_mode, **extra)
        try:
            return super().main(args, *rest, standalone_mode=False, **extra)
        except click.ClickException as e:
            click.echo(json.dumps({"ok": False, "errors": [{"message": e.format_message()}], "warnings": []},
                                  ensure_ascii=False, indent=1))
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo(json.dumps({"ok": False, "errors": [{"message": "interrupted"}], "warnings": []}, indent=1))
            sys.exit(130)


@click.group(cls=Briefing, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("-C", "directory", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Run as if briefing was started in DIR (the project folder); paths given are relative to it.")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (for developers).")
def main(directory, debug):
    """Build cited, printable PDF briefs from seeds/ and outlines/ in the current folder (or -C DIR)."""
    if directory:
        import os

        os.chdir(directory)


@main.command()
@click.argument("outline", required=False)
@click.option("--all", "all_", is_flag=True, help="Build every outline in outlines/ (names starting with _ are "
                                                  "bases for others and are skipped).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF to write (default out/briefing.pdf, or out/<outline>.pdf).")
@click.option("--html", is_flag=True, help="Also write the exact HTML that was laid out, beside the PDF.")
@click.option("--docx", is_flag=True, help="Also write a Word copy (.docx) beside the PDF, for colleagues who edit.")
@click.option("--paper", type=click.Choice(["A4", "letter"], case_sensitive=False),
              help="Paper size (overrides the outline).")
@click.option("--duplex/--simplex", default=None, help="Print on both sides: mirrored margins; with a cover, "
                                                       "sections start on a right-hand page.")
@click.option("--bleed", type=click.IntRange(0, 10), help="Bleed in millimetres for a print shop.")
@click.option("--crop-marks", is_flag=True, default=None, help="Print crop and registration marks (needs --bleed).")
@SKIP_BAD
@JSON
@handled
def build(outline, all_, output, html, docx, paper, duplex, bleed, crop_marks, skip_bad_seeds, as_json):
    """Build a brief from OUTLINE (default outlines/default.yaml), or every outline with --all."""
    from .build import Outcome, build as run, build_all

    page = {k: v for k, v in (("size", paper), ("duplex", duplex), ("bleed", bleed), ("crop_marks", crop_marks))
            if v is not None}
    if all_ and (outline or output):
        raise click.UsageError("--all builds every outline to its default output; give no OUTLINE or -o")
    if all_:
        outcomes = build_all(_project(), html=html, docx=docx, page=page)
    else:
        project = _project()
        outcomes = [Outcome(str(project.outline_path(outline)),
                            run(project, outline, output=output, html=html, docx=docx, page=page))]
    built, problems = [], []
    for outcome in outcomes:   # as each is written: build --all reports while the others go on
        result = outcome.result
        if result is None:
            problems += [" ".join(p.splitlines()) for p in outcome.problems]
            if not _json_mode():
                for problem in outcome.problems:
                    click.echo(f"error: {' '.join(problem.splitlines())}", err=True)
            continue
        built.append({"outline": outcome.outline, "pdf": str(result.pdf), "manifest": str(result.manifest),
                      "html": result.html and str(result.html), "docx": result.docx and str(result.docx),
                      "pages": result.pages, "excerpts": result.excerpts, "dropped": result.dropped})
        if not _json_mode():
            left_out = f"; {result.dropped} left out to fit max_pages" if result.dropped else ""
            click.echo(f"wrote {result.pdf} ({result.pages} pages, {result.excerpts} excerpts{left_out}) "
                       f"and {result.manifest}")
            for extra in (result.html, result.docx):
                if extra:
                    click.echo(f"wrote {extra}")
    if problems:
        if _json_mode():
            fail(problems, built=built)
        sys.exit(1)
    emit({"ok": True, "built": built})


@main.command()
@click.argument("outline", required=False)
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 (default: a free one).")
@SKIP_BAD
@handled
def preview(outline, port, skip_bad_seeds):
    """Show OUTLINE's brief in a browser, rebuilt whenever the outline, a seed, a template or a stylesheet changes."""
    from .preview import serve

    try:
        serve(_project(), outline, port=port,
              ready=lambda url: click.echo(f"previewing at {url} (Ctrl-C to stop); out/ is kept up to date"))
    except KeyboardInterrupt:   # the way to stop it: not an error
        click.echo("preview stopped")


@main.command()
@click.argument("outline", required=False)
@JSON
@click.option("--repin", is_flag=True, help="Record every [@source, par. N] citation as it points now, "
                                            "accepting paragraphs that moved or changed.")
@SKIP_BAD
@handled
def check(outline, as_json, repin, skip_bad_seeds):
    """Validate OUTLINE and anchor every pinned quote, without rendering."""
    from .build import Later, load
    from .figures import hint as figure_hint, make as make_figures
    from .manifest import prove
    from .render import time_limit
    from .select import pinned

    corpus, parsed = load(_project(), outline, repin=repin)
    quotes = [q for excerpts in pinned(corpus, parsed).values() for q in excerpts]
    prove(((q.source, q.start, q.end, q.text) for q in quotes), corpus, _project().root)   # the files, as build does
    with time_limit("finding the figures in the sources", Later(lambda: figure_hint(corpus, parsed, _project().index))):
        # anchors every pinned chart figure, or says which is not found; a hostile seed must not hang it
        make_figures(corpus, parsed, draw=False, db=_project().index, cache=_project().cache)
    emit({"ok": True, "outline": str(parsed.path), "sections": len(parsed.sections),
          "quotes": [{"id": q.id, "source": q.source, "start": q.start, "end": q.end} for q in quotes]},
         [f"{parsed.path}: ok ({len(parsed.sections)} sections, {len(quotes)} pinned quotes anchored)"])


@main.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@JSON
@handled
def diff(old, new, as_json):
    """Say what changed between two issues of a brief: OLD and NEW are evidence manifests, or PDFs carrying them."""
    from .diff import compare, read, report

    changes = compare(read(old), read(new), old_path=str(old), new_path=str(new))
    emit(changes.to_json(), report(changes))


@main.command()
@click.option("--topics", "library", is_flag=True, help="Print the schema of a topics.yaml instead.")
@click.option("--sources", "sources_", is_flag=True, help="Print the schema of seeds/sources.yaml instead.")
@handled
def schema(library, sources_):
    """Print the outline's JSON Schema, for editors (topics from the built-in and project library)."""
    from .outline import schema_document
    from .schema import json_schema
    from .sourcespec import schema_document as sources_schema
    from .topics import LIBRARY, load_topics

    doc = json_schema(LIBRARY, "briefing topic library") if library else sources_schema() if sources_ else \
        schema_document(load_topics(Path(".")))
    click.echo(json.dumps(doc, ensure_ascii=False, indent=1))


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="", help="Title of the first outline (default: from the folder name).")
@JSON
@handled
def init(folder, title, as_json):
    """Create a new briefing project in FOLDER: seeds/, sources.yaml, one outline, a README."""
    from .scaffold import init as scaffold

    written = [str(p.relative_to(folder)) for p in scaffold(folder, title=title)]
    step = f"add sources to {folder / 'seeds'}, then cd {folder} && briefing build"
    emit({"ok": True, "created": str(folder), "files": written, "next": step},
         [f"created {folder}: " + ", ".join(written), f"next: {step}"])


@main.command()
@JSON
@click.option("--removed", metavar="SOURCE", help="List what was set aside in SOURCE, line by line, with the reason.")
@SKIP_BAD
@handled
def sources(as_json, removed, skip_bad_seeds):
    """List the sources in seeds/sources.yaml with their passage and chrome counts (--json: every field, sha256)."""
    project = _project()
    corpus = project.corpus()
    if removed:
        return _removed(corpus, removed, as_json)
    rows = [{"id": s.id, "path": s.file, "sha256": s.sha256, "title": s.title, "author": s.author,
             "authors": list(s.authors), "outlet": s.outlet, "date": s.date, "type": s.type, "grade": s.grade,
             "url": s.url, "accessed": s.accessed, "original": s.original, "original_sha256": s.original_sha256,
             "passages": sum(1 for p in corpus.passages_of(s.id) if p.n),
             "removed": len(corpus.removed_of(s.id))} for s in corpus.sources]
    emit(rows, [f"{r['id']:<30} {r['type'] or '-':<9} {r['date'] or 'n.d.':<10} "
                f"{r['passages']:>3} passages {r['removed']:>3} chrome  {r['title']}" for r in rows])


def _removed(corpus, source_id, as_json):
    from .errors import BriefingError

    try:
        source = corpus.source(source_id)
    except KeyError:
        raise BriefingError(f"unknown source '{source_id}' (known: {', '.join(s.id for s in corpus.sources)})") from None
    rows = [{"line": source.text.count("\n", 0, r.start) + 1, "start": r.start, "end": r.end, "reason": r.reason,
             "text": source.text[r.start:r.end]} for r in corpus.removed_of(source.id)]
    emit(rows, [f"{source.file}:{r['line']}: {r['reason']}: {_clip(' '.join(r['text'].split()), 100)}" for r in rows])
    if not as_json:
        click.echo(f"{len(rows)} set aside; to keep a line as the source's words, list it under keep: "
                   f"in its sources.yaml entry", err=True)


def _clip(text: str, width: int) -> str:
    return text[:width] + "…" if len(text) > width else text


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--id", "source_id", help="Id for the source (default: from its title or file name).")
@click.option("--url", help="Where the document was published (default: from the page's own metadata).")
@JSON
@handled
def add(files, source_id, url, as_json):
    """Import FILES (saved web pages, PDFs, .docx, Markdown, text) into seeds/ and sources.yaml."""
    from .ingest import add as run

    project = _project()
    added = run(project.seeds, list(files), source_id=source_id, url=url, root=project.root)
    lines = []
    for a in added:
        made = f"{a.file} from {a.original}" if a.original else str(a.file)
        lines += [f"added {a.id}: {made}; review its entry in {project.seeds / 'sources.yaml'}:",
                  a.entry.rstrip("\n"), *(f"  ({note})" for note in a.notes)]
    emit({"ok": True, "sources": str(project.seeds / "sources.yaml"),
          "added": [{"id": a.id, "file": str(a.file), "original": a.original and str(a.original), "entry": a.entry,
                     "notes": list(a.notes)} for a in added]}, lines)


@main.command()
@click.argument("query")
@click.option("-n", "limit", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many passages to show.")
@JSON
@SKIP_BAD
@handled
def search(query, limit, as_json, skip_bad_seeds):
    """Search the passages with an FTS5 QUERY, best first (bm25)."""
    from . import index
    project = _project()
    corpus = project.corpus()
    index.sync(corpus, project.index)
    hits = index.search(project.index, query, limit=limit)
    emit([{"passage": h.passage, "source": h.source, "score": round(h.score, 4),
           "start": corpus.passage(h.passage).start, "end": corpus.passage(h.passage).end,
           "par": corpus.passage(h.passage).n, "snippet": h.snippet} for h in hits],
         [f"{h.score:7.2f}  {h.passage:<36} {h.snippet}" for h in hits])
    if not hits and not as_json:
        click.echo("no passage matches", err=True)


@main.command()
@click.argument("outline", required=False)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["percent", "money", "count", "distance", "date",
                                                                   "year", "period"], case_sensitive=False),
              help="Only list claims of this kind; repeat for several.")
@JSON
@SKIP_BAD
@handled
def figures(outline, kinds, as_json, skip_bad_seeds):
    """List the figures in the sources and the disputes among them, to choose what to chart."""
    from .build import load
    from .figreport import report
    from .figures import corpus_claims

    corpus, parsed = load(_project(), outline)
    data = report(corpus, parsed, corpus_claims(corpus, cache=_project().cache), kinds=tuple(kinds))
    if as_json:
        return emit(data)
    for c in data["claims"]:
        click.echo(f"{c['source'][:28]:<28} par. {c['par']:<3} {c['kind']:<8} {' '.join(c['text'].split())[:34]:<34} "
                   f"{c['period'][:20]:<20} {c['subject'][:60]}")
    for title, rows in (("disputes declared in the outline", data["disputes"]),
                        ("found automatically", data["discovered"])):
        click.echo(f"\n{title}: {len(rows)}")
        for d in rows:
            click.echo(f"  {d['quantity']} — {d['status']}, {d['range']}: {d['reason']}")
            for v in d["values"]:
                click.echo(f"      {' '.join(v['text'].split()):<40} {v['source']}, par. {v['par']}"
                           f"{', ' + v['period'] if v['period'] else ''}")
                click.echo(f"        “{' '.join(v['sentence']['text'].split())}”")
            if "declare" in d:
                q = d["declare"]
                click.echo(f"    to declare: - {{quantity: {json.dumps(q['quantity'], ensure_ascii=False)}, "
                           f"match: {json.dumps(q['match'], ensure_ascii=False)}, unit: {json.dumps(q['unit'])}}}")


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--to", "to", multiple=True, required=True, help="Recipient; repeat for several.")
@click.option("--cc", multiple=True, help="Copy recipient; repeat for several.")
@click.option("--subject", help="Subject (default: [MARKING] Title (date)).")
@click.option("--sender", "--from", "sender", help="From address (default briefing@localhost).")
@click.option("--eml", type=click.Path(dir_okay=False, path_type=Path), help="Write the message to this .eml file.")
@click.option("--smtp", metavar="HOST:PORT", help="Send through this SMTP server.")
@click.option("--starttls", is_flag=True, help="Upgrade the SMTP connection with STARTTLS.")
@click.option("--user", help="SMTP login; the password comes from $BRIEFING_SMTP_PASSWORD or a prompt.")
@JSON
@handled
def mail(pdf, to, cc, subject, sender, eml, smtp, starttls, user, as_json):
    """Mail PDF with its key judgments as the message body: to an .eml file or over SMTP."""
    import os

    from . import mail as m
    from .errors import BriefingError

    if not eml and not smtp:
        raise BriefingError("say where the message goes: --eml PATH, --smtp HOST:PORT, or both")
    msg = m.compose(pdf, m.Envelope(to=tuple(to), cc=tuple(cc), subject=subject, sender=sender))
    size = m.encoded_size(msg)
    if size > m.LIMIT:
        warn(f"the message is {size / 2**20:.1f} MB encoded; many mail gateways refuse "
             f"more than {m.LIMIT / 2**20:.0f} MB")
    server = m.server(smtp) if smtp else None   # before anything is written
    record(bytes=size, eml=None, sent=None)
    if eml:
        m.write_eml(msg, eml)
        record(eml=str(eml))
        emit(None, [f"wrote {eml} ({size:,} bytes)"])
    if server:
        host, port = server
        password = None
        if user:
            password = os.environ.get("BRIEFING_SMTP_PASSWORD") or click.prompt(
                f"SMTP password for {user}", hide_input=True, err=as_json)   # stdout is the JSON document's
        m.send(msg, host=host, port=port, starttls=starttls, user=user, password=password)
        record(sent={"to": list(to), "cc": list(cc), "via": smtp})
        emit(None, [f"sent {pdf} to {', '.join(to + cc)} via {smtp}"])
    emit({"ok": True})
