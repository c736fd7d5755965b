"""A progress bar for long imports, drawn on the terminal's standard error.

It redraws at most five times a second: the step, a bar by bytes read, the rows
read, rows per second and the number of rejected rows. Off a terminal (cron,
CI, tests) it writes nothing, so logs stay readable.
"""

import sys
import time
from typing import TextIO

WIDTH = 24
INTERVAL = 0.2


class Progress:
    """Draws ``[step] [#####.....] 45%  123,456 rows  23,456 rows/s  3 rejected``."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._step = ""
        self._started = 0.0
        self._last_draw = 0.0
        self._drawn = False

    def start(self, step: str) -> None:
        self._step = step
        self._started = time.monotonic()
        self._last_draw = 0.0

    def update(self, *, done: int, total: int, rows: int, rejected: int, force=False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < INTERVAL:
            return
        self._last_draw = now
        fraction = min(done / total, 1.0) if total else 0.0
        filled = int(fraction * WIDTH)
        rate = rows / max(now - self._started, 1e-6)
        text = (
            f"\r{self._step:<22} [{'#' * filled}{'.' * (WIDTH - filled)}] {fraction:4.0%} "
            f"{rows:>11,} rows {rate:>9,.0f} rows/s"
        )
        if rejected:
            text += f" {rejected:,} rejected"
        self.stream.write(text + "\033[K")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
