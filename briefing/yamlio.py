"""Load YAML safely, keeping the line and column of every value for error messages."""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from .errors import BriefingError, at

MAX_BYTES = 1_000_000  # outlines and sources.yaml are hand-written; refuse anything larger
MAX_ALIASES = 100      # anchors are handy, but an alias bomb must not expand
MAX_VALUES = 20_000    # values in a document, each alias counted as the copy it stands for
MAX_DEPTH = 50         # nesting levels; the composer recurses, and no one writes deeper by hand


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
    def __init__(self, text: str, path: Path):
        super().__init__(text)
        self.path, self.aliases, self.depth, self.values = path, 0, 0, 0
        self.sizes: dict[int, int] = {}   # id(node) -> values it holds once expanded

    def compose_node(self, parent, index):
        # Refuse alias bombs, recursion and deep nesting while composing, before anything expands.
        where = at(self.path, *_mark(self.peek_event()))
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise BriefingError(f"{where}: more than {MAX_ALIASES} YAML aliases; refusing to expand")
            node = super().compose_node(parent, index)
            if id(node) not in self.sizes:
                raise BriefingError(f"{where}: YAML alias inside the value it names; refusing a recursive document")
            self._count(self.sizes[id(node)], where)
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BriefingError(f"{where}: YAML nested more than {MAX_DEPTH} levels deep")
        self._count(1, where)
        node = super().compose_node(parent, index)
        self.depth -= 1
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else ()
        self.sizes[id(node)] = 1 + sum(self.sizes.get(id(c), 0) for c in children)
        return node

    def _count(self, n: int, where: str) -> None:
        self.values += n
        if self.values > MAX_VALUES:
            raise BriefingError(f"{where}: YAML document holds more than {MAX_VALUES:,} values "
                                f"(each alias counted as a copy); refusing it")

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
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):   # a named pipe or device would block or never end
            raise BriefingError(f"{path}: not a regular file")
        if st.st_size > MAX_BYTES:
            raise BriefingError(f"{path}: {what} is {st.st_size:,} bytes; the limit is {MAX_BYTES:,}")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise BriefingError(f"{path}: {what} is more than {MAX_BYTES:,} bytes, the limit")
    except FileNotFoundError:
        raise BriefingError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise BriefingError(f"{path}: {what} is a directory") from None
    except OSError as e:
        raise BriefingError(f"{path}: cannot read {what}: {e.strerror}") from None
    except ValueError:   # a NUL byte in the name
        raise BriefingError(f"{str(path)!r}: not a usable file name") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise BriefingError(f"{at(path, line)}: {what} is not UTF-8 (byte 0x{data[e.start]:02x})") from None
    loader = None
    try:
        loader = _Loader(text, path)   # the reader refuses control characters here
        return loader.get_single_data()
    except yaml.reader.ReaderError as e:
        line = text.count("\n", 0, e.position) + 1
        raise BriefingError(f"{at(path, line)}: {what} contains U+{e.character:04X}, "
                            f"a character YAML does not allow") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if mark is None:
            raise BriefingError(f"{path}: YAML error: {' '.join(str(e).split())}") from None
        problem = " ".join(str(e.problem or e.context or "invalid YAML").split())
        raise BriefingError(f"{at(path, mark.line + 1, mark.column + 1)}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as e:
        raise BriefingError(f"{path}: YAML error: {' '.join(str(e).split())}") from None
    except RecursionError:   # MAX_DEPTH should prevent it; never let it escape as a traceback
        raise BriefingError(f"{path}: YAML nested too deeply") from None
    finally:
        if loader:
            loader.dispose()
