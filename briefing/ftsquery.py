"""Read a full-text query in SQLite FTS5 syntax and write it as a PostgreSQL tsquery.

Topics, outlines and `briefing search` speak FTS5 on both index backends. Both backends cut
text into the same tokens: runs of letters and digits, lower-cased, diacritics removed (FTS5's
`unicode61 remove_diacritics 2`), which PostgreSQL then stems with the same Porter stemmer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import BriefingError

# A bareword in FTS5: ASCII letters, digits and _, and any non-ASCII character.
_TOKEN = re.compile(r'\s*(?:(?P<string>"(?:[^"]|"")*")|(?P<word>[\w\x1a\x80-\U0010ffff]+)|(?P<op>[()*+:^,{}-]))')
_SEPARATORS = re.compile(r"[\W_]+")
# FTS5's Porter stemmer leaves a token of one or two characters as it is; PostgreSQL's makes "as"
# "a" and "ay" "ai". Such a token goes to PostgreSQL as a path, "/as", which it keeps whole.
_SHORT = re.compile(r"(?<!\S)(?:[0-9a-rt-z]s|[aeiou]y)(?!\S)")
# FTS5 stems by the revised Porter algorithm (BLI -> BLE, LOGI -> LOG), PostgreSQL's Snowball
# "porter" by the original: "assembly" and "technology" are given the revised algorithm's ending first.
_REVISED = re.compile(r"(?<!\S)(\S*[aeiou][^\saeiou]\S*?)(?:(?<!a)(bl)|(log))(?:y|ies|i)(?!\S)")


def terms(text: str) -> str:
    """Return text as the index's tokens, space-separated: what unicode61 with remove_diacritics cuts.

    PostgreSQL reads them with its own parser, which then finds nothing to join or split."""
    text = text.lower()
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    text = _REVISED.sub(lambda m: m[1] + ("ble" if m[2] else "log"), _SEPARATORS.sub(" ", text).strip())
    return _SHORT.sub(r"/\g<0>", text)


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]     # tokens, before stemming
    prefix: bool = False       # the last word matches any token it begins
    column: str = ""           # "heading" or "text" when a column filter applies


@dataclass(frozen=True)
class Op:
    kind: str                  # AND, OR, NOT
    left: object
    right: object


def parse(query: str):
    """Return the tree of an FTS5 query (Phrase and Op nodes); the query is valid FTS5."""
    tokens, at = [], 0
    while query[at:].strip():
        m = _TOKEN.match(query, at)
        if not m:
            raise BriefingError(f"bad search query {query!r}: cannot read {query[at:].strip()[:20]!r}")
        tokens.append((m.lastgroup, m.group(m.lastgroup)))
        at = m.end()
    tree, rest = _or(tokens, query)
    if rest:
        raise BriefingError(f"bad search query {query!r}: unexpected {rest[0][1]!r}")
    return tree


def _unsupported(query: str, what: str):
    return BriefingError(f"search query {query!r}: {what} is not supported by the PostgreSQL index")


def _binary(kind, lower):
    def level(tokens, query):
        left, tokens = lower(tokens, query)
        while tokens and tokens[0] == ("word", kind):
            right, tokens = lower(tokens[1:], query)
            left = Op(kind, left, right)
        return left, tokens
    return level


def _sequence(tokens, query):
    # Terms side by side must all match: an implicit AND, binding tighter than NOT.
    left, tokens = _primary(tokens, query)
    while tokens and (tokens[0][0] == "string" or tokens[0] == ("op", "(") or
                      (tokens[0][0] == "word" and tokens[0][1] not in ("AND", "OR", "NOT"))):
        right, tokens = _primary(tokens, query)
        left = Op("AND", left, right)
    return left, tokens


def _primary(tokens, query):
    if not tokens:
        raise BriefingError(f"bad search query {query!r}: it ends too early")
    kind, value = tokens[0]
    if (kind, value) == ("op", "("):
        tree, tokens = _or(tokens[1:], query)
        if not tokens or tokens[0] != ("op", ")"):
            raise BriefingError(f"bad search query {query!r}: a ( is not closed")
        return tree, tokens[1:]
    if value == "NEAR" and len(tokens) > 1 and tokens[1] == ("op", "("):
        raise _unsupported(query, "NEAR")
    if (kind, value) in (("op", "^"), ("op", "{"), ("op", "-")):
        raise _unsupported(query, "^ (start of column)" if value == "^" else "a column filter list")
    column = ""
    if kind == "word" and len(tokens) > 1 and tokens[1] == ("op", ":"):
        if value not in ("heading", "text"):
            raise BriefingError(f"bad search query {query!r}: no such column: {value}")
        column, tokens = value, tokens[2:]
        if tokens and tokens[0] == ("op", "("):
            raise _unsupported(query, "a column filter on a group")
        kind, value = tokens[0] if tokens else (None, None)
    words: list[str] = []
    while True:
        if kind not in ("string", "word"):
            raise BriefingError(f"bad search query {query!r}: expected a word or a phrase")
        words += terms(value[1:-1].replace('""', '"') if kind == "string" else value).split()
        tokens = tokens[1:]
        prefix = bool(tokens) and tokens[0] == ("op", "*")
        if prefix:
            tokens = tokens[1:]
        if tokens and tokens[0] == ("op", "+") and not prefix:   # "a" + "b" is the phrase "a b"
            kind, value = tokens[1] if len(tokens) > 1 else (None, None)
            tokens = tokens[1:]
            continue
        if not words:   # FTS5 matches nothing for "" or "--"; a tsquery cannot say "nothing"
            raise _unsupported(query, "a phrase without a word")
        return Phrase(tuple(words), prefix, column), tokens


_not = _binary("NOT", _sequence)
_and = _binary("AND", _not)
_or = _binary("OR", _and)


def phrases(tree) -> list[Phrase]:
    """Return the phrases of a query in order: bm25 sums over every one of them."""
    if isinstance(tree, Phrase):
        return [tree]
    return phrases(tree.left) + phrases(tree.right)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(tree, stem: dict[str, str]) -> str:
    """Write a query tree as tsquery text over stemmed lexemes (stem maps each word to its lexeme).

    A phrase matches within one column, as in FTS5: the heading's lexemes are weighted A and the
    text's D, and a phrase is asked for in each weight, so it never runs from a heading into its text.
    """
    if isinstance(tree, Op):
        left, right = tsquery(tree.left, stem), tsquery(tree.right, stem)
        return {"AND": f"({left} & {right})", "OR": f"({left} | {right})", "NOT": f"({left} & !({right}))"}[tree.kind]
    def chain(weight: str) -> str:
        last = len(tree.words) - 1
        marks = ["*" * (tree.prefix and i == last) + weight for i in range(last + 1)]
        return " <-> ".join(_lexeme(stem[w]) + (":" + m if m else "") for w, m in zip(tree.words, marks))

    if len(tree.words) == 1 and not tree.column:
        return chain("")
    weights = {"heading": "A", "text": "D"}.get(tree.column, "AD")
    return "(" + " | ".join(f"({chain(w)})" for w in weights) + ")"
