"""A small declarative schema: validates YAML read by yamlio, reports every problem with
its file:line:col, and exports itself as JSON Schema for editors."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any


def _show(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Str:
    doc: str = ""
    pattern: str | None = None
    pattern_doc: str = ""

    def check(self, value, where, path, problems):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            problems.append(f"{where}: {path}: expected text, got {type(value).__name__}")
            return None
        if self.pattern and not re.fullmatch(self.pattern, value):
            problems.append(f"{where}: {path}: expected {self.pattern_doc}, got {_show(value)}")
            return None
        return value

    def json(self):
        out = {"type": "string", "description": self.doc}
        if self.pattern:
            out["pattern"] = f"^(?:{self.pattern})$"
        return out


DATE_SHAPE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def date_problem(value: str, *, partial: bool = False) -> str | None:
    """Return why value is not a real date (2026-11-22; with partial, also 2026 or 2026-11), or None.
    The one place dates are checked: a date that passes is safe to compute with anywhere."""
    m = DATE_SHAPE.fullmatch(value)
    if not m or not (partial or m.group(3)):
        shape = "a year (2016), a month (2016-08) or a date (2016-08-24)" if partial else "a date like 2016-08-24"
        return f"expected {shape}; got {value!r}"
    year, month, day = (int(g) if g else 1 for g in m.groups())
    try:
        dt.date(year, month, day)
    except ValueError as e:
        return f"{value} is not a real date ({e})"
    return None


@dataclass(frozen=True)
class Date:
    doc: str = ""
    partial: bool = False   # a year or a month will do

    def check(self, value, where, path, problems):
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(value, str):
            problems.append(f"{where}: {path}: expected a date, got {type(value).__name__}")
            return None
        problem = date_problem(value, partial=self.partial)
        if problem:
            problems.append(f"{where}: {path}: {problem}")
            return None
        return value

    def json(self):
        pattern = DATE_SHAPE.pattern if self.partial else r"\d{4}-\d{2}-\d{2}"
        return {"type": "string", "description": self.doc, "pattern": f"^(?:{pattern})$"}


@dataclass(frozen=True)
class Int:
    doc: str = ""
    minimum: int = 0
    maximum: int = 10_000

    def check(self, value, where, path, problems):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{where}: {path}: expected an integer, got {_show(value)}")
            return None
        if not self.minimum <= value <= self.maximum:
            problems.append(f"{where}: {path}: expected an integer from {self.minimum} to {self.maximum}, got {value}")
            return None
        return value

    def json(self):
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum, "description": self.doc}


@dataclass(frozen=True)
class Bool:
    doc: str = ""

    def check(self, value, where, path, problems):
        if not isinstance(value, bool):
            problems.append(f"{where}: {path}: expected true or false, got {_show(value)}")
            return None
        return value

    def json(self):
        return {"type": "boolean", "description": self.doc}


@dataclass(frozen=True)
class NoneOr:
    """A value of spec, or the word none: how a variant removes what it inherits."""
    spec: Any

    def check(self, value, where, path, problems):
        return None if value == "none" else self.spec.check(value, where, path, problems)

    def json(self):
        inner = self.spec.json()
        return {"anyOf": [{"const": "none"}, inner],
                "description": f"{inner['description']} Or none, which removes the one a variant inherits."}


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]
    doc: str = ""

    def check(self, value, where, path, problems):
        if value not in self.values:
            hint = difflib.get_close_matches(str(value), self.values, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(f"{where}: {path}: expected one of {', '.join(self.values)}; got {_show(value)}{extra}")
            return None
        return value

    def json(self):
        return {"enum": list(self.values), "description": self.doc}


@dataclass(frozen=True)
class List:
    item: Any
    doc: str = ""
    min_items: int = 0

    def check(self, value, where, path, problems):
        if not isinstance(value, list):
            problems.append(f"{where}: {path}: expected a list, got {type(value).__name__}")
            return None
        if len(value) < self.min_items:
            problems.append(f"{where}: {path}: expected at least {self.min_items} item(s)")
        out = []
        for i, item in enumerate(value):
            out.append(self.item.check(item, value.where(i), f"{path}[{i}]", problems))
        return out

    def json(self):
        return {"type": "array", "items": self.item.json(), "minItems": self.min_items, "description": self.doc}


@dataclass(frozen=True)
class Map:
    """A mapping from names the user chooses (e.g. topic names) to values of one spec."""
    value: Any
    doc: str = ""
    key_pattern: str = r"[a-z][a-z0-9_-]*"
    key_doc: str = "a name of lower-case letters, digits, - or _"

    def check(self, value, where, path, problems):
        if not isinstance(value, dict):
            problems.append(f"{where}: {path}: expected a mapping, got {type(value).__name__}")
            return None
        out = {}
        for key, item in value.items():
            if not re.fullmatch(self.key_pattern, str(key)):
                problems.append(f"{value.where(key)}: {path}.{key}: expected {self.key_doc} as the name")
                continue
            out[key] = self.value.check(item, value.where(key), f"{path}.{key}", problems)
        return out

    def json(self):
        return {"type": "object", "description": self.doc, "propertyNames": {"pattern": f"^(?:{self.key_pattern})$"},
                "additionalProperties": self.value.json()}


@dataclass(frozen=True)
class Field:
    spec: Any
    required: bool = False
    default: Any = None


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Field]
    doc: str = ""
    name: str = "object"

    def check(self, value, where, path, problems):
        if not isinstance(value, dict):
            problems.append(f"{where}: {path or 'outline'}: expected a mapping, got {type(value).__name__}")
            return None
        out = {}
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in self.fields:
                hint = difflib.get_close_matches(str(key), list(self.fields), n=1, cutoff=0.6)
                extra = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(self.fields)})"
                problems.append(f"{value.where(key)}: {prefix}{key}: unknown key{extra}")
        for key, f in self.fields.items():
            if key in value and value[key] is not None:
                out[key] = f.spec.check(value[key], value.where(key), prefix + key, problems)
            elif f.required:
                problems.append(f"{where}: {prefix}{key}: required")
            else:
                out[key] = f.default
        return out

    def json(self):
        return {
            "type": "object",
            "description": self.doc,
            "additionalProperties": False,
            "required": [k for k, f in self.fields.items() if f.required],
            "properties": {k: f.spec.json() | ({"default": f.default} if f.default not in (None, [], {}) else {})
                           for k, f in self.fields.items()},
        }


def validate(spec: Obj, data, where: str) -> tuple[dict | None, list[str]]:
    """Check data against spec; return the normalised value and every problem found."""
    problems: list[str] = []
    value = spec.check(data, where, "", problems)
    return value, sorted(problems, key=_position)


def by_position(problems: list[str]) -> list[str]:
    """Return problems sorted by file, line and column."""
    return sorted(problems, key=_position)


def _position(problem: str) -> tuple[str, int, int]:
    # By file, then line: a variant's problems may lie in the outline it extends.
    m = re.match(r"([^:]*):(\d+):(\d+):", problem)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else ("", 0, 0)


def json_schema(spec: Obj, title: str) -> dict:
    """Return spec as a standalone JSON Schema document, for editors."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title} | spec.json()
