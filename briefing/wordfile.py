"""The brief as a Word file, for colleagues who edit: the same headings, key judgments with their
bands, excerpts in a quote style, real footnotes with the notes' text, tables, charts as PNG with
alt text, bibliography, and the marking in header and footer. It is made from the document model
(brief.py), like the HTML; what python-docx cannot do (footnotes above all) is in wordxml.py."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from markupsafe import Markup

from . import __version__
from .brief import Brief, long_date, short_title
from .figures import Chart, who
from .wordxml import W, Block, Footnotes, Run, blocks, border, clean, field, field_across, runs, tidy, write

SANS, SERIF = "Arial", "Times New Roman"   # metric twins of the PDF's Liberation fonts (code: wordxml.MONO)
GREY = "555555"
CHART_WIDTH = 6.4     # inches, as charts.WIDTH: the chart prints at the size it was drawn
MARGINS = {"A4": (24, 20, 24, 22), "letter": (20, 24, 22, 24)}   # mm: top, right, bottom, left, as the PDF's
SIZES = {"A4": (210, 297), "letter": (215.9, 279.4)}


def _para(doc, text: str = "", style: str | None = None):
    return doc.add_paragraph(clean(text), style)


def _heading(doc, text: str, level: int):
    return doc.add_heading(clean(text), level)


def document(brief: Brief, *, html: str, pictures: dict[str, bytes], changes=None, manifest_name: str = "") -> bytes:
    """Return the brief as a .docx file's bytes, the same on every run for the same brief."""
    from docx import Document

    o = brief.outline
    doc = Document()
    _styles(doc)
    _page(doc, o)
    notes = Footnotes(brief.notes)
    sources = {r.source.id: r.source for r in brief.register}
    _front(doc, brief, manifest_name)
    if brief.judgments:
        _judgments(doc, brief, notes)
    if o.contents:
        _contents(doc, brief, changes)
    for i, part in enumerate(brief.parts):
        # A book starts its sections, and its back matter, on a new page, as the PDF does.
        _heading(doc, part.title, 1).paragraph_format.page_break_before = o.cover and i == 0
        for b in blocks(part.prose):
            _block(doc, b, notes)
        for item in part.items:
            _excerpt(doc, item, sources[item.excerpt.source], notes)
        empty = {"none": "No passage in the sources matches this section’s query.",
                 "taken": "The passages that match this section’s query are quoted in other sections.",
                 "budget": f"Its excerpts are left out to keep the brief within {o.max_pages} pages."}
        if part.empty in empty and not (part.empty == "budget" and (part.prose or part.charts)):
            _para(doc, empty[part.empty], "Empty")
        for chart in part.charts:
            _chart(doc, chart, sources, notes, pictures.get(chart.id))
    if changes:
        _changes(doc, changes)
    back = {"bibliography": _bibliography, "register": _register, "method": _method}
    for i, name in enumerate(o.back_matter):
        back[name](doc, brief, html, new_page=o.cover and i == 0)
    notes.attach(doc)
    _properties(doc, brief, manifest_name)
    buf = io.BytesIO()
    doc.save(buf)
    return _reproducible(buf.getvalue(), o.date)


