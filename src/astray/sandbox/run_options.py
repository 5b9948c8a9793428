"""What `astray sandbox run` is asked: the single source of its flags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from astray.errors import DataFormatError
from astray.options import check_minimums, option, required


@dataclass(frozen=True)
class SandboxRunOptions:
    """One Python file run in the sandbox."""

    file: Path = required("A Python file to run (as /work/main.py).", argument=True)
    timeout: float = option(20.0, "Wall-clock limit in seconds.")
    storage_mb: int = option(256, "Total megabytes the code may write across /work, /tmp and /dev/shm.", minimum=1)
    json: bool = option(False, "Print the result as JSON.")
    unsafe_local: bool = option(False, "Run without namespaces (rlimits only) where bubblewrap is unavailable.")

    def __post_init__(self) -> None:
        check_minimums(self, DataFormatError)
        if not self.timeout > 0:
            raise DataFormatError(f"--timeout must be above 0, got {self.timeout}")
