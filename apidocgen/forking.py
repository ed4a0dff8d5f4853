"""Whether this process may fork a worker: the speed-ups that use a second process ask here.

A forked child has only the thread that forked; a lock another thread held (in logging, in
an allocator, in a C extension) stays held in the child for ever. So a process forks only
on Linux (where fork is the usual start method), with a second CPU to gain from, and while
it has no other thread: `mkdocs serve` runs its server and watcher in threads, and then
nothing forks.
"""

from __future__ import annotations

import os
import sys
import threading


def can_fork() -> bool:
    """A second CPU, Linux, fork available, and no other thread in this process."""
    if sys.platform != "linux" or (os.cpu_count() or 1) < 2 or threading.active_count() != 1:
        return False
    import multiprocessing  # only runs that may fork pay for the import

    return "fork" in multiprocessing.get_all_start_methods()
