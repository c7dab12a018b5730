"""Write outputs atomically: a killed build never leaves a partial or missing file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BriefingError


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to a temporary file beside path, then rename it over path."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as e:
        raise BriefingError(f"cannot write {path}: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise BriefingError(f"cannot write {path}: {e.strerror}") from None
    except BaseException:
        os.unlink(tmp)
        raise
