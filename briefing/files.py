"""Write outputs atomically: a killed build never leaves a partial or missing file."""

from __future__ import annotations

import glob
import os
import tempfile
import time
from contextlib import suppress
from pathlib import Path

from .errors import BriefingError

STALE = 600   # seconds: a .part file this old beside an output was left by a killed write


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
        os.chmod(tmp, 0o644)
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


def remove_stale(path: Path) -> None:
    """Remove the temporary files that writes of path killed midway left beside it."""
    # Only old ones: a younger file may belong to another build writing the same path now.
    cutoff = time.time() - STALE
    for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        with suppress(OSError):
            if part.stat().st_mtime < cutoff:
                part.unlink()
