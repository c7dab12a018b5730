"""Load YAML safely, keeping the line and column of every value for error messages."""

from __future__ import annotations

import hashlib
import pickle
import stat
from pathlib import Path

import yaml

from .errors import BriefingError, at
from .files import unlinked, unpickle, write_atomic

MAX_BYTES = 1_000_000  # outlines are hand-written; refuse anything larger (a caller may allow more)
MAX_ALIASES = 100      # anchors are handy, but an alias bomb must not expand
MAX_VALUES = 20_000    # values in a document, each alias counted as the copy it stands for
# An alias is counted at the size of what it names without being expanded, so a bomb is refused
# at once whatever the limit; without aliases the work is linear in the file's bytes.
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


class _Checked:
    """The composer's checks and the constructors that keep marks, shared by both loaders."""

    def _start(self, path: Path, max_values: int):
        self.max_values = max_values
        self.path, self.aliases, self.depth, self.values = path, 0, 0, 0
        self.sizes: dict[int, int] = {}   # id(node) -> values it holds once expanded

    def compose_node(self, parent, index):
        # Refuse alias bombs, recursion and deep nesting while composing, before anything expands.
        event = self.peek_event()
        where = lambda: at(self.path, *_mark(event))   # noqa: E731 -- made only for an error
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise BriefingError(f"{where()}: more than {MAX_ALIASES} YAML aliases; refusing to expand")
            node = super().compose_node(parent, index)
            if id(node) not in self.sizes:
                raise BriefingError(f"{where()}: YAML alias inside the value it names; refusing a recursive document")
            self._count(self.sizes[id(node)], where)
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BriefingError(f"{where()}: YAML nested more than {MAX_DEPTH} levels deep")
        self._count(1, where)
        node = super().compose_node(parent, index)
        self.depth -= 1
        if isinstance(node, yaml.ScalarNode):
            self.sizes[id(node)] = 1
        else:
            sizes = self.sizes
            children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
            self.sizes[id(node)] = 1 + sum([sizes[id(c)] for c in children])
        return node

    def _count(self, n: int, where) -> None:
        self.values += n
        if self.values > self.max_values:
            raise BriefingError(f"{where()}: YAML document holds more than {self.max_values:,} values "
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


class _Loader(_Checked, yaml.SafeLoader):
    """PyYAML's own parser: slow, and the one whose error messages the user sees."""

    def __init__(self, text: str, path: Path, max_values: int):
        yaml.SafeLoader.__init__(self, text)
        self._start(path, max_values)


try:
    from yaml.cyaml import CParser
except ImportError:   # PyYAML built without libyaml
    CParser = None

if CParser:
    class _FastLoader(_Checked, yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor,
                      yaml.resolver.Resolver):
        """libyaml's parser (C) under the same Python composer, checks and constructors: a 10,000-source
        sources.yaml reads in a fraction of the time. Any error is reported by re-reading with _Loader."""

        def __init__(self, text: str, path: Path, max_values: int):
            CParser.__init__(self, text)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start(path, max_values)

for _cls in (_Loader, _FastLoader) if CParser else (_Loader,):
    _cls.add_constructor("tag:yaml.org,2002:map", _cls.construct_yaml_map)
    _cls.add_constructor("tag:yaml.org,2002:seq", _cls.construct_yaml_seq)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _cls.construct_yaml_timestamp)


def load(path: Path, *, what: str = "file", max_bytes: int = MAX_BYTES, max_values: int = MAX_VALUES,
         cache: Path | None = None):
    """Read one YAML document from path, refusing unsafe tags, bombs and huge files.

    With a cache file, a document read before (the same bytes and limits) is not parsed again.
    """
    path = Path(path)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):   # a named pipe or device would block or never end
            raise BriefingError(f"{path}: not a regular file")
        if st.st_size > max_bytes:
            raise BriefingError(f"{path}: {what} is {st.st_size:,} bytes; the limit is {max_bytes:,}")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise BriefingError(f"{path}: {what} is more than {max_bytes:,} bytes, the limit")
    except FileNotFoundError:
        raise BriefingError(f"{path}: no such {what}") from None
    except IsADirectoryError:
        raise BriefingError(f"{path}: {what} is a directory") from None
    except OSError as e:
        raise BriefingError(f"{path}: cannot read {what}: {e.strerror}") from None
    except ValueError:   # a NUL byte in the name
        raise BriefingError(f"{str(path)!r}: not a usable file name") from None
    if cache is None:
        return _parse(data, path, what, max_values)
    digest = hashlib.sha256(b"%s\0%d\0%s\0" % (str(path).encode(), max_values, PARSED) + data).hexdigest()
    try:
        with open(unlinked(cache), "rb") as f:   # the cache's own file, never one a symlink leads to
            if f.read(64).decode("ascii", "replace") == digest:
                return unpickle(f.read())
    except Exception:   # only a cache: whatever is wrong with it, the file is parsed again
        pass
    value = _parse(data, path, what, max_values)
    try:
        write_atomic(cache, digest.encode("ascii") + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, BriefingError):
        pass
    return value


PARSED = b"1"   # bump when Mapping or Sequence change, so cached parses are made again


def _parse(data: bytes, path: Path, what: str, max_values: int):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise BriefingError(f"{at(path, line)}: {what} is not UTF-8 (byte 0x{data[e.start]:02x})") from None
    if CParser:
        loader = _FastLoader(text, path, max_values)
        try:
            return loader.get_single_data()
        except (yaml.YAMLError, RecursionError):
            pass   # read it again below, for PyYAML's messages
        finally:
            loader.dispose()
    loader = None
    try:
        loader = _Loader(text, path, max_values)   # the reader refuses control characters here
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
