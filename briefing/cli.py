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
    return Project(Path("."), skip_bad_seeds=bool(ctx and ctx.params.get("skip_bad_seeds")))


SKIP_BAD = click.option("--skip-bad-seeds", is_flag=True, help="Leave out, with a warning naming it, a seed that "
                                                             "cannot be quoted (not text, control characters, no "
                                                             "quotable paragraph) instead of stopping.")


def _warn_skipped(skipped) -> None:
    for why in skipped:
        click.echo(f"warning: left out {' '.join(why.splitlines())}", err=True)


def handled(f):
    """Turn a BriefingError or OSError into one line on stderr and exit status 1; Ctrl-C into 130; any other
    error, a bug, into one line saying so (the traceback with --debug)."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .errors import BriefingError, bug, one_line

        try:
            return f(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise   # usage errors: click's own message and status
        except (Exception, KeyboardInterrupt) as e:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            if isinstance(e, KeyboardInterrupt):
                click.echo("error: interrupted", err=True)
                sys.exit(130)
            for problem in one_line(e) or [bug(e)]:
                click.echo(f"error: {problem}", err=True)   # one line, always
            sys.exit(1)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (for developers).")
def main(debug):
    """Build cited, printable PDF briefs from seeds/ and outlines/ in the current folder."""


@main.command()
@click.argument("outline", required=False)
@click.option("--all", "all_", is_flag=True, help="Build every outline in outlines/ (names starting with _ are "
                                                  "bases for others and are skipped).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF to write (default out/briefing.pdf, or out/<outline>.pdf).")
@click.option("--html", is_flag=True, help="Also write the exact HTML that was laid out, beside the PDF.")
@click.option("--docx", is_flag=True, help="Also write a Word copy (.docx) beside the PDF, for colleagues who edit.")
@click.option("--paper", type=click.Choice(["A4", "letter"]), help="Paper size (overrides the outline).")
@click.option("--duplex/--simplex", default=None, help="Print on both sides: sections start on a right-hand page.")
@click.option("--bleed", type=click.IntRange(0, 10), help="Bleed in millimetres for a print shop.")
@click.option("--crop-marks", is_flag=True, default=None, help="Print crop and registration marks (needs --bleed).")
@SKIP_BAD
@handled
def build(outline, all_, output, html, docx, paper, duplex, bleed, crop_marks, skip_bad_seeds):
    """Build a brief from OUTLINE (default outlines/default.yaml), or every outline with --all."""
    from .build import build as run, build_all

    page = {k: v for k, v in (("size", paper), ("duplex", duplex), ("bleed", bleed), ("crop_marks", crop_marks))
            if v is not None}
    if all_ and (outline or output):
        raise click.UsageError("--all builds every outline to its default output; give no OUTLINE or -o")
    outcomes = build_all(_project(), html=html, docx=docx, page=page) if all_ else [None]
    failed = 0
    for outcome in outcomes:
        result = outcome.result if outcome else run(_project(), outline, output=output, html=html, docx=docx,
                                                    page=page)
        if result is None:
            failed += 1
            for problem in outcome.problems:
                click.echo(f"error: {' '.join(problem.splitlines())}", err=True)
            continue
        _warn_skipped(result.skipped)
        left_out = f"; {result.dropped} left out to fit max_pages" if result.dropped else ""
        click.echo(f"wrote {result.pdf} ({result.pages} pages, {result.excerpts} excerpts{left_out}) "
                   f"and {result.manifest}")
        for extra in (result.html, result.docx):
            if extra:
                click.echo(f"wrote {extra}")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("outline", required=False)
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 (default: a free one).")
@handled
def preview(outline, port):
    """Show OUTLINE's brief in a browser, rebuilt whenever the outline, a seed, a template or a stylesheet changes."""
    from .preview import serve

    try:
        serve(_project(), outline, port=port,
              ready=lambda url: click.echo(f"previewing at {url} (Ctrl-C to stop); out/ is kept up to date"))
    except KeyboardInterrupt:   # the way to stop it: not an error
        click.echo("preview stopped")


@main.command()
@click.argument("outline", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--repin", is_flag=True, help="Record every [@source, par. N] citation as it points now, "
                                            "accepting paragraphs that moved or changed.")
@SKIP_BAD
@handled
def check(outline, as_json, repin, skip_bad_seeds):
    """Validate OUTLINE and anchor every pinned quote, without rendering."""
    from .build import load
    from .figures import make as make_figures
    from .select import pinned

    corpus, parsed = load(_project(), outline, repin=repin)
    _warn_skipped(corpus.skipped)
    quotes = [q for excerpts in pinned(corpus, parsed).values() for q in excerpts]
    make_figures(corpus, parsed, draw=False, db=_project().index, cache=_project().cache)   # anchors every pinned chart figure, or says which is not found
    if as_json:
        click.echo(json.dumps({"outline": str(parsed.path), "ok": True, "sections": len(parsed.sections),
                               "quotes": [{"id": q.id, "source": q.source, "start": q.start, "end": q.end}
                                          for q in quotes]}, indent=1))
    else:
        click.echo(f"{parsed.path}: ok ({len(parsed.sections)} sections, {len(quotes)} pinned quotes anchored)")


@main.command()
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@handled
def diff(old, new, as_json):
    """Say what changed between two issues of a brief: OLD and NEW are evidence manifests, or PDFs carrying them."""
    from .diff import compare, read, report

    changes = compare(read(old), read(new), old_path=str(old), new_path=str(new))
    if as_json:
        click.echo(json.dumps(changes.to_json(), ensure_ascii=False, indent=1))
        return
    for line in report(changes):
        click.echo(line)


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
@handled
def init(folder, title):
    """Create a new briefing project in FOLDER: seeds/, sources.yaml, one outline, a README."""
    from .scaffold import init as scaffold

    written = scaffold(folder, title=title)
    click.echo(f"created {folder}: " + ", ".join(str(p.relative_to(folder)) for p in written))
    click.echo(f"next: add sources to {folder / 'seeds'}, then cd {folder} && briefing build")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@click.option("--removed", metavar="SOURCE", help="List what was set aside in SOURCE, line by line, with the reason.")
