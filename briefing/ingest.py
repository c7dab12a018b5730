"""`briefing add`: bring saved web pages, PDFs, Word files, Markdown and text into seeds/.

The text is extracted once and written beside the original; sources.yaml records both
hashes, and offsets index the extracted text exactly as they do any seed. Metadata comes
only from what the document states about itself: a fact it does not state stays empty.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .corpus import _END, continues, load_corpus, load_rules, segment, split_authors, wrap_width, Source
from .errors import SourceError
from .files import write_atomic

KINDS = {".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".docx": "docx", ".md": "markdown",
         ".markdown": "markdown", ".txt": "text"}
MAX_BYTES = 50_000_000
META = ("title", "author", "date", "outlet", "url", "type")


@dataclass(frozen=True)
class Extracted:
    kind: str            # html | pdf | docx | markdown | text
    text: str            # the text the passages will index, ending with a newline
    meta: dict = field(default_factory=dict)   # title, author (a list), date, outlet, url, type: as stated
    notes: tuple[str, ...] = ()                # what extraction left out, for the analyst


@dataclass(frozen=True)
class Added:
    id: str
    file: Path           # the extracted text, in seeds/
    original: Path | None
    entry: str           # the sources.yaml entry as written
    notes: tuple[str, ...]


# --- HTML -----------------------------------------------------------------------------

# Page parts that are not the article, by their markup: the extractor is told to leave
# comments out, and these go before it reads the page, so no guess is made on flat text.
_CHROME_TAGS = ("nav", "aside", "footer", "figcaption", "figure", "form", "button", "noscript")
_CHROME_NAMES = re.compile(
    r"(?:^|[-_ ])(?:related|recommend\w*|comments?|commentlist|disqus|replies|respond|share|sharing|social|"
    r"promo\w*|newsletter|subscribe|author-?bio|bio|about-?the-?author|sidebar|widget|popular|trending|"
    r"more-?stories|read-?more|next-?(?:story|post|article)s?|nextstory|outbrain|taboola|breadcrumbs?|"
    r"caption|credits?|adslot|advert\w*)(?:$|[-_ ])", re.I)


def _prune(tree) -> int:
    """Remove navigation, share bars, related links, bios, captions and comment threads; return how many."""
    body = tree.find(".//body")
    whole = len(body.text_content()) if body is not None else 0
    # The element holding the most paragraph text is the article body: it and its ancestors
    # stay, whatever their class names say ("c-fixed-sidebar-layout" wraps many articles).
    held: dict = {}
    for p in tree.iter("p"):
        if p.getparent() is not None:
            held[p.getparent()] = held.get(p.getparent(), 0) + len(p.text_content())
    main = max(held, key=held.get, default=None)
    protected = {main, *main.iterancestors()} if main is not None else set()
    doomed = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "main", "article") or el in protected:
            continue
        names = " ".join(filter(None, (el.get("class"), el.get("id"), el.get("role"))))
        if el.tag in ("ul", "ol") and _all_links(el):
            doomed.append(el)   # a list of nothing but links: related articles or a menu
        elif el.tag in _CHROME_TAGS or el.get("role") in ("navigation", "complementary", "contentinfo") \
                or (names and _CHROME_NAMES.search(names)):
            # Never the article itself: a wrapper classed "has-comments" holds most of the page's text.
            if len(el.text_content()) < 0.5 * whole:
                doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()
    return len(doomed)


def _all_links(listing) -> bool:
    items = [li for li in listing if li.tag == "li"]
    return len(items) >= 2 and all(
        " ".join(li.text_content().split()) == " ".join(" ".join(a.text_content() for a in li.iter("a")).split())
        for li in items)


def _json_ld(tree) -> list[dict]:
    items = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            d = stack.pop()
            if isinstance(d, list):
                stack += d
            elif isinstance(d, dict):
                items.append(d)
                stack += [v for k, v in d.items() if k == "@graph"]
    return items


# schema.org types that say what kind of writing a page is.
_TYPES = {"newsarticle": "news", "reportagenewsarticle": "news", "opinionnewsarticle": "opinion",
          "analysisnewsarticle": "analysis", "backgroundnewsarticle": "analysis", "report": "analysis",
          "scholarlyarticle": "analysis", "review": "opinion", "reviewnewsarticle": "opinion"}


def _page_type(items: list[dict]) -> str:
    for d in items:
        kinds = d.get("@type")
        for k in kinds if isinstance(kinds, list) else [kinds]:
            if isinstance(k, str) and k.lower() in _TYPES:
                return _TYPES[k.lower()]
    return ""


def _person(name: str) -> str:
    name = re.sub(r"(?i)^(?:view all posts by|posts by|written by|by)\s+", "", " ".join(name.split()))
    return name.strip(" ,;")


def extract_html(data: bytes, *, url: str = "") -> Extracted:
    """Extract a saved web page's article text, with headings and lists, and its metadata."""
    import lxml.etree
    import trafilatura

    tree = trafilatura.load_html(data)   # decodes by the page's declared or detected charset
    if tree is None:
        raise SourceError("not a readable web page")
    info = trafilatura.extract_metadata(trafilatura.load_html(data))
    items = _json_ld(tree)
    pruned = _prune(tree)
    xml = trafilatura.extract(tree, output_format="xml", include_comments=False, include_tables=False,
                              include_images=False, include_links=False, include_formatting=False,
                              favor_precision=True, deduplicate=True)
    if not xml:
        raise SourceError("no article text found in the page")
    blocks = []
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    for el in root.iter("head", "p", "item", "quote"):
        if el.tag == "p" and el.getparent() is not None and el.getparent().tag in ("quote", "item"):
            continue
        text = " ".join("".join(el.itertext()).split())
        if text:
            blocks.append({"head": "## ", "item": "- ", "quote": "> "}.get(el.tag, "") + text)
    meta = {}
    if info:
        outlet = (info.sitename or "").strip()
        title = (info.title or "").strip()
        for sep in (" | ", " - ", " – ", " — "):   # "Title | Outlet": the outlet has its own field
            if outlet and title.endswith(sep + outlet):
                title = title[: -len(sep + outlet)]
        authors = [a for a in (_person(x) for x in (info.author or "").split(";")) if a and a != outlet]
        meta = {"title": title, "author": authors, "date": info.date or "", "outlet": outlet,
                "url": url or info.url or ""}
    saved = re.search(rb"<!-- saved from url=\(\d+\)(\S+) -->", data[:2000])
    meta["url"] = meta.get("url") or url or (saved.group(1).decode("utf-8", "replace") if saved else "")
    meta["type"] = _page_type(items)
    notes = (f"{pruned} page part(s) left out by their markup (navigation, share, related, bio, caption, comments)",)
    return Extracted("html", "\n\n".join(blocks) + "\n", meta, notes)


