"""Progress of a long step on stderr: shown once the step has taken 2 s, and only on a terminal."""

from __future__ import annotations

import sys
import threading
import time

AFTER = 2.0      # seconds before a step shows its progress
EVERY = 0.25     # seconds between updates
_last = [0.0]    # when a counted step last wrote: a step inside another shows its count, not both
_silent = [False]


def silence() -> None:
    """Show no progress in this process (one of several builds sharing a terminal)."""
    _silent[0] = True


class Progress:
    """Count the items of a step; on a terminal, past AFTER seconds, show 'what: i/total' in place."""

    def __init__(self, what: str, total: int, *, stream=None):
        self.what, self.total, self.done = what, total, 0
        self.stream = stream or sys.stderr
        self.started = self.shown = time.monotonic()
        self.live = self.total > 0 and not _silent[0] and self.stream.isatty()
        self.printed = False

    def step(self, n: int = 1) -> None:
        """Count n more items done."""
        self.done += n
        if self.live:
            now = time.monotonic()
            if now - self.started >= AFTER and now - self.shown >= EVERY:
                self.shown, self.printed, _last[0] = now, True, now
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


class Elapsed:
    """A step whose size is not known (WeasyPrint laying out): on a terminal, past AFTER seconds,
    show 'what: N s' in place until it ends; elsewhere nothing, and no thread."""

    def __init__(self, what: str, *, stream=None):
        self.what, self.stream = what, stream or sys.stderr
        self.stop, self.thread, self.printed = threading.Event(), None, False

    def _tick(self) -> None:
        started = time.monotonic()
        while not self.stop.wait(EVERY):
            now = time.monotonic()
            if now - started >= AFTER and now - _last[0] >= 1.0:
                self.printed = True
                self.stream.write(f"\r{self.what}: {now - started:.0f} s")
                self.stream.flush()
        if self.printed:
            self.stream.write(f"\r{self.what}: done in {time.monotonic() - started:.1f} s\n")
            self.stream.flush()

    def __enter__(self):
        if not _silent[0] and self.stream.isatty():
            self.thread = threading.Thread(target=self._tick, name=f"progress: {self.what}", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.thread:
            self.stop.set()
            self.thread.join()
