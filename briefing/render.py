"""Render a Brief: Jinja2 templates into one self-contained HTML, WeasyPrint into PDF."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import os
import mimetypes
import re
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2

from . import __version__
from .brief import Brief, long_date, short_title
from .errors import RenderError

log = logging.getLogger("briefing")
BUILTIN_TEMPLATES = resources.files("briefing.templates")
BUILTIN_ASSETS = resources.files("briefing.assets")


def environment(project_templates: Path | None) -> jinja2.Environment:
    """Return a Jinja2 environment where the project's templates/ override the built-ins."""
    loaders = [jinja2.FileSystemLoader(str(project_templates))] if project_templates and project_templates.is_dir() else []
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals.update(long_date=long_date, short_title=short_title, version=__version__)
    return env


def inline_urls(css: str, base: Path, roots: tuple[Path, ...]) -> str:
    """Replace relative url(...) references in css with data: URIs of files under roots."""
    def repl(m):
        ref = m.group(2)
        if ref.startswith("data:"):
            return m.group(0)
        path = (base / ref).resolve()
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or not any(path.is_relative_to(r) for r in roots) \
                or not path.is_file():
            log.warning("refused stylesheet reference %r: not a file under the project's assets", ref)
            return 'url("data:,")'
        mime = mimetypes.guess_type(path.name)[0] or ("font/ttf" if path.suffix == ".ttf" else "application/octet-stream")
        return f'url("data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}")'
    return re.sub(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""", repl, css)


def asset_dirs(project_assets: Path | None) -> list[Path]:
    """Return asset folders, the project's own first."""
    dirs = [project_assets] if project_assets and project_assets.is_dir() else []
    return dirs + [Path(str(BUILTIN_ASSETS))]


def stylesheet(env: jinja2.Environment, project_assets: Path | None) -> str:
    """Return the brief's CSS with the bundled fonts inlined."""
    dirs = [d.resolve() for d in asset_dirs(project_assets)]
    fonts = next((d / "fonts" / "fonts.css" for d in dirs if (d / "fonts" / "fonts.css").is_file()), None)
    css = inline_urls(fonts.read_text("utf-8"), fonts.parent, tuple(dirs)) if fonts else ""
    source, _, _ = env.loader.get_source(env, "brief.css")
    return css + "\n" + source


def render_html(brief: Brief, *, templates: Path | None, assets: Path | None, manifest_name: str,
                removed_count: int) -> str:
    """Return the brief as one HTML document with its CSS and fonts inside."""
    env = environment(templates)
    try:
        return env.get_template("brief.html.j2").render(
            brief=brief, o=brief.outline, lang="en", css=jinja2.utils.markupsafe.Markup(stylesheet(env, assets)),
            sources={r.source.id: r.source for r in brief.register},
            notes=brief.notes, manifest_name=manifest_name, removed_count=removed_count)
    except jinja2.TemplateError as e:
        where = f"{e.filename}:{e.lineno}: " if getattr(e, "lineno", None) else ""
        raise RenderError(f"{where}template error: {e.message}") from None


class SafeFetcher:
    """Admit only data: URIs and files under the allowed folders; refuse and log the rest."""

    def __init__(self, allowed: list[Path]):
        from weasyprint.urls import URLFetcher

        self._roots = [p.resolve() for p in allowed]
        self._inner = URLFetcher(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)

    def fetch(self, url, headers=None):
        """Fetch url if it is allowed, else raise so WeasyPrint leaves it out."""
        from urllib.parse import unquote, urlsplit

        scheme = url.split(":", 1)[0].lower()
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(r) for r in self._roots) and path.is_file():
                return self._inner.fetch(url, headers)
        elif scheme == "data":
            return self._inner.fetch(url, headers)
        log.warning("refused to fetch %s: only data: URIs and the project's own assets are allowed", url[:200])
        raise ValueError(f"refused: {url[:200]}")

    __call__ = fetch


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    description: str
    relationship: str = "Supplement"   # PDF/A-3 AFRelationship


@contextmanager
def _source_date(date: str):
    """Set SOURCE_DATE_EPOCH from the brief's date, so PDF dates and ids are reproducible."""
    epoch = int(dt.datetime.fromisoformat(date + "T00:00:00+00:00").timestamp())
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def layout(html: str, *, allowed: list[Path]):
    """Lay the HTML out into pages without writing; len(result.pages) is the page count."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    try:
        return HTML(string=html, base_url=str(allowed[0]), url_fetcher=SafeFetcher(allowed)).render(
            font_config=FontConfiguration(), pdf_tags=True)
    except Exception as e:  # WeasyPrint raises many kinds; the user needs one line
        raise RenderError(f"cannot lay out the brief: {type(e).__name__}: {e}") from e


def pdf_bytes(document, *, date: str, attachments: tuple[Attachment, ...] = ()) -> bytes:
    """Write a laid-out document as tagged PDF/A-3u with the attachments inside."""
    import weasyprint

    with _source_date(date) as when:
        files = [weasyprint.Attachment(string=a.data, name=a.name, description=a.description,
                                       created=when, modified=when, relationship=a.relationship)
                 for a in attachments]
        try:
            return document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True, attachments=files)
        except Exception as e:
            raise RenderError(f"cannot write the PDF: {type(e).__name__}: {e}") from e
