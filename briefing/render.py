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
import jinja2.sandbox
import markupsafe

from . import __version__
from .brief import Brief, long_date, short_title
from .errors import RenderError
from .files import real

log = logging.getLogger("briefing")
BUILTIN_TEMPLATES = resources.files("briefing.templates")
BUILTIN_ASSETS = resources.files("briefing.assets")


class _ProjectLoader(jinja2.FileSystemLoader):
    """Load the project's templates, refusing one that a symlink leads out of the folder."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not real(filename).is_relative_to(real(self.searchpath[0])):
            raise RenderError(f"{filename}: leads outside {self.searchpath[0]}/ (a symlink?); refusing it")
        return source, filename, uptodate


# Values whose methods a template may call; everything else (a Path in the outline, a
# file, our own objects) is data to print, never a thing to act on.
_DATA = (str, int, float, bool, type(None), dict, list, tuple, set, frozenset, dt.date, markupsafe.Markup)
MAX_REPEAT = 1_000_000   # characters or items a template's `*` may make


class Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed: a template may call its macros, the environment's
    globals and the methods of plain values, and `*`/`**` cannot make a giant value.

    Jinja's own sandbox still lets `o.path.write_text(...)` through: a Path's public
    methods are not "unsafe" to it."""

    intercepted_binops = frozenset(["*", "**"])

    def is_safe_callable(self, obj) -> bool:
        owner = getattr(obj, "__self__", None)
        return super().is_safe_callable(obj) and (
            isinstance(obj, jinja2.runtime.Macro) or any(obj is g for g in self.globals.values())
            or isinstance(owner, _DATA) or type(owner if owner is not None else obj).__module__.startswith("jinja2."))

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > 100:
            raise jinja2.sandbox.SecurityError(f"exponent {right} is too large for a template")
        if operator == "*" and isinstance(right, int) and isinstance(left, (str, list, tuple)):
            left, right = right, left
        if operator == "*" and isinstance(left, int) and isinstance(right, (str, list, tuple)) \
                and left * len(right) > MAX_REPEAT:
            raise jinja2.sandbox.SecurityError(f"repeating {len(right):,} items {left:,} times is too large for a template")
        return super().call_binop(context, operator, left, right)


class _Compiled(jinja2.BytecodeCache):
    """Templates compiled once per process (a build renders twice, the preview and the tests many
    times), by file name and the checksum of their source: an edited template compiles again."""

    def __init__(self):
        self.codes: dict[tuple[str, str], object] = {}

    def load_bytecode(self, bucket):
        bucket.code = self.codes.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket):
        if len(self.codes) >= 256:   # a preview left open while its templates are edited all day
            self.codes.clear()
        self.codes[bucket.key, bucket.checksum] = bucket.code


_COMPILED = _Compiled()


def environment(project_templates: Path | None) -> jinja2.Environment:
    """Return a sandboxed Jinja2 environment where the project's templates/ override the built-ins.

    A project folder may come from another hand, so every template, built-in or not, runs
    in the sandbox: no underscore attributes (`cycler.__init__.__globals__.os`), no mutation,
    no method but a plain value's."""
    loaders = [_ProjectLoader(str(project_templates))] if project_templates and project_templates.is_dir() else []
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    env = Sandbox(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                  undefined=jinja2.StrictUndefined, keep_trailing_newline=True, bytecode_cache=_COMPILED)
    env.globals.update(long_date=long_date, short_title=short_title, version=__version__)
    return env


