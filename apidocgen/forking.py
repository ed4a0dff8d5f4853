"""Whether this process may fork a worker, and the forked copy the speed-ups that use a second
process run their work in.

A forked child has only the thread that forked; a lock another thread held (in logging, in
an allocator, in a C extension) stays held in the child for ever. So a process forks only
on Linux (where fork is the usual start method), with a second CPU to gain from, and while
it has no other thread: `mkdocs serve` runs its server and watcher in threads, and then
nothing forks.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

A = TypeVar("A")
T = TypeVar("T")

# A site with fewer pages than this: forking a copy costs more than it saves.
MIN_PAGES = 48


def can_fork() -> bool:
    """A second CPU, Linux, fork available, and no other thread in this process."""
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2 or threading.active_count() != 1:
        return False
    import multiprocessing  # only runs that may fork pay for the import

    return "fork" in multiprocessing.get_all_start_methods()


class ForkedCopy:
    """A forked copy of this process running `target(results, *args)`: what it puts on
    `results` (a queue, so its puts never wait for this process to read) arrives here. The
    arguments are not sent: they are in the copy's memory already."""

    def __init__(self, target: Callable[..., None], *args: Any) -> None:
        import multiprocessing  # only runs that fork pay for the import

        context = multiprocessing.get_context("fork")
        self.results = context.Queue()
        self._process = context.Process(target=target, args=(self.results, *args), daemon=True)
        self._process.start()

    def alive(self) -> bool:
        return self._process.is_alive()

    def close(self) -> None:
        """Stop the copy, whatever it is doing (its work is done, or the build failed)."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self.results.close()
        self.results.cancel_join_thread()


class _Noticed(logging.Handler):
    """Notices that something was logged (in a forked copy, where nothing is shown)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


class Quietly:
    """In a forked copy of a build: runs steps whose result counts only if they logged
    nothing, warned nothing and raised nothing (the build's process then does the step
    itself, and reports what it has to report where it is expected)."""

    def __init__(self) -> None:
        self._noticed = _Noticed()
        for name in ("", "mkdocs"):  # mkdocs' own logger does not pass records to the root
            logging.getLogger(name).handlers = [self._noticed]

    def run(self, step: Callable[[A], T], argument: A) -> T | None:
        """`step(argument)`, or None when it logged, warned or raised."""
        self._noticed.seen = False
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                found: T | None = step(argument)
            except Exception:
                found = None
        return None if self._noticed.seen or caught else found
