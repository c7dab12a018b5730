"""Audience variants: an outline that `extends:` another one, then overrides its fields,
varies sections by id (key by key; `chart: none` removes a chart), drops some and reorders the rest. Every value keeps the file,
line and column it was written at, so errors point into the right file."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

from . import yamlio
from .errors import OutlineError
from .files import not_a_file, real

MAX_DEPTH = 8          # a chain of variants longer than this is a mistake, not a design
# Belong to the file that says them, never inherited: changes_since names an earlier issue of this brief.
OWN_KEYS = ("extends", "drop", "order", "changes_since")


class Located(dict):
    """A mapping merged from several files that remembers where each value was written."""

    def __init__(self, where: str):
        super().__init__()
        self.at = where
        self.wheres: dict = {}

    def put(self, key, value, where: str) -> None:
        """Set key to value, written at where."""
        self[key] = value
        self.wheres[key] = where

    def where(self, key=None) -> str:
        """Return 'file:line:col' of a key's value, or of the mapping itself."""
        return self.wheres.get(key, self.at)


class Section(Located):
    """A section varied key by key: each value remembers its file, and the text's file and marks
    stay with it, so a citation in inherited text is found in the file that wrote it."""

    def __init__(self, base, child):
        super().__init__(child.where())
        owner = child if "text" in child else base
        self.path, self.marks = owner.path, owner.marks
        for part in (base, child):
            for key in part:
                self.put(key, part[key], part.where(key))


class LocatedList(list):
    """A list whose items came from several files."""

    def __init__(self, where: str, items=()):
        super().__init__(item for item, _ in items)
        self.at = where
        self.wheres = [w for _, w in items]

    def where(self, index=None) -> str:
        """Return 'file:line:col' of an item, or of the list itself."""
        return self.at if index is None else self.wheres[index]


def resolve(path: Path, *, root: Path, section_id: Callable[[dict], str], chain: tuple[Path, ...] = ()):
    """Read an outline and everything it extends; return the merged data and the problems found."""
    data = yamlio.load(path, what="outline")
    if not isinstance(data, dict) or "extends" not in data:
        return data, []
    base_path = _target(path, data, root, chain)
    base, problems = resolve(base_path, root=root, section_id=section_id, chain=chain + (real(path),))
    if not isinstance(base, dict):
        raise OutlineError([f"{data.where('extends')}: extends: {base_path} is not an outline (expected a mapping)"])
    merged, more = merge(base, data, section_id)
    return merged, problems + more


def _target(path: Path, data, root: Path, chain: tuple[Path, ...]) -> Path:
    """Return the file an outline extends, or raise saying why it cannot be used."""
    where, name = data.where("extends"), data["extends"]
    if not isinstance(name, str) or not name.strip() or "\0" in name:
        raise OutlineError([f"{where}: extends: expected the file name of another outline, e.g. default.yaml"])
    target = path.parent / name
    try:
        resolved, found = real(target), target.is_file()
    except OSError as e:   # e.g. a name too long for the file system
        raise OutlineError([f"{where}: extends: not a usable file name ({e.strerror})"]) from None
    if not resolved.is_relative_to(real(root)):
        raise OutlineError([f"{where}: extends: {name!r} is outside the project ({real(root)})"])
    here = real(path)
    if resolved in chain + (here,):
        above = chain[chain.index(resolved):] if resolved in chain else ()
        loop = [p.name for p in above] + [here.name, resolved.name]
        raise OutlineError([f"{where}: extends: circular: {' → '.join(loop)}"])
    if len(chain) >= MAX_DEPTH:
        raise OutlineError([f"{where}: extends: more than {MAX_DEPTH} outlines deep"])
    if not found:
        why = "no such outline" if not_a_file(target) == "file not found" else not_a_file(target) or "not an outline"
        raise OutlineError([f"{where}: extends: {why} {name!r} (looked for {target})"])
    return target


def merge(base: dict, child: dict, section_id: Callable[[dict], str]) -> tuple[Located, list[str]]:
    """Return child laid over base: fields replaced, page merged key by key, sections by id and
    then key by key (a section that says only `excerpts: 1` keeps its prose, quotes and chart)."""
    out = Located(child.where())
    for key in base:
        if key not in OWN_KEYS:
            out.put(key, base[key], base.where(key))
    for key in child:
        if key == "page" and isinstance(base.get("page"), dict) and isinstance(child[key], dict):
            out.put(key, _overlay(base["page"], child["page"]), child.where(key))
        elif key != "sections":
            out.put(key, child[key], child.where(key))
    sections, problems = _sections(base, child, section_id)
    if sections is not None:
        out.put("sections", sections, child.where("sections") if "sections" in child else base.where("sections"))
    return out, problems


def _overlay(base: dict, child: dict) -> Located:
    """Return child's keys laid over base's, each remembering where it was written."""
    out = Located(child.where())
    for part in (base, child):
        for key in part:
            out.put(key, part[key], part.where(key))
    return out


def _sections(base: dict, child: dict, section_id) -> tuple[LocatedList | None, list[str]]:
    """Replace base sections by id, append new ones, then apply drop: and order:."""
    own = base.get("sections")
    if not isinstance(own, list):
        return (child.get("sections") if "sections" in child else own), []
    items = [(s, own.where(i)) for i, s in enumerate(own)]
    new = child.get("sections")
    if isinstance(new, list):
        for i, s in enumerate(new):
            ids = [section_id(x) for x, _ in items]
            sid = section_id(s)
            if sid and sid in ids:
                at = ids.index(sid)
                both = isinstance(items[at][0], dict) and isinstance(s, dict)
                items[at] = (Section(items[at][0], s) if both else s, new.where(i))
            else:
                items.append((s, new.where(i)))
    problems: list[str] = []
    drop, order = child.get("drop"), child.get("order")
    if isinstance(drop, list):
        for i, sid in enumerate(drop):
            ids = [section_id(x) for x, _ in items]
            if sid in ids:
                del items[ids.index(sid)]
            else:
                problems.append(f"{drop.where(i)}: drop[{i}]: {_unknown(sid, ids)}")
    if isinstance(order, list):
        ids = [section_id(x) for x, _ in items]
        for i, sid in enumerate(order):
            if sid not in ids:
                problems.append(f"{order.where(i)}: order[{i}]: {_unknown(sid, ids)}")
        first = [ids.index(sid) for sid in dict.fromkeys(order) if sid in ids]
        items = [items[k] for k in first] + [x for k, x in enumerate(items) if k not in first]
    where = child.where("sections") if "sections" in child else base.where("sections")
    return LocatedList(where, items), problems


def _unknown(sid, ids: list[str]) -> str:
    hint = difflib.get_close_matches(str(sid), [i for i in ids if i], n=1)
    extra = f"did you mean '{hint[0]}'?" if hint else f"sections: {', '.join(i for i in ids if i)}"
    return f"no section {sid!r} in the outline ({extra})"
