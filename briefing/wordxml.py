"""What python-docx does not do for the Word copy: read the brief model's HTML (prose, notes,
bibliography) into runs, write real footnotes (the footnotes part, its relationship and the
references), fields and paragraph rules, and keep out what XML cannot carry."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser

from markupsafe import Markup

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MONO = "Courier New"


# --- the HTML of the brief model (prose, notes, bibliography) as runs --------------------------------------

@dataclass(frozen=True)
class Run:
    text: str = ""
    bold: bool = False
    italic: bool = False
    code: bool = False
    sup: bool = False    # the comma between two note calls
    note: int = 0        # a footnote reference to this note, instead of text


@dataclass(frozen=True)
class Block:
    kind: str            # p | ul | ol | quote
    runs: tuple[Run, ...]
    number: int = 0      # an ordered list item's number


class _Reader(HTMLParser):
    """Read an HTML fragment from the brief model into blocks of runs; a note call becomes a
    footnote reference and the note printed beside it (the PDF's float) is left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.runs: list[Run] = []
        self.style = {"bold": 0, "italic": 0, "code": 0, "sup": 0}
        self.lists: list[list] = []    # [kind, items so far]
        self.quote = self.skip = 0
        self.call = False

    def handle_starttag(self, tag, attrs):
        cls = (dict(attrs).get("class") or "").split()
        if self.skip:
            self.skip += tag == "span"
            return
        if tag == "span" and "note" in cls:
            self.skip = 1
        elif tag == "a" and "call" in cls:
            self.call = True
            self.runs.append(Run(note=int(re.sub(r"\D", "", dict(attrs).get("href", "")) or 0)))
        elif tag in ("p", "li", "ul", "ol", "blockquote"):
            self.flush()
            if tag in ("ul", "ol"):
                self.lists.append([tag, 0])
            elif tag == "li" and self.lists:
                self.lists[-1][1] += 1
            self.quote += tag == "blockquote"
        elif tag == "br":
            self.runs.append(Run("\n"))
        else:
            key = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code"}.get(tag)
            key = "sup" if tag == "span" and "call-sep" in cls else key
            if key:
                self.style[key] += 1

    def handle_endtag(self, tag):
        if self.skip:
            self.skip -= tag == "span"
            return
        if tag == "a" and self.call:
            self.call = False
        elif tag in ("p", "li", "ul", "ol", "blockquote"):
            self.flush()
            if tag in ("ul", "ol") and self.lists:
                self.lists.pop()
            self.quote -= tag == "blockquote" and self.quote > 0
        else:
            key = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code"}.get(tag)
            key = "sup" if tag == "span" and self.style["sup"] else key
            if key and self.style[key]:
                self.style[key] -= 1

    def handle_data(self, data):
        if not self.skip and not self.call:
            self.runs.append(Run(data, **{k: v > 0 for k, v in self.style.items()}))

    def flush(self):
        runs = tidy(self.runs)
        self.runs = []
        if not runs:
            return
        if self.lists:
            kind, n = self.lists[-1]
            self.blocks.append(Block(kind, runs, n))
        else:
            self.blocks.append(Block("quote" if self.quote else "p", runs))


def tidy(runs) -> tuple[Run, ...]:
    """Collapse white space as HTML shows it: one space between words, none at either end."""
    out, space = [], True
    for r in runs:
        if r.note or r.text == "\n":
            out.append(r)
            space = r.text == "\n"
            continue
        text = re.sub(r"\s+", " ", r.text)
        text = text.lstrip(" ") if space else text
        if text:
            out.append(replace(r, text=text))
            space = text.endswith(" ")
    while out and not out[-1].note and out[-1].text.strip() == "":
        out.pop()
    if out and not out[-1].note:
        out[-1] = replace(out[-1], text=out[-1].text.rstrip(" "))
    return tuple(out)


def blocks(html: Markup | str) -> list[Block]:
    """Return an HTML fragment of the brief model as paragraphs of runs."""
    reader = _Reader()
    reader.feed(str(html))
    reader.close()
    reader.flush()
    return reader.blocks


def runs(html: Markup | str) -> tuple[Run, ...]:
    """Return an inline HTML fragment as one paragraph's runs."""
    return tuple(r for b in blocks(html) for r in b.runs)


# --- footnotes --------------------------------------------------------------------------------------------

class Footnotes:
    """The footnotes part: one footnote per note of the brief, referenced once from the text."""

    def __init__(self, notes):
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        self.notes = {n.number: n for n in notes}
        self.placed: list[int] = []
        self.root = parse_xml(
            f'<w:footnotes {nsdecls("w", "r")}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            '</w:footnotes>')

    def reference(self, number: int):
        """Return the run that calls note number in the text, and write the footnote itself."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.text.paragraph import Paragraph

        if number not in self.notes:
            raise ValueError(f"note {number} is unknown")
        if number in self.placed:   # the same place cited again: the note's number, as a call to it
            run = _styled_run("w:t")
            run[-1].text = str(number)
            return run
        self.placed.append(number)
        footnote = OxmlElement("w:footnote", {qn("w:id"): str(number)})
        p = OxmlElement("w:p")
        footnote.append(p)
        para = Paragraph(p, None)
        para._p.get_or_add_pPr().append(OxmlElement("w:pStyle", {qn("w:val"): "FootnoteText"}))
        p.append(_styled_run("w:footnoteRef"))
        para.add_run(" ")
        write(para, runs(self.notes[number].html), self)
        self.root.append(footnote)
        return _styled_run("w:footnoteReference", {qn("w:id"): str(number)})

    def attach(self, doc) -> None:
        """Add the footnotes part to the document, with its relationship and content type."""
        from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        missing = sorted(set(self.notes) - set(self.placed))
        if missing:
            raise ValueError(f"notes {missing} have no place in the Word copy")
        part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.root, doc.part.package)
        doc.part.relate_to(part, RT.FOOTNOTES)
        # Word expects the separators named in the settings, before <w:compat> and what follows it.
        settings = doc.settings.element
        pr = OxmlElement("w:footnotePr")
        for i in ("-1", "0"):
            pr.append(OxmlElement("w:footnote", {qn("w:id"): i}))
        later = {qn(f"w:{t}") for t in ("endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
                                        "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                                        "doNotAutoCompressPictures", "forceUpgrade", "captions",
                                        "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
                                        "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")}
        after = next((c for c in settings if c.tag in later), None)
        if after is not None:
            after.addprevious(pr)
        else:
            settings.append(pr)


def _styled_run(tag: str, attrs: dict | None = None):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rStyle", {qn("w:val"): "FootnoteReference"}))
    r.append(rpr)
    r.append(OxmlElement(tag, attrs or {}))
    return r


def write(para, content, notes: Footnotes | None) -> None:
    """Append runs to a python-docx paragraph: text with its style, or a footnote reference."""
    for r in content:
        if r.note:
            para._p.append(notes.reference(r.note))
        elif r.text == "\n":
            para.add_run().add_break()
        else:
            run = para.add_run(clean(r.text))
            run.bold, run.italic = r.bold or None, r.italic or None
            if r.code:
                run.font.name = MONO
            if r.sup:
                run.font.superscript = True


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Drop what XML cannot carry (control characters, U+FFFE…): Word would refuse the whole file."""
    return _NOT_XML.sub("", text)


def border(style, side: str | None) -> None:
    """Give a paragraph style a rule on one side, or take its borders away."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = style.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    if side:
        bdr = OxmlElement("w:pBdr")
        bdr.append(OxmlElement(f"w:{side}", {qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): "8",
                                             qn("w:color"): "777777"}))
        # pBdr comes before spacing and indentation in a paragraph's properties.
        anchor = next((c for c in ppr if c.tag in (qn("w:shd"), qn("w:tabs"), qn("w:spacing"), qn("w:ind"),
                                                     qn("w:jc"))), None)
        anchor.addprevious(bdr) if anchor is not None else ppr.append(bdr)


def field(para, instruction: str, shown: str, font: str) -> None:
    """Append a simple field (a page number) that Word and LibreOffice compute."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple", {qn("w:instr"): instruction})
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:rFonts", {qn("w:ascii"): font, qn("w:hAnsi"): font}))
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = shown
    r.append(t)
    field.append(r)
    para._p.append(field)

def field_across(paras, instruction: str) -> None:
    """Make paragraphs (already holding the field's last result) one complex field, e.g. a TOC."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str, instr: str = ""):
        r = OxmlElement("w:r")
        if instr:
            t = OxmlElement("w:instrText", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
            t.text = instr
            r.append(t)
        else:
            r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        return r
    first = paras[0]._p
    at = first.pPr.getnext() if first.pPr is not None else (first[0] if len(first) else None)
    for r in (char("begin"), char("", instruction), char("separate")):
        if at is not None:
            at.addprevious(r)
        else:
            first.append(r)
    paras[-1]._p.append(char("end"))
