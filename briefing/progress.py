"""Progress of a long step on stderr: shown once the step has taken 2 s, and only on a terminal."""

from __future__ import annotations

import sys
import time

AFTER = 2.0      # seconds before a step shows its progress
EVERY = 0.25     # seconds between updates


class Progress:
    """Count the items of a step; on a terminal, past AFTER seconds, show 'what: i/total' in place."""

    def __init__(self, what: str, total: int, *, stream=None):
        self.what, self.total, self.done = what, total, 0
        self.stream = stream or sys.stderr
        self.started = self.shown = time.monotonic()
        self.live = self.total > 0 and self.stream.isatty()
        self.printed = False

    def step(self, n: int = 1) -> None:
        """Count n more items done."""
        self.done += n
        if self.live:
            now = time.monotonic()
            if now - self.started >= AFTER and now - self.shown >= EVERY:
                self.shown, self.printed = now, True
                self.stream.write(f"\r{self.what}: {self.done:,}/{self.total:,}")
                self.stream.flush()

    def close(self) -> None:
        """End the line the progress was shown on, if it was shown."""
        if self.printed:
            self.stream.write(f"\r{self.what}: {self.done:,}/{self.total:,}, done in "
                              f"{time.monotonic() - self.started:.1f} s\n")
            self.stream.flush()
            self.printed = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
