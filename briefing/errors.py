"""Errors a user can cause; the CLI prints each as one line and exits with status 1."""

from __future__ import annotations

import re


class BriefingError(Exception):
    """A problem with the user's input, reported as one line."""


def at(path, line: int | None = None, column: int | None = None) -> str:
    """Return a location prefix like 'outline.yaml:12:5'."""
    where = str(path)
    if line is not None:
        where += f":{line}"
        if column is not None:
            where += f":{column}"
    return where


# The place at() puts before a message: a file (no spaces), then maybe :line and :column.
_PLACE = re.compile(r"(?P<file>\S+?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?: ")


def located(problem: str) -> dict:
    """Return a problem line for a JSON report: the line itself as "message", with the file, line and
    column its at() prefix names (null where it names none)."""
    m = _PLACE.match(problem)
    number = lambda key: int(m.group(key)) if m and m.group(key) else None   # noqa: E731
    return {"message": problem, "file": m and m.group("file"), "line": number("line"), "column": number("column")}


class SourceError(BriefingError):
    """A seed file or sources.yaml cannot be used."""


class OutlineError(BriefingError):
    """An outline is invalid; carries every problem found, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(self.problems[0] if len(self.problems) == 1 else
                         f"{self.problems[0]} (and {len(self.problems) - 1} more)")


class AnchorError(BriefingError):
    """A quote or figure cannot be anchored to the exact bytes of its source."""


class RenderError(BriefingError):
    """The brief cannot be laid out or written."""


def one_line(e: BaseException) -> list[str] | None:
    """Return what the user is told about an error they can cause, one line per problem
    (without the "error: " prefix), or None for an error that is a bug."""
    if isinstance(e, OutlineError):
        problems = e.problems
    elif isinstance(e, OSError) and e.filename:   # a file the user named, unreadable or unwritable
        problems = [f"{e.filename}: {e.strerror or e}"]
    elif isinstance(e, (BriefingError, OSError)):
        problems = [str(e)]
    else:
        return None
    return [" ".join(str(p).splitlines()) for p in problems]


def bug(e: BaseException, where: str = "") -> str:
    """Return one line for an error the user did not cause: a bug, said as one, never a traceback."""
    what = " ".join(f"{type(e).__name__}: {e}".split())
    return (f"{where}: " if where else "") + f"internal error, a bug in briefing ({what[:300]}); " \
        "run the command again with --debug for the traceback, and please report it"
