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

    return Project(Path("."))


def handled(f):
    """Turn a BriefingError into one line on stderr and exit status 1."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .errors import BriefingError, OutlineError

        try:
            return f(*args, **kwargs)
        except OutlineError as e:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            for problem in e.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(1)
        except BriefingError as e:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error (for developers).")
def main(debug):
    """Build cited, printable PDF briefs from seeds/ and outlines/ in the current folder."""


@main.command()
@click.argument("outline", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="PDF to write (default out/briefing.pdf, or out/<outline>.pdf).")
@click.option("--html", is_flag=True, help="Also write the exact HTML that was laid out, beside the PDF.")
@click.option("--paper", type=click.Choice(["A4", "letter"]), help="Paper size (overrides the outline).")
@click.option("--duplex/--simplex", default=None, help="Print on both sides: sections start on a right-hand page.")
@click.option("--bleed", type=click.IntRange(0, 10), help="Bleed in millimetres for a print shop.")
@click.option("--crop-marks", is_flag=True, default=None, help="Print crop and registration marks (needs --bleed).")
@handled
def build(outline, output, html, paper, duplex, bleed, crop_marks):
    """Build a brief from OUTLINE (default outlines/default.yaml)."""
    from .build import build as run

    page = {k: v for k, v in (("size", paper), ("duplex", duplex), ("bleed", bleed), ("crop_marks", crop_marks))
            if v is not None}
    result = run(_project(), outline, output=output, html=html, page=page)
    click.echo(f"wrote {result.pdf} ({result.pages} pages, {result.excerpts} excerpts) and {result.manifest}")
    if result.html:
        click.echo(f"wrote {result.html}")


@main.command()
@click.argument("outline", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@handled
def check(outline, as_json):
    """Validate OUTLINE and anchor every pinned quote, without rendering."""
    from .build import load
    from .select import anchor

    corpus, parsed = load(_project(), outline)
    quotes = [anchor(corpus, q, s.id) for s in parsed.sections for q in s.quotes]
    if as_json:
        click.echo(json.dumps({"outline": str(parsed.path), "ok": True, "sections": len(parsed.sections),
                               "quotes": [{"id": q.id, "source": q.source, "start": q.start, "end": q.end}
                                          for q in quotes]}, indent=1))
    else:
        click.echo(f"{parsed.path}: ok ({len(parsed.sections)} sections, {len(quotes)} pinned quotes anchored)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@handled
def sources(as_json):
    """List the sources in seeds/sources.yaml with their hash and passage count."""
    from .corpus import load_corpus

    project = _project()
    corpus = load_corpus(project.seeds, root=project.root)
    rows = [{"id": s.id, "path": s.file, "sha256": s.sha256, "title": s.title, "author": s.author,
             "outlet": s.outlet, "date": s.date, "type": s.type, "grade": s.grade,
             "passages": sum(1 for p in corpus.passages_of(s.id) if p.n),
             "removed": sum(1 for r in corpus.removed if r.source == s.id)} for s in corpus.sources]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['id']:<30} {r['type'] or '-':<9} {r['date'] or 'n.d.':<10} "
                   f"{r['passages']:>3} passages {r['removed']:>3} chrome  {r['title']}")


@main.command()
@click.argument("query")
@click.option("-n", "limit", default=10, show_default=True, help="How many passages to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@handled
def search(query, limit, as_json):
    """Search the passages with an FTS5 QUERY, best first (bm25)."""
    from . import index
    from .corpus import load_corpus

    project = _project()
    corpus = load_corpus(project.seeds, root=project.root)
    index.sync(corpus, project.index)
    by_id = {p.id: p for p in corpus.passages}
    hits = index.search(project.index, query, limit=limit)
    if as_json:
        click.echo(json.dumps([{"passage": h.passage, "source": h.source, "score": round(h.score, 4),
                                "start": by_id[h.passage].start, "end": by_id[h.passage].end,
                                "par": by_id[h.passage].n, "snippet": h.snippet} for h in hits],
                              ensure_ascii=False, indent=1))
        return
    for h in hits:
        click.echo(f"{h.score:7.2f}  {h.passage:<36} {h.snippet}")
    if not hits:
        click.echo("no passage matches", err=True)


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
    if eml:
        m.write_eml(msg, eml)
        click.echo(f"wrote {eml} ({size:,} bytes)")
    if smtp:
        host, _, port = smtp.rpartition(":")
        if not host or not port.isdigit():
            raise BriefingError(f"--smtp must be HOST:PORT, got '{smtp}'")
        password = None
        if user:
            password = os.environ.get("BRIEFING_SMTP_PASSWORD") or click.prompt(
                f"SMTP password for {user}", hide_input=True)
        m.send(msg, host=host, port=int(port), starttls=starttls, user=user, password=password)
        click.echo(f"sent {pdf} to {', '.join(to + cc)} via {smtp}")