def inline_urls(css: str, base: Path, roots: tuple[Path, ...], *, inline: bool) -> str:
    """Point relative url(...) references in css at files under roots: as data: URIs when inline,
    else as file: URLs (WeasyPrint reads a font file far faster than it tokenises its base64)."""
    def repl(m):
        ref = m.group(2)
        if ref.startswith("data:"):
            return m.group(0)
        path = real(base / ref)
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I) or not any(path.is_relative_to(r) for r in roots) \
                or not path.is_file():
            log.warning("refused stylesheet reference %r: not a file under the project's assets", ref)
            return 'url("data:,")'
        if not inline:
            return f'url("{path.as_uri()}")'
        mime = mimetypes.guess_type(path.name)[0] or ("font/ttf" if path.suffix == ".ttf" else "application/octet-stream")
        return f'url("data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}")'
    return re.sub(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""", repl, css)


def asset_dirs(project_assets: Path | None) -> list[Path]:
    """Return asset folders, the project's own first."""
    dirs = [project_assets] if project_assets and project_assets.is_dir() else []
    return dirs + [Path(str(BUILTIN_ASSETS))]


def asset_uri(name: str, project_assets: Path | None) -> str:
    """Return an asset (the project's own first) as a data: URI."""
    path = next(d / name for d in asset_dirs(project_assets)
                if (d / name).is_file() and (d / name).resolve().is_relative_to(d.resolve()))
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def stylesheet(env: jinja2.Environment, project_assets: Path | None, *, inline: bool) -> str:
    """Return the brief's CSS with the bundled fonts as file: URLs, or inlined so it stands alone."""
    dirs = [real(d) for d in asset_dirs(project_assets)]
    fonts = next((d / "fonts" / "fonts.css" for d in dirs if (d / "fonts" / "fonts.css").is_file()
                  and real(d / "fonts" / "fonts.css").is_relative_to(d)), None)
    css = inline_urls(fonts.read_text("utf-8"), fonts.parent, tuple(dirs), inline=inline) if fonts else ""
    source, _, _ = env.loader.get_source(env, "brief.css")
    return css + "\n" + source


def render_html(brief: Brief, *, templates: Path | None, assets: Path | None, manifest_name: str,
                removed_count: int, changes=None, standalone: bool = False) -> str:
    """Return the brief as one HTML document with its CSS inside, and its fonts too when standalone
    (else they are file: URLs of the assets, for laying out); changes (diff.Changes) prints the
    "Changes since version X" annex."""
    env = environment(templates)
    placed = set(brief.baked)

    def call(number: int):
        """Return a note's call with the note itself the first time, the call alone after."""
        note = brief.notes[number - 1]
        if number in placed:
            return note.ref
        placed.add(number)
        return note.call

    env.globals["call"] = call
    try:
        template = env.get_template("brief.html.j2")   # compiling is linear in its size; running it may not be
        with time_limit("rendering the templates"):
            return template.render(
                brief=brief, o=brief.outline, lang="en", css=markupsafe.Markup(stylesheet(env, assets, inline=standalone)),
                sources={r.source.id: r.source for r in brief.register}, watermark=asset_uri("watermark-draft.svg", assets),
                notes=brief.notes, manifest_name=manifest_name, removed_count=removed_count, changes=changes)
    except jinja2.TemplateNotFound as e:
        raise RenderError(f"{_where(e)}template error: no template {e.name!r} in templates/ or the built-in ones") from None
    except jinja2.TemplateError as e:
        raise RenderError(f"{_where(e)}template error: {e.message}") from None
    except RecursionError as e:
        raise RenderError(f"{_where(e)}template error: templates nested too deep "
                          "(does one extend, include or call itself?)") from None


def _where(e: Exception) -> str:
    """Return 'file:line: ' of the template line that raised e, or '' if no template line did."""
    if getattr(e, "lineno", None) and getattr(e, "filename", None):   # a syntax error
        return f"{e.filename}:{e.lineno}: "
    tb, where = e.__traceback__, ""
    while tb:   # Jinja rewrites the traceback so that a template's frames name its file and line
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".css")):
            where = f"{name}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return where


class SafeFetcher:
    """Admit only data: URIs and files under the allowed folders; refuse and log the rest.

    Nothing else is ever opened: no network (the scheme is checked before any connection),
    no redirects, no file outside the folders once symlinks and ../ are resolved.
    """

    _fail_on_errors = False   # read by WeasyPrint's fetch(): a refusal drops the resource, not the brief

    def __init__(self, allowed: list[Path]):
        from weasyprint.urls import URLFetcher

        self._roots = [real(p) for p in allowed]
        self._inner = URLFetcher(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)

    def fetch(self, url, headers=None):
        """Fetch url if it is allowed, else log a warning and raise so WeasyPrint leaves it out."""
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme.lower() == "data":
            return self._inner.fetch(url, headers)
        if parts.scheme.lower() == "file" and parts.netloc in ("", "localhost"):
            try:
                path = real(unquote(parts.path))
                inside = any(path.is_relative_to(r) for r in self._roots) and path.is_file()
            except (OSError, ValueError):   # a NUL byte, a symlink loop
                inside = False
            if inside:   # fetch the checked path, not the URL as written
                return self._inner.fetch(path.as_uri(), headers)
        log.warning("refused to fetch %s: only data: URIs and the project's own assets are allowed", url[:200])
        raise ValueError(f"refused: {url[:200]}")

    __call__ = fetch


RENDER_TIMEOUT = 120.0   # seconds; BRIEFING_RENDER_TIMEOUT overrides it, 0 turns the limit off
MAX_TIMEOUT = 86400.0    # a day: more is no limit, which 0 says


class _Expired(BaseException):
    """Raised by the alarm: a BaseException, so WeasyPrint's `except Exception` cannot swallow it."""


@contextmanager
def time_limit(what: str, hint: str = "simplify the templates and CSS"):
    """Stop the work inside with a RenderError once BRIEFING_RENDER_TIMEOUT seconds have passed;
    on a terminal, show how long it has taken once that is over 2 s."""
    from .progress import Elapsed

    with Elapsed(what), _limit(what, hint):
        yield


