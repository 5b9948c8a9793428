"""One writer per run directory. A second `astray scan` into a directory already being written would
append the same samples to its answers.jsonl and delete the first run's Inspect log as it starts; it
now fails at once instead. The lock is an OS file lock, so a killed run releases it and resumes."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from astray.errors import RunStateError

LOCK_FILE = ".astray.lock"


@contextmanager
def run_lock(directory: Path) -> Iterator[None]:
    """Hold `directory` for this process; a RunStateError naming the holder's pid if another has it."""
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / LOCK_FILE).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            handle.seek(0)
            holder = handle.read().strip()
            raise RunStateError(f"{directory} is being written by another astray process"
                                f"{f' (pid {holder})' if holder else ''}; wait for it to finish or choose another "
                                "--out") from err
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield  # closing the file releases the lock
