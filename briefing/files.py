"""Write outputs atomically: a killed build never leaves a partial or missing file."""

from __future__ import annotations

import errno
import glob
import io
import os
import pickle
import stat
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from .errors import BriefingError

try:
    import fcntl
except ImportError:   # not POSIX: runs are not locked against each other
    fcntl = None

STALE = 600   # seconds: a .part file this old beside an output was left by a killed write


def real(path) -> Path:
    """Return path with every symlink and .. resolved; a symlink loop is left as it is (opening it then
    fails with a clean OSError), never raised as Path.resolve() does."""
    return Path(os.path.realpath(path))


def inside(root, path) -> Path:
    """Return path, refusing one that a symlink leads out of the project folder root: a project from
    another hand must not make briefing read or write anything outside it."""
    path = Path(path)
    if os.path.lexists(path) and not real(path).is_relative_to(real(root)):
        raise BriefingError(f"{path}: leads outside the project (to {real(path)}); refusing it")
    return path


def unlinked(path) -> Path:
    """Return path after removing it if it is a symlink. For the caches in out/.cache, which are
    briefing's own: one that a symlink leads elsewhere (another project's index, any file) is replaced
    by a fresh one, never read or written through."""
    if os.path.islink(path):
        with suppress(OSError):
            os.unlink(path)
    return Path(path)


@contextmanager
def locked(path: Path):
    """Hold an exclusive lock on the file path while the block runs: runs started at once (two
    terminals, build --all, a script) take turns creating or updating a cache, never unlink or
    rewrite it under each other."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(unlinked(path), "a") as f:
        if fcntl:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)   # released when the file is closed, or the process ends
        yield


# What the caches hold; nothing else may be built when one is read back.
CACHED = {("briefing.yamlio", "Mapping"), ("briefing.yamlio", "Sequence"), ("briefing.claims", "Claim"),
          ("briefing.corpus", "Passage"), ("pathlib", "PosixPath"), ("pathlib", "WindowsPath")}


class _CacheUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in CACHED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of briefing's cache")


def unpickle(data: bytes):
    """Read back what a cache pickled, building only briefing's own data: out/.cache may come with a
    project from another hand, and an ordinary pickle there would run any code it names."""
    return _CacheUnpickler(io.BytesIO(data)).load()


def not_a_file(path) -> str | None:
    """Return why path cannot be read as a file ("file not found", "a symlink loop", "not a regular
    file"), or None when it can."""
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return {errno.ENOENT: "file not found", errno.ELOOP: "a symlink loop"}.get(e.errno, e.strerror or str(e))
    except ValueError:   # a NUL byte
        return "not a usable file name"
    return None if stat.S_ISREG(mode) else "not a regular file"


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then rename it over path."""
    path = Path(path)
    blocker = next((d for d in path.parents if d.exists()), None)
    if blocker and not blocker.is_dir():
        raise BriefingError(f"cannot write {path}: {blocker} is a file, not a folder")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as e:
        raise BriefingError(f"cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _mode(path))
        os.replace(tmp, path)
    except OSError as e:
        with suppress(OSError):
            os.unlink(tmp)
        raise BriefingError(f"cannot write {path}: {e.strerror or e}") from None
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    remove_stale(path)


def _mode(path: Path) -> int:
    """Return the permission bits for a new version of path: the old file's (a 0600 brief stays private),
    else what the umask leaves of rw-rw-rw-, as for any file a program creates."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:   # read, not set: setting it, even for a moment, would race other threads creating files
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1], 8) for line in f if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def read_regular(path: Path, what: str = "file") -> bytes:
    """Return the bytes of a regular file, refusing a named pipe, a device or a folder before reading:
    opened without blocking, so a pipe with no writer cannot hang the command."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise BriefingError(f"cannot read {what} {path}: {e.strerror or e}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise BriefingError(f"cannot read {what} {path}: not a regular file")
        try:
            return f.read()
        except OSError as e:
            raise BriefingError(f"cannot read {what} {path}: {e.strerror or e}") from None


def remove_stale(path: Path) -> None:
    """Remove the temporary files that writes of path killed midway left beside it."""
    # Only old ones: a younger file may belong to another build writing the same path now.
    cutoff = time.time() - STALE
    for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        with suppress(OSError):
            if part.stat().st_mtime < cutoff:
                part.unlink()
