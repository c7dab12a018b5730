"""Load YAML safely, keeping the line and column of every value for error messages."""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import BriefingError, at

MAX_BYTES = 1_000_000  # outlines and sources.yaml are hand-written; refuse anything larger
MAX_ALIASES = 100      # anchors are handy, but an alias bomb must not expand


class Mapping(dict):
    """A dict that remembers where each key and value was written."""

    path: Path
    line: int = 0
    column: int = 0

    def where(self, key=None) -> str:
        """Return 'file:line:col' of a key's value, or of the mapping itself."""
        line, column = self.marks.get(key, (self.line, self.column))
        return at(self.path, line, column)


class Sequence(list):
    """A list that remembers where each item was written."""

    path: Path
    line: int = 0
    column: int = 0

    def where(self, index=None) -> str:
        """Return 'file:line:col' of an item, or of the list itself."""
        line, column = self.marks[index] if index is not None else (self.line, self.column)
        return at(self.path, line, column)


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(yaml.SafeLoader):
    path = Path("?")
    aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                line, column = _mark(self.peek_event())
                raise BriefingError(f"{at(self.path, line, column)}: more than {MAX_ALIASES} YAML aliases; refusing to expand")
        return super().compose_node(parent, index)

    def construct_yaml_map(self, node):
        value = Mapping()
        value.path, (value.line, value.column) = self.path, _mark(node)
        value.marks = {}
        yield value
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise BriefingError(f"{at(self.path, *_mark(key_node))}: a key must be a plain word")
            if key in value:
                raise BriefingError(f"{at(self.path, *_mark(key_node))}: duplicate key '{key}'")
            value[key] = self.construct_object(value_node, deep=True)
            value.marks[key] = _mark(value_node)

    def construct_yaml_seq(self, node):
        value = Sequence()
        value.path, (value.line, value.column) = self.path, _mark(node)
        value.marks = [_mark(item) for item in node.value]
        yield value
        value.extend(self.construct_object(item, deep=True) for item in node.value)

    def construct_yaml_timestamp(self, node):
        # Dates stay as written; the brief prints them, it does not compute with them.
        return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load(path: Path, *, what: str = "file"):
    """Read one YAML document from path, refusing unsafe tags, bombs and huge files."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise BriefingError(f"{path}: {what} is {size:,} bytes; the limit is {MAX_BYTES:,}")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BriefingError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise BriefingError(f"{path}: is a directory, not a {what}") from None
    except OSError as e:
        raise BriefingError(f"{path}: cannot read {what}: {e.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise BriefingError(f"{at(path, line)}: {what} is not UTF-8 (byte 0x{data[e.start]:02x})") from None
    loader = _Loader(text)
    loader.path = path
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = " ".join(str(e.problem or e.context or "invalid YAML").split())
        raise BriefingError(f"{at(path, mark.line + 1, mark.column + 1)}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as e:
        raise BriefingError(f"{path}: YAML error: {' '.join(str(e).split())}") from None
    finally:
        loader.dispose()
