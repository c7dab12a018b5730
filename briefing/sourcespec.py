"""The shape of seeds/sources.yaml, as a JSON Schema for editors (`briefing schema --sources`)."""

from __future__ import annotations

from .corpus import GRADES, RULES, SOURCE_TYPES
from .schema import Choice, Field, Int, List, Obj, Str, json_schema

_DATE = r"|\d{4}(?:-\d{2}(?:-\d{2})?)?"   # "" for a fact the document does not state
_NAMES = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string", "minLength": 1}}],
          "description": "Who wrote it: one name, names joined by 'and', or a list of names. Leave empty if "
                         "the document names no one."}

SOURCE = Obj({
    "id": Field(Str("Id to cite the source by: [@id, par. N].", r"[a-z0-9][a-z0-9_-]*",
                    "lower-case letters, digits, - or _"), required=True),
    "file": Field(Str("The text file in seeds/ that passages and offsets index."), required=True),
    "original": Field(Str("The file the text was extracted from (PDF, web page, Word), in seeds/.")),
    "original_sha256": Field(Str("SHA-256 of the original file, as added.", r"|[0-9a-f]{64}", "64 hex digits")),
    "sha256": Field(Str("SHA-256 of the text file, as added; a changed text is refused.", r"|[0-9a-f]{64}",
                        "64 hex digits")),
    "title": Field(Str("The document's title, as it gives it.")),
    "subtitle": Field(Str("Its subtitle or deck.")),
    "outlet": Field(Str("Where it was published: newspaper, journal, site or publisher.")),
    "issue": Field(Str("Volume and number, e.g. '17, no. 159'.")),
    "author": Field(Str("placeholder")),
    "date": Field(Str("Publication date: a year, a year and month, or a full date.", _DATE,
                      "2016, 2016-08 or 2016-08-24")),
    "date_note": Field(Str("Where the text contradicts or fills in for its own date.")),
    "type": Field(Choice(SOURCE_TYPES, "Kind of document.")),
    "grade": Field(Choice(GRADES, "Admiralty reliability grade, A (reliable) to F (cannot be judged).")),
    "url": Field(Str("Where it was published online.", r"|https?://\S+", "an http:// or https:// address")),
    "accessed": Field(Str("When the online version was read.", r"|\d{4}-\d{2}-\d{2}", "a date like 2024-03-01")),
    "first_page": Field(Int("The printed number of a paginated source's first page; notes cite printed pages.",
                            0, 1_000_000)),
    "drop": Field(List(Str("A line of the file, as you see it (bullets, spacing and case do not matter)."),
                       "Lines of page chrome to set aside in this file; each must match a line.")),
    "keep": Field(List(Str("A line of the file, as you see it."),
                       "Lines a rule set aside that are the source's own words: kept, and quotable.")),
}, "One source: a file in seeds/ and what the document says about itself.", "source")

BOILERPLATE = Obj({
    "end_markers": Field(List(Str("A line, as seen."), "Lines that end the article body (bio, comments, links).")),
    "end_patterns": Field(List(Str("A regular expression, searched in the line as seen (lower case)."),
                               "Lines that end the article body, e.g. the header of a comment thread.")),
    "drop_patterns": Field(List(Obj({"pattern": Field(Str("A regular expression."), required=True),
                                     "reason": Field(Str("Why such lines are chrome."), required=True)},
                                    "A rule for lines of chrome.", "rule"),
                                "Lines matching these are chrome wherever they occur.")),
    "min_words": Field(Int("Words a quotable paragraph has at least.", 1, 100)),
    "abbreviations": Field(List(Str("A word."), "Abbreviations whose full stop ends no sentence.")),
}, "The project's own rules for page chrome, added to the built-in ones.", "boilerplate")

SOURCES = Obj({
    "sources": Field(List(SOURCE, "The sources, one per file in seeds/."), required=True),
    "boilerplate": Field(BOILERPLATE),
}, "seeds/sources.yaml: the sources of a briefing project.", "sources")

assert set(BOILERPLATE.fields) == set(RULES)


def schema_document() -> dict:
    """Return sources.yaml's JSON Schema."""
    doc = json_schema(SOURCES, "briefing sources")
    doc["properties"]["sources"]["items"]["properties"]["author"] = _NAMES
    return doc