@contextmanager
def _limit(what: str, hint: str):
    import gc
    import signal
    import threading
    import weakref

    raw = os.environ.get("BRIEFING_RENDER_TIMEOUT", "").strip()
    try:
        seconds = float(raw) if raw else RENDER_TIMEOUT
    except ValueError:
        raise RenderError(f"BRIEFING_RENDER_TIMEOUT must be a number of seconds, got {raw!r}") from None
    if not 0 <= seconds <= MAX_TIMEOUT:   # nan and inf too: the timer takes neither
        raise RenderError(f"BRIEFING_RENDER_TIMEOUT must be from 0 (no limit) to {MAX_TIMEOUT:g} seconds, "
                          f"got {raw!r}")
    if not seconds > 0 or threading.current_thread() is not threading.main_thread():
        yield   # signals reach the main thread only; elsewhere the caller must bound the work
        return

    def expire(signum, frame):
        # Python drops an exception raised in a gc callback, a __del__ or a weakref callback
        # (WeasyPrint's FontConfiguration has a __del__), printing it: try again in a moment.
        callbacks = {getattr(c, "__code__", None) for c in gc.callbacks}
        while frame:
            code = frame.f_code
            if code in callbacks or code.co_name == "__del__" or code.co_filename == weakref.__file__:
                signal.setitimer(signal.ITIMER_REAL, 0.01, 0.25)
                return
            frame = frame.f_back
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    # The alarm repeats until cancelled: WeasyPrint swallows even BaseException while
    # drawing an SVG, and one swallowed alarm must not let the work run on.
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)   # inside: a tiny limit may fire at once
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise RenderError(f"{what} took more than {seconds:g} s, the time limit; {hint}, "
                          f"or raise BRIEFING_RENDER_TIMEOUT") from None
    finally:
        signal.signal(signal.SIGALRM, previous)


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


@contextmanager
def _few_collections():
    """Keep the garbage collector off the corpus while WeasyPrint works.

    WeasyPrint makes millions of short-lived objects; every full collection would walk the
    corpus, index and claims again, and each young one runs after only 700 allocations.
    Measured: about 0.4 s of collections in a build, a third of that with this."""
    import gc

    threshold = gc.get_threshold()
    gc.freeze()   # what exists now lives until the brief is written
    gc.set_threshold(20_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()   # a long-running preview must still collect it later


def _import_weasyprint() -> None:
    """Import WeasyPrint without its search for Pango and HarfBuzz starting some fifty processes.

    WeasyPrint tries each library under every platform's names, and cffi hands each name that does
    not load to ctypes.util.find_library, which on Linux runs gcc, ld and ldconfig: 0.15-0.3 s of
    every build. On Linux the names are first tried only as written (the sonames load); if that
    leaves a library unloaded, the usual search runs as if nothing had been tried."""
    import sys

    if sys.platform != "linux" or "weasyprint.text.ffi" in sys.modules:
        return
    import contextlib
    import ctypes.util
    import io

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):   # its advice on a failed load, given below if need be
            from weasyprint.text import ffi
        if ffi.harfbuzz_subset is None:
            raise OSError("HarfBuzz's subsetter is not loaded")
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = search


@_few_collections()
def layout(html: str, *, allowed: list[Path], hint: str = "simplify the templates and CSS"):
    """Lay the HTML out into pages without writing; len(result.pages) is the page count.

    hint says, if the time limit is reached, what is big in this brief."""
    _import_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    with time_limit("laying out the brief", hint):
        return _layout(HTML, FontConfiguration, html, allowed)


def _layout(HTML, FontConfiguration, html: str, allowed: list[Path]):
    try:
        return HTML(string=html, base_url=str(allowed[0]), url_fetcher=SafeFetcher(allowed)).render(
            font_config=FontConfiguration(), pdf_tags=True)
    except Exception as e:  # WeasyPrint raises many kinds; the user needs one line
        raise RenderError(f"cannot lay out the brief: {type(e).__name__}: {e}") from e


@_few_collections()
def pdf_bytes(document, *, date: str, attachments: tuple[Attachment, ...] = (),
              hint: str = "simplify the templates and CSS") -> bytes:
    """Write a laid-out document as tagged PDF/A-3u with the attachments inside."""
    _import_weasyprint()
    import weasyprint

    from . import pdfpatch

    pdfpatch.apply()   # tags cost elements × pages in pydyf 0.13 without it
    with time_limit("writing the PDF", f"the brief has {len(document.pages):,} pages; {hint}"), \
            _source_date(date) as when:
        files = [weasyprint.Attachment(string=a.data, name=a.name, description=a.description,
                                       created=when, modified=when, relationship=a.relationship)
                 for a in attachments]
        try:
            return document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True, attachments=files)
        except Exception as e:
            raise RenderError(f"cannot write the PDF: {type(e).__name__}: {e}") from e