@handled
def sources(as_json, removed):
    """List the sources in seeds/sources.yaml with their hash and passage count."""
    project = _project()
    corpus = project.corpus()
    if removed:
        return _removed(corpus, removed, as_json)
    rows = [{"id": s.id, "path": s.file, "sha256": s.sha256, "title": s.title, "author": s.author,
             "authors": list(s.authors), "outlet": s.outlet, "date": s.date, "type": s.type, "grade": s.grade,
             "url": s.url, "accessed": s.accessed, "original": s.original, "original_sha256": s.original_sha256,
             "passages": sum(1 for p in corpus.passages_of(s.id) if p.n),
             "removed": len(corpus.removed_of(s.id))} for s in corpus.sources]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['id']:<30} {r['type'] or '-':<9} {r['date'] or 'n.d.':<10} "
                   f"{r['passages']:>3} passages {r['removed']:>3} chrome  {r['title']}")


def _removed(corpus, source_id, as_json):
    from .errors import BriefingError

    try:
        source = corpus.source(source_id)
    except KeyError:
        raise BriefingError(f"unknown source '{source_id}' (known: {', '.join(s.id for s in corpus.sources)})") from None
    rows = [{"line": source.text.count("\n", 0, r.start) + 1, "start": r.start, "end": r.end, "reason": r.reason,
             "text": source.text[r.start:r.end]} for r in corpus.removed_of(source.id)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        text = " ".join(r["text"].split())
        click.echo(f"{source.file}:{r['line']}: {r['reason']}: {text[:100] + '…' if len(text) > 100 else text}")
    click.echo(f"{len(rows)} set aside; to keep a line as the source's words, list it under keep: "
               f"in its sources.yaml entry", err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--id", "source_id", help="Id for the source (default: from its title or file name).")
@click.option("--url", help="Where the document was published (default: from the page's own metadata).")
@handled
def add(files, source_id, url):
    """Import FILES (saved web pages, PDFs, .docx, Markdown, text) into seeds/ and sources.yaml."""
    from .ingest import add as run

    project = _project()
    for added in run(project.seeds, list(files), source_id=source_id, url=url, root=project.root):
        made = f"{added.file} from {added.original}" if added.original else str(added.file)
        click.echo(f"added {added.id}: {made}; review its entry in {project.seeds / 'sources.yaml'}:")
        click.echo(added.entry.rstrip("\n"))
        for note in added.notes:
            click.echo(f"  ({note})")


@main.command()
@click.argument("query")
@click.option("-n", "limit", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@handled
def search(query, limit, as_json):
    """Search the passages with an FTS5 QUERY, best first (bm25)."""
    from . import index
    project = _project()
    corpus = project.corpus()
    index.sync(corpus, project.index)
    hits = index.search(project.index, query, limit=limit)
    if as_json:
        click.echo(json.dumps([{"passage": h.passage, "source": h.source, "score": round(h.score, 4),
                                "start": corpus.passage(h.passage).start, "end": corpus.passage(h.passage).end,
                                "par": corpus.passage(h.passage).n, "snippet": h.snippet} for h in hits],
                              ensure_ascii=False, indent=1))
        return
    for h in hits:
        click.echo(f"{h.score:7.2f}  {h.passage:<36} {h.snippet}")
    if not hits:
        click.echo("no passage matches", err=True)


@main.command()
@click.argument("outline", required=False)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["percent", "money", "count", "distance", "date",
                                                                   "year", "period"]),
              help="Only list claims of this kind; repeat for several.")
@click.option("--json", "as_json", is_flag=True, help="Print claims and disputes as JSON.")
@handled
def figures(outline, kinds, as_json):
    """List the figures in the sources and the disputes among them, to choose what to chart."""
    from .build import load
    from .figreport import report
    from .figures import corpus_claims

    corpus, parsed = load(_project(), outline)
    data = report(corpus, parsed, corpus_claims(corpus, cache=_project().cache), kinds=tuple(kinds))
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
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
@handled
def mail(pdf, to, cc, subject, sender, eml, smtp, starttls, user):
    """Mail PDF with its key judgments as the message body: to an .eml file or over SMTP."""
    import os

    from . import mail as m
    from .errors import BriefingError

    if not eml and not smtp:
        raise BriefingError("say where the message goes: --eml PATH, --smtp HOST:PORT, or both")
    msg = m.compose(pdf, m.Envelope(to=tuple(to), cc=tuple(cc), subject=subject, sender=sender))
    size = m.encoded_size(msg)
    if size > m.LIMIT:
        click.echo(f"warning: the message is {size / 2**20:.1f} MB encoded; many mail gateways refuse "
                   f"more than {m.LIMIT / 2**20:.0f} MB", err=True)
    server = m.server(smtp) if smtp else None   # before anything is written
    if eml:
        m.write_eml(msg, eml)
        click.echo(f"wrote {eml} ({size:,} bytes)")
    if server:
        host, port = server
        password = None
        if user:
            password = os.environ.get("BRIEFING_SMTP_PASSWORD") or click.prompt(
                f"SMTP password for {user}", hide_input=True)
        m.send(msg, host=host, port=port, starttls=starttls, user=user, password=password)
        click.echo(f"sent {pdf} to {', '.join(to + cc)} via {smtp}")
