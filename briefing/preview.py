"""`briefing preview`: the brief in a browser on this machine, built again and reloaded whenever
the outline, a seed, a template or a stylesheet changes.

The server listens on 127.0.0.1 only and serves three things from memory: the page, the brief
as standalone HTML (what `build --html` writes) and its PDF. The main thread polls the project's
files; a change to seeds/ re-reads the corpus, anything else rebuilds from the corpus already in
memory (charts come from their cache). The page polls /status and reloads the brief when its
version changes, or shows the one-line error the CLI would print.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import index
from .build import Project, build
from .errors import BriefingError, one_line

POLL = 0.3   # seconds between looks at the files' modification times
# The brief's stylesheet is for paper; on screen it gets a page's width and margins.
SCREEN = b"<style>@media screen { body { max-width: 46rem; margin: 2rem auto; padding: 0 2rem; } }</style>"


@dataclass
class State:
    """What the page shows; replaced whole under the lock, never edited in place."""
    version: int = 0
    status: str = "building…"
    errors: tuple[str, ...] = ()
    html: bytes = b""
    pdf: bytes = b""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, **changes) -> None:
        with self.lock:
            for name, value in changes.items():
                setattr(self, name, value)

    def snapshot(self) -> dict:
        with self.lock:
            return {"version": self.version, "status": self.status, "errors": list(self.errors)}


def stamps(project: Project, folders: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Return (mtime, size) of every file under the project's named folders and topics.yaml."""
    found = {}
    paths = [project.root / "topics.yaml"]
    for name in folders:
        folder = project.root / name
        if folder.is_dir():
            paths.extend(p for p in folder.rglob("*") if not p.name.startswith("."))
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            continue
        found[str(path)] = (info.st_mtime_ns, info.st_size)
    return found


class Previewer:
    """Rebuild the brief when its files change, re-reading the seeds only when they changed."""

    def __init__(self, project: Project, outline: str | None, state: State):
        self.project, self.outline, self.state = project, outline, state
        self.corpus = None
        self.seen: dict[str, dict] = {}

    def changed(self) -> bool:
        """Look at the files; drop the corpus if a seed changed. Return whether anything did."""
        now = {"seeds": stamps(self.project, ("seeds",)),
               "rest": stamps(self.project, ("outlines", "templates", "assets"))}
        if now == self.seen:
            return False
        if now["seeds"] != self.seen.get("seeds"):
            self.corpus = None
        self.seen = now
        return True

    def rebuild(self) -> None:
        """Build the brief (PDF, manifest and HTML in out/) and publish it, or publish the error."""
        self.state.update(status="building…")
        started = time.perf_counter()
        try:
            if self.corpus is None and self.project.seeds.is_dir():   # else build says what is missing
                self.corpus = self.project.corpus()
                index.sync(self.corpus, self.project.index)
            result = build(self.project, self.outline, html=True, corpus=self.corpus)
            html, pdf = result.html.read_bytes().replace(b"</head>", SCREEN + b"</head>", 1), result.pdf.read_bytes()
        except Exception as e:   # what the CLI would print, one line each; the page keeps the last brief
            problems = one_line(e)
            if problems is None:
                raise
            self.state.update(errors=tuple(f"error: {p}" for p in problems), status="not built")
            return
        self.state.update(version=self.state.version + 1, html=html, pdf=pdf, errors=(),
                          status=f"{result.pages} pages, {result.excerpts} excerpts · wrote {result.pdf} "
                                 f"in {time.perf_counter() - started:.1f} s · {time.strftime('%H:%M:%S')}")


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>briefing preview</title>
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; background: #e8e8e8; }
  header { padding: .5em 1em; background: #222; color: #eee; display: flex; gap: 1em; align-items: baseline; }
  header a { color: #9cf; }
  #errors { margin: 0; padding: .6em 1em; background: #fde8e8; color: #900; font: 13px ui-monospace, monospace;
            white-space: pre-wrap; }
  #errors:empty { display: none; }
  iframe { display: block; width: 100%; height: calc(100vh - 3em); border: 0; background: white; }
</style></head>
<body>
<header><strong>briefing preview</strong> <span id="status">building…</span> <a href="/brief.pdf">PDF</a></header>
<pre id="errors"></pre>
<iframe id="brief" title="the brief"></iframe>
<script>
let version = -1;
async function poll() {
  try {
    const state = await (await fetch("/status", {cache: "no-store"})).json();
    document.getElementById("status").textContent = state.status;
    document.getElementById("errors").textContent = state.errors.join("\\n");
    if (state.version !== version && state.version > 0) {
      version = state.version;
      document.getElementById("brief").src = "/brief.html?v=" + version;
    }
  } catch (e) {
    document.getElementById("status").textContent = "preview stopped";
  }
  setTimeout(poll, 400);
}
poll();
</script>
</body></html>
"""


def handler(state: State):
    """Return a request handler that serves the page, /status, /brief.html and /brief.pdf."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path == "/":
                self.send(PAGE.encode("utf-8"), "text/html; charset=utf-8", own=True)
            elif path == "/status":
                self.send(json.dumps(state.snapshot()).encode("utf-8"), "application/json")
            elif path == "/brief.html" and state.html:
                self.send(state.html, "text/html; charset=utf-8")
            elif path == "/brief.pdf" and state.pdf:
                self.send(state.pdf, "application/pdf")
            else:
                self.send_error(404)

        def send(self, body: bytes, kind: str, own: bool = False) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            # The brief is data from many hands: no script of its own may run beside the preview's.
            if not own:
                self.send_header("Content-Security-Policy", "script-src 'none'")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):   # the terminal shows the URL and errors, not every poll
            pass

    return Handler


def serve(project: Project, outline: str | None, *, port: int = 0, ready=print) -> None:
    """Serve the preview on 127.0.0.1 until interrupted; ready(url) is called once it listens."""
    state = State()
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler(state))
    except OSError as e:   # the port is taken, or below 1024 without the right
        raise BriefingError(f"cannot listen on 127.0.0.1:{port}: {e.strerror or e}; "
                            "choose another --port, or leave it out for a free one") from None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    previewer = Previewer(project, outline, state)
    try:
        ready(f"http://127.0.0.1:{server.server_address[1]}/")
        # Builds run here, in the main thread, where the render time limit's alarm can reach them.
        while True:
            if previewer.changed():
                previewer.rebuild()
            time.sleep(POLL)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