# --- PDF ------------------------------------------------------------------------------

def _pdf_date(value) -> str:
    m = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if not m:
        return ""
    return "-".join(g for g in m.groups() if g)


def _running(pages: list[list[str]]) -> set[str]:
    """Return the running heads and feet: lines at the top or bottom of most pages, digits aside."""
    if len(pages) < 2:
        return set()
    counts = Counter()
    for lines in pages:
        counts.update({re.sub(r"\d+", "#", line) for line in lines[:3] + lines[-3:]})
    return {line for line, n in counts.items() if n >= max(2, len(pages) // 2)}


_PAGE_NUMBER = re.compile(r"(?i)(?:page\s+)?[ivxlc\d]+(?:\s*(?:of|/)\s*\d+)?")


def _paragraphs(lines: list[str], vocabulary: set[str]) -> list[str]:
    """Join a page's lines into paragraphs: hyphenated breaks rejoined, wrapped lines unwrapped."""
    width = wrap_width([len(line) for line in lines if line])
    out: list[str] = []
    previous = ""
    for line in lines:
        if not line:
            if out and out[-1]:
                out.append("")
        elif out and out[-1] and re.search(r"[^\W\d_]-$", previous) and line[:1].islower():
            head, tail = re.search(r"(\w+)-$", previous).group(1), re.match(r"\w*", line).group()
            # "evi-" + "dence" is one word; "well-" + "known" keeps its hyphen when the text writes it so.
            hyphen = f"{head}-{tail}".lower() in vocabulary and (head + tail).lower() not in vocabulary
            out[-1] = (out[-1] if hyphen else out[-1][:-1]) + line
        elif out and out[-1] and continues(previous, line, width):
            out[-1] += " " + line
        else:
            out.append(line)
        previous = line
    return [p for p in out if p]


def extract_pdf(data: bytes) -> Extracted:
    """Extract a PDF's text page by page; pages are separated by form feeds so notes can cite 'p. N'."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    locked = SourceError("encrypted PDF (it needs a password); save an unencrypted copy and add that")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:   # many PDFs are encrypted with an empty password, only to restrict printing or copying
                opened = reader.decrypt("")
            except PyPdfError:   # e.g. AES without the cryptography package
                opened = 0
            if not opened:
                raise locked
        raw = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata or {}
        labels = reader.page_labels
    except SourceError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as e:
        raise SourceError(f"not a readable PDF ({type(e).__name__}: {e})") from None
    pages = [[" ".join(line.split()) for line in text.splitlines()] for text in raw]
    if sum(len(" ".join(p).split()) for p in pages) < 20:
        raise SourceError(f"no text in its {len(pages)} page(s): a scanned PDF? Run OCR on it first "
                          f"(e.g. ocrmypdf) and add the result")
    running = _running([[line for line in p if line] for p in pages])
    dropped = 0
    kept_pages = []
    for lines in pages:
        body = [line for line in lines if line]
        edge = set(body[:3] + body[-3:])
        keep = [line for line in lines if not (line in edge and (re.sub(r"\d+", "#", line) in running
                                                                 or _PAGE_NUMBER.fullmatch(line)))]
        dropped += len(lines) - len(keep)
        kept_pages.append(keep)
    vocabulary = {w.lower() for p in kept_pages for line in p for w in re.findall(r"[\w-]+", line)}
    text = ""
    for n, lines in enumerate(kept_pages):
        paragraphs = _paragraphs(lines, vocabulary)
        if n:
            # A paragraph running on to the next page stays one paragraph, with the page break inside it.
            go_on = text and paragraphs and not _END.search(text.rstrip()) and paragraphs[0][:1].islower()
            text = text.rstrip("\n") + ("\f" if go_on else "\n\f\n")
        text += "\n\n".join(paragraphs) + "\n"
    authors = split_authors(str(info.get("/Author") or ""), "PDF author")
    title = " ".join(str(info.get("/Title") or "").split())
    if re.search(r"(?i)^microsoft \w+ - |\.(?:docx?|pdf|indd|tex|exe)$|^untitled", title):
        title = ""   # a file name, not the document's title
    meta = {"title": title, "author": list(authors), "date": _pdf_date(info.get("/CreationDate")), "outlet": "",
            "url": "", "type": ""}
    # Notes cite the printed page numbers: the PDF's page labels, when they count on from a number.
    if labels and all(label.isdigit() for label in labels) and \
            [int(label) for label in labels] == list(range(int(labels[0]), int(labels[0]) + len(labels))) and \
            labels[0] != "1":
        meta["first_page"] = int(labels[0])
    notes = (f"{len(pages)} pages; {dropped} running head, foot or page-number line(s) left out",)
    return Extracted("pdf", text, meta, notes)


# --- Word, Markdown, text ---------------------------------------------------------------

def extract_docx(data: bytes) -> Extracted:
    """Extract a Word document's paragraphs, headings and lists in order, and its core properties."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":   # an OLE file: an encrypted .docx, or an old .doc
        raise SourceError("encrypted or old-format Word file; save it as an unencrypted .docx and add that")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise SourceError(f"not a readable Word (.docx) file ({e})") from None
    blocks = []
    for para in document.paragraphs:
        text = " ".join(para.text.split())
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        level = re.match(r"(?:Heading (\d)|Title)$", style)
        if level:
            blocks.append("#" * int(level.group(1) or 1) + " " + text)
        elif style.startswith("List") or para._p.pPr is not None and para._p.pPr.numPr is not None:
            blocks.append("- " + text)
        else:
            blocks.append(text)
    if not blocks:
        raise SourceError("no text in the document")
    core = document.core_properties
    date = core.created.date().isoformat() if core.created else ""
    meta = {"title": " ".join((core.title or "").split()),
            "author": list(split_authors(core.author or "", "Word author")), "date": date,
            "outlet": "", "url": "", "type": ""}
    return Extracted("docx", "\n\n".join(blocks) + "\n", meta)


_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)


def extract_markdown(text: str) -> Extracted:
    """Split a Markdown file's YAML front matter (the metadata) from its text."""
    m = _FRONT.match(text)
    front = {}
    if m:
        try:
            front = yaml.safe_load(m.group(1)) or {}
        except yaml.YAMLError as e:
            raise SourceError(f"front matter is not valid YAML ({' '.join(str(e).split())})") from None
        if not isinstance(front, dict):
            front = {}
        text = text[m.end():]
    pick = lambda *keys: next((str(front[k]).strip() for k in keys if front.get(k)), "")   # noqa: E731
    author = front.get("author") or front.get("authors") or ""
    meta = {"title": pick("title"), "author": list(split_authors(author, "front matter author")),
            "date": pick("date")[:10], "outlet": pick("outlet", "publisher", "site", "source"),
            "url": pick("url", "link", "canonical_url"), "type": pick("type") if pick("type") in
            ("analysis", "news", "reference", "opinion") else ""}
    return Extracted("markdown", text.lstrip("\r\n"), meta)


def extract(path: Path, *, url: str = "") -> Extracted:
    """Extract text and metadata from one file, by its kind; errors name the problem, not the file."""
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        raise SourceError(f"cannot import a {path.suffix or 'file without an extension'}; "
                          f"supported: {', '.join(sorted(KINDS))}")
    if not path.is_file():
        raise SourceError("file not found" if not path.exists() else "not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise SourceError(f"{path.stat().st_size:,} bytes; the limit is {MAX_BYTES:,}")
    data = path.read_bytes()
    if kind == "html":
        found = extract_html(data, url=url)
    elif kind == "pdf":
        found = extract_pdf(data)
    elif kind == "docx":
        found = extract_docx(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise SourceError(f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None
        found = extract_markdown(text) if kind == "markdown" else Extracted("text", text, {})
    if url:
        found.meta["url"] = url
    return found


# --- Writing the sources --------------------------------------------------------------

def slug(text: str, words: int = 6) -> str:
    """Return an id from a title or file name: lower-case words joined by -."""
    parts = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    return "-".join(parts[:words]) or "source"


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)   # a JSON string is a YAML double-quoted scalar


def render_entry(fields: dict, indent: str = "  ") -> str:
    """Return one sources.yaml list item, fields in order, names as a list when there are several."""
    lines = []
    for key, value in fields.items():
        if isinstance(value, list):
            if len(value) == 1:
                lines.append(f"{key}: {_scalar(value[0])}")
            elif not value:
                lines.append(f'{key}: ""')
            else:
                lines.append(f"{key}:")
                lines += [f"  - {_scalar(v)}" for v in value]
        else:
            shown = value if isinstance(value, int) else _scalar(value) if value != "" or key in META else ""
            lines.append(f"{key}: {shown}".rstrip())
    return "".join(f"{indent}{'- ' if i == 0 else '  '}{line}\n" for i, line in enumerate(lines))


def _insert(yaml_text: str, items: list[dict]) -> str:
    """Return sources.yaml with items added at the end of its sources: list, the rest untouched."""
    if not yaml_text.strip():
        return "sources:\n" + "\n".join(render_entry(f) for f in items)
    try:
        root = yaml.compose(yaml_text)
    except yaml.YAMLError as e:
        raise SourceError(f"sources.yaml: YAML error ({' '.join(str(e).split())})") from None
    node = next((v for k, v in root.value if k.value == "sources"), None) if isinstance(root, yaml.MappingNode) else None
    if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):   # "sources:" with nothing yet
        cut = yaml_text.find("\n", node.start_mark.index)
        cut = len(yaml_text) if cut < 0 else cut
        return yaml_text[:cut] + "\n" + "\n".join(render_entry(f) for f in items) + yaml_text[cut + 1:]
    if not isinstance(node, yaml.SequenceNode):
        raise SourceError("sources.yaml: expected a mapping with a 'sources:' list")
    if not node.value or node.flow_style:
        if node.value:
            raise SourceError("sources.yaml: write the sources: list one item per line to add to it")
        start, end = node.start_mark.index, node.end_mark.index
        return yaml_text[:start].rstrip(" ") + "\n" + "\n".join(render_entry(f) for f in items) + \
            yaml_text[end:].lstrip(" ")
    first = node.value[0].start_mark
    dash = yaml_text.rfind("-", 0, first.index)
    indent = " " * (dash - yaml_text.rfind("\n", 0, dash) - 1)
    last = node.value[-1].end_mark.index
    cut = yaml_text.find("\n", last)
    cut = len(yaml_text) if cut < 0 else cut + 1
    block = "".join("\n" + render_entry(f, indent) for f in items)
    head = yaml_text[:cut] if yaml_text[:cut].endswith("\n") else yaml_text[:cut] + "\n"
    return head + block + yaml_text[cut:]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def add(seeds: Path, files: list[Path], *, source_id: str | None = None, url: str | None = None,
        root: Path | None = None) -> list[Added]:
    """Import files into seeds/: extract all first, then write the texts, originals and sources.yaml
    entries; if anything fails, nothing is left half-added."""
    root = root or seeds.parent
    if source_id and len(files) > 1:
        raise SourceError("--id names one source; add the files one at a time")
    if url and len(files) > 1:
        raise SourceError("--url belongs to one source; add the files one at a time")
    index = seeds / "sources.yaml"
    before = index.read_text("utf-8") if index.exists() else ""
    known = yaml.safe_load(before) if before.strip() else {}
    taken = {str(s.get("id")) for s in (known or {}).get("sources") or [] if isinstance(s, dict)}
    rules = load_rules((known or {}).get("boilerplate"))
    plans = []
    for path in files:
        path = Path(path)
        try:
            found = extract(path, url=url or "")
        except SourceError as e:
            raise SourceError(f"{path}: {e}") from None
        except OSError as e:
            raise SourceError(f"{path}: cannot read: {e.strerror or e}") from None
        base = source_id or slug(found.meta.get("title") or path.stem)
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", base):
            raise SourceError(f"--id '{base}' must be lower-case letters, digits, - or _")
        sid, n = base, 1
        while sid in taken or any((seeds / f"{sid}{ext}").exists() for ext in (".txt", path.suffix.lower())):
            if source_id:
                raise SourceError(f"{path}: a source '{sid}' is already in {seeds.name}/; choose another --id")
            n += 1
            sid = f"{base}-{n}"
        taken.add(sid)
        text = found.text if found.text.endswith("\n") else found.text + "\n"
        passages, _ = segment(Source(sid, path.name, "", text), rules)
        if not any(p.n for p in passages):
            raise SourceError(f"{path}: no quotable paragraph in its text (nothing but headings and page chrome)")
        data = path.read_bytes()
        keep_original = found.kind != "text"
        text_bytes = text.encode("utf-8")
        fields = {"id": sid, "file": f"{sid}.txt"}
        if keep_original:
            fields |= {"original": f"{sid}{path.suffix.lower()}", "original_sha256": _sha(data)}
        fields["sha256"] = _sha(text_bytes)
        meta = found.meta
        fields |= {key: meta.get(key, [] if key == "author" else "") for key in META}
        if "first_page" in meta:
            fields["first_page"] = meta["first_page"]
        date = str(fields["date"])
        if date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date):
            fields["date"] = ""
        plans.append((path, sid, text_bytes, data if keep_original else None, fields, found.notes))
    entries = [render_entry(fields) for *_, fields, _ in plans]
    after = _insert(before, [fields for *_, fields, _ in plans])
    written: list[Path] = []
    try:
        for path, sid, text_bytes, data, fields, _ in plans:
            target = seeds / fields["file"]
            write_atomic(target, text_bytes)
            written.append(target)
            if data is not None:
                write_atomic(seeds / fields["original"], data)
                written.append(seeds / fields["original"])
        write_atomic(index, after.encode("utf-8"))
        load_corpus(seeds, root=root)   # the project still loads, with the new sources in it
    except BaseException:
        for p in written:
            p.unlink(missing_ok=True)
        if before or index.exists():
            write_atomic(index, before.encode("utf-8")) if before else index.unlink(missing_ok=True)
        raise
    return [Added(sid, seeds / fields["file"], seeds / fields["original"] if data is not None else None,
                  entry, notes)
            for (path, sid, _, data, fields, notes), entry in zip(plans, entries)]