def _style(doc, name: str, *, base: str = "Normal", font: str | None = None, size: float | None = None,
           bold: bool | None = None, italic: bool | None = None, colour: str | None = None,
           before: float | None = None, after: float | None = None, indent: float | None = None,
           keep: bool = False, kind: str = "paragraph"):
    """Return the style called name, made (as a Word built-in where it is one) or adjusted."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Cm, Pt, RGBColor

    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER if kind == "character" else
                                     WD_STYLE_TYPE.PARAGRAPH, builtin=name.startswith(("Footnote", "TOC ")))
        style.base_style = doc.styles[base] if kind != "character" else None
    f = style.font
    if font:
        f.name = font
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        # Every script, and no theme font over it (OOXML spells the last one "cstheme").
        for script, theme in (("ascii", "asciiTheme"), ("hAnsi", "hAnsiTheme"), ("cs", "cstheme"),
                              ("eastAsia", "eastAsiaTheme")):
            rfonts.set(f"{{{W}}}{script}", font)
            rfonts.attrib.pop(f"{{{W}}}{theme}", None)
    if size:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if colour:
        f.color.rgb = RGBColor.from_string(colour)
    if kind == "paragraph":
        pf = style.paragraph_format
        if before is not None:
            pf.space_before = Pt(before)
        if after is not None:
            pf.space_after = Pt(after)
        if indent is not None:
            pf.left_indent = Cm(indent)
        if keep:
            pf.keep_with_next = True
    return style


def _styles(doc) -> None:
    from docx.shared import Cm

    normal = _style(doc, "Normal", font=SERIF, size=10.5, after=6)
    normal.paragraph_format.line_spacing = 1.15
    _style(doc, "Title", font=SANS, size=20, bold=True, colour="111111", after=6)
    border(doc.styles["Title"], None)
    subtitle = _style(doc, "Subtitle", font=SANS, size=12, italic=False, colour="333333", after=12)
    for spaced in subtitle.element.rPr.findall(f"{{{W}}}spacing"):   # the template letter-spaces it
        subtitle.element.rPr.remove(spaced)
    for level, size in ((1, 14), (2, 11.5), (3, 10.5)):
        _style(doc, f"Heading {level}", font=SANS, size=size, bold=True, colour="111111", before=16 - 3 * level,
               after=6, keep=True)
    _style(doc, "Kicker", font=SANS, size=9, bold=True, colour=GREY, after=2)
    _style(doc, "Dateline", font=SANS, size=8.5, colour=GREY, after=10)
    quote = _style(doc, "Quote", font=SANS, size=9.5, italic=False, colour="111111", before=4, after=2, indent=0.6,
                   keep=True)
    quote.paragraph_format.right_indent = Cm(0.3)
    border(quote, "left")
    _style(doc, "Excerpt Source", font=SANS, size=8, colour=GREY, after=10, indent=0.6)
    _style(doc, "Judgment", font=SERIF, size=10.5, bold=True, after=2)
    doc.styles["Judgment"].paragraph_format.first_line_indent = Cm(-0.6)
    doc.styles["Judgment"].paragraph_format.left_indent = Cm(0.6)
    _style(doc, "Estimate", font=SANS, size=8.5, colour="333333", after=8, indent=0.6)
    _style(doc, "Chart Title", font=SANS, size=10, bold=True, before=10, after=0, keep=True)
    _style(doc, "Chart Subtitle", font=SANS, size=8.5, colour=GREY, after=4, keep=True)
    _style(doc, "Chart Source", font=SANS, size=8, colour="333333", after=6)
    _style(doc, "Caption", font=SANS, size=8.5, bold=True, italic=False, colour="111111", before=6, after=3, keep=True)
    _style(doc, "Table Text", font=SANS, size=8, after=0).paragraph_format.line_spacing = 1.0
    _style(doc, "Empty", font=SANS, size=9, italic=True, colour=GREY)
    _style(doc, "Bibliography Entry", after=4).paragraph_format.first_line_indent = Cm(-0.8)
    doc.styles["Bibliography Entry"].paragraph_format.left_indent = Cm(0.8)
    _style(doc, "Footnote Text", size=8, after=2).paragraph_format.line_spacing = 1.0
    ref = _style(doc, "Footnote Reference", kind="character")
    ref.font.superscript = True
    _style(doc, "TOC 1", font=SANS, size=10, after=3)
    _style(doc, "TOC Heading", font=SANS, size=14, bold=True, colour="111111")
    for name in ("List Bullet", "List"):
        _style(doc, name, after=3)
    for name in ("Header", "Footer"):
        _style(doc, name, font=SANS, size=8)


def _page(doc, o) -> None:
    """Set the paper and margins, and put the marking at the top and bottom of every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.shared import Mm

    section = doc.sections[0]
    section.page_width, section.page_height = (Mm(x) for x in SIZES[o.page.size])
    top, right, bottom, left = MARGINS[o.page.size]
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = (
        Mm(top), Mm(right), Mm(bottom), Mm(left))
    section.header_distance = section.footer_distance = Mm(10)
    width = section.page_width - section.left_margin - section.right_margin
    draft = "" if o.status == "final" else "DRAFT"
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _marking(head, o.marking)
    foot = section.footer.paragraphs[0]
    stops = foot.paragraph_format.tab_stops
    stops.add_tab_stop(width // 2, WD_TAB_ALIGNMENT.CENTER)
    stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    # Fonts set on the runs too: LibreOffice does not take them from Word's footer style.
    _sans(foot, draft + "\t")
    _marking(foot, o.marking)
    _sans(foot, "\tPage ")
    field(foot, "PAGE", "1", SANS)
    _sans(foot, " of ")
    field(foot, "NUMPAGES", "1", SANS)


def _sans(para, text: str, bold: bool = False):
    run = para.add_run(clean(text))
    run.bold = bold or None
    run.font.name = SANS
    return run


def _marking(para, marking: str) -> None:
    _sans(para, marking, bold=True)


def _front(doc, brief: Brief, manifest_name: str) -> None:
    """Write the title block: a cover page when the outline has one, else a masthead."""
    o = brief.outline
    _para(doc, (o.audience or "Brief").upper(), "Kicker")
    _para(doc, o.title, "Title")
    if o.cover:
        if o.subtitle:
            _para(doc, o.subtitle, "Subtitle")
        facts = ([("Audience", o.audience)] if o.audience else []) + [
            ("Issued", long_date(o.date)), ("Information cut-off", long_date(o.cutoff) if o.cutoff else "not stated"),
            ("Version", o.version),
            ("Sources", f"{len(brief.bibliography)} documents cited"
                        + (f" of {brief.library} in the library" if brief.library > len(brief.bibliography) else "")
                        + f"; {brief.excerpts} excerpts, {len(brief.notes)} notes")]
        table = _table(doc, [], [[k, v] for k, v in facts], widths=(4.5, 11))
        for row in table.rows:
            row.cells[0].paragraphs[0].runs[0].bold = True
        _para(doc)
        _para(doc, f"Every quotation in this brief is a verbatim slice of its source, located by character "
                          f"offsets and checked against the file’s SHA-256 hash in the evidence manifest "
                          f"({manifest_name}). Page chrome and reader comments are never quoted.", "Dateline")
        doc.add_page_break()
    else:
        line = f"Issued {long_date(o.date)}"
        line += f" · information cut-off {long_date(o.cutoff)}" if o.cutoff else ""
        _para(doc, f"{line} · version {o.version} · {len(brief.bibliography)} sources cited; evidence in "
                          f"{manifest_name}", "Dateline")


def _judgments(doc, brief: Brief, notes: Footnotes) -> None:
    _heading(doc, "Key judgments", 1)
    for i, f in enumerate(brief.judgments, 1):
        para = _para(doc, f"{i}.\t", "Judgment")
        para.paragraph_format.keep_with_next = True
        write(para, runs(f.html), notes)
        j = f.judgment
        estimate = [f"{j.likelihood.capitalize()} ({j.band})"] if j.likelihood else []
        estimate += [f"{j.confidence.capitalize()} confidence"] if j.confidence else []
        if estimate:
            _para(doc, " · ".join(estimate), "Estimate")


def _contents(doc, brief: Brief, changes) -> None:
    """Write a table of contents field, showing the headings until Word updates it with page numbers."""
    titles = [p.title for p in brief.parts] + ([f"Changes since version {changes.old.version}"] if changes else [])
    titles += [{"bibliography": "Bibliography", "register": "Source register", "method": "About this brief"}[n]
               for n in brief.outline.back_matter]
    _para(doc, "Contents", "TOC Heading")
    field_across([_para(doc, title, "TOC 1") for title in titles], ' TOC \\o "1-1" \\h \\z \\u ')
    _update_fields_on_open(doc)


# The settings that come after w:updateFields in the schema's order (Word refuses them out of order).
_LATER = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "attachedSchema",
          "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
          "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "shapeDefaults",
          "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _update_fields_on_open(doc) -> None:
    """Have Word update the fields as it opens the file, so that the contents get their page numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    later = {qn(f"w:{name}") for name in _LATER} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}
    after = next((child for child in settings if child.tag in later), None)
    after.addprevious(update) if after is not None else settings.append(update)


def _block(doc, b: Block, notes: Footnotes) -> None:
    style = {"p": "Normal", "ul": "List Bullet", "ol": "List", "quote": "Intense Quote"}[b.kind]
    para = _para(doc, f"{b.number}.\t" if b.kind == "ol" else "", style)
    write(para, b.runs, notes)


def _excerpt(doc, item, s, notes: Footnotes) -> None:
    e = item.excerpt
    _para(doc, e.marked, "Quote")
    note = notes.notes[item.note]
    para = _para(doc, f"{s.author or short_title(s.title)}, {s.type or 'source'}, {long_date(s.date)}, "
                             f"{note.locator}", "Excerpt Source")
    if e.flags:
        para.add_run(clean(f" unsourced in the original ({', '.join(e.flags)})")).italic = True
    write(para, (Run(note=item.note),), notes)


def _table(doc, head: list[str], rows: list[list], *, widths=(), notes: Footnotes | None = None):
    """Add a table with a repeated header row; a cell is text or a tuple of runs (which may call notes)."""
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    table = doc.add_table(rows=0, cols=max(len(head), max((len(r) for r in rows), default=1)))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    for i, cells in enumerate(([head] if head else []) + rows):
        row = table.add_row()
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))       # a row reads whole, on one page
        if head and i == 0:
            trpr.append(OxmlElement("w:tblHeader"))   # repeated on every page the table runs onto
        for cell, value in zip(row.cells, cells):
            para = cell.paragraphs[0]
            para.style = doc.styles["Table Text"]
            if isinstance(value, tuple):
                write(para, value, notes)
            else:
                run = para.add_run(clean(str(value)))
                run.bold = (head and i == 0) or None
    for k, w in enumerate(widths):   # the grid for LibreOffice, each cell for Word
        table.columns[k].width = Cm(w)
        for cell in table.columns[k].cells:
            cell.width = Cm(w)
    return table


def _chart(doc, c: Chart, sources: dict, notes: Footnotes, png: bytes | None) -> None:
    """Write a chart as the PDF prints it: message title, subtitle, image with alt text, source line, data."""
    from docx.shared import Inches

    _para(doc, c.title, "Chart Title")
    _para(doc, c.subtitle, "Chart Subtitle")
    if png:
        para = _para(doc)
        para.paragraph_format.keep_with_next = True
        shape = para.add_run().add_picture(io.BytesIO(png), width=Inches(CHART_WIDTH))
        shape._inline.docPr.set("descr", clean(c.alt))
        shape._inline.docPr.set("title", clean(c.title))
    elif not c.points:
        _para(doc, "No figure in the sources matches what this chart asks for.", "Empty")
    elif len(c.points) == 1:
        _para(doc, "Only one figure matches: a chart needs two or more, so the table gives it alone.", "Empty")
    if c.points:
        cited = []
        for source, spans in c.cited:
            word = "note" if len(spans) == 1 and spans[0][0] == spans[0][1] else "notes"
            nums = ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in spans)
            cited.append(f"{who(sources[source])}, {word} {nums}")
        _para(doc, "Source: " + "; ".join(cited) + "." + (f" {c.left_out}." if c.left_out else ""),
                          "Chart Source")

    def said(p):
        return (Run(p.printed[0]), Run(p.printed[1], bold=True), Run(p.printed[2]))

    def who_at(p):
        return (Run(f"{who(sources[p.source])}, {notes.notes[p.note].locator}"), Run(note=p.note))

    if c.kind == "timeline":
        _para(doc, "Chronology", "Caption")
        _table(doc, ["Date", "Event, in the source’s words", "Source"],
               [[p.date, tidy(said(p)), who_at(p)] for p in c.points], widths=(2.6, 10, 4), notes=notes)
    elif c.kind == "range":
        _para(doc, "Disputed figures, value by value", "Caption")
        for d in c.disputes:
            head = f"{d.quantity} — {d.status}" + (f", range {d.span}" if d.status != "changes over time" else "")
            found = "" if d.declared or d.status == "conversion" else " Found automatically."
            _para(doc, f"{head}. {d.reason}.{found}", "Caption")
            _table(doc, ["Value", "Who gives it", "When", "The source’s sentence"],
                   [[(Run(p.figure), Run(note=p.note)), f"{who(sources[p.source])}, {sources[p.source].type or 'source'}",
                     _when(p, sources[p.source]), tidy(said(p))] for p in d.points],
                   widths=(2.6, 3.2, 3, 7.8), notes=notes)
    else:
        _para(doc, "Data", "Caption")
        _table(doc, ["What", "Figure", "In the source’s words", "Period", "Source"],
               [[p.label + (f" ({p.series})" if p.series else ""), p.figure, f"“{p.printed[1]}”",
                 _when(p, sources[p.source]), who_at(p)] for p in c.points], widths=(4, 2.6, 3.6, 2.6, 3.8),
               notes=notes)
    _para(doc)


def _when(p, s) -> str:
    return p.when or f"undated; source {long_date(s.date) if s.date else 'n.d.'}"


def _changes(doc, changes) -> None:
    old = changes.old
    _heading(doc, f"Changes since version {old.version}", 1)
    _para(doc, f"Compared with version {old.version} of {long_date(old.date)}"
                      + (", by its evidence manifest:" if changes.changes else
                         ": no judgment, excerpt, figure or source has changed."))
    for title, found in changes.groups:
        _heading(doc, title, 2)
        for c in found:
            _para(doc, c.line, "List Bullet")


def _bibliography(doc, brief: Brief, html: str, *, new_page: bool) -> None:
    _heading(doc, "Bibliography", 1).paragraph_format.page_break_before = new_page
    for entry in brief.bibliography:
        write(_para(doc, style="Bibliography Entry"), runs(entry), None)


def _register(doc, brief: Brief, html: str, *, new_page: bool) -> None:
    _heading(doc, "Source register", 1).paragraph_format.page_break_before = new_page
    rows = []
    for row in brief.register:
        s = row.source
        meta = f"{s.author or 'author not named'}" + (f"; {s.outlet}" if s.outlet else "") + f"; {s.file}"
        rows.append([(Run(s.title, bold=True), Run("\n"), Run(meta)), s.type or "—", long_date(s.date),
                     s.grade or "not graded", str(row.cited), "\n".join(row.flags) or "—"])
    if brief.outline.public:   # no grades for the public
        rows = [r[:3] + r[4:] for r in rows]
        _table(doc, ["Source", "Type", "Date", "Cited", "Flags"], rows, widths=(6.6, 1.8, 2.4, 1.2, 4.8))
        return
    _table(doc, ["Source", "Type", "Date", "Grade", "Cited", "Flags"], rows, widths=(6.2, 1.8, 2.4, 1.6, 1.2, 3.6))


def _method(doc, brief: Brief, html: str, *, new_page: bool) -> None:
    """Write "About this brief" as the template words it: the same text as the PDF's."""
    m = re.search(r'<section[^>]*\bid="method"[^>]*>\s*<h2>(.*?)</h2>(.*?)</section>', html, re.S)
    if not m:
        return
    _heading(doc, Markup(m.group(1)).striptags(), 1).paragraph_format.page_break_before = new_page
    for b in blocks(m.group(2)):
        _block(doc, b, None)


def _properties(doc, brief: Brief, manifest_name: str) -> None:
    o = brief.outline
    cp = doc.core_properties
    when = dt.datetime.fromisoformat(o.date + "T00:00:00")
    cp.title, cp.subject, cp.keywords, cp.category = (clean(x) for x in (o.title, o.subtitle, o.audience, o.marking))
    cp.author = cp.last_modified_by = ""
    cp.comments = f"Made by briefing {__version__} from outline {o.name}; evidence in {manifest_name}."
    cp.created = cp.modified = when
    cp.revision = 1
    cp.version = o.version
    # The template's thumbnail shows an empty page; a file manager would show it for this brief.
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    rels = doc.part.package.rels
    for rid in [k for k, r in rels.items() if r.reltype == RT.THUMBNAIL]:
        rels.pop(rid)


def _reproducible(blob: bytes, date: str) -> bytes:
    """Rewrite the package with every member dated from the brief, so equal briefs give equal bytes."""
    stamp = tuple(int(x) for x in date.split("-")) + (0, 0, 0)
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(zipfile.ZipInfo(info.filename, stamp), src.read(info.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()
