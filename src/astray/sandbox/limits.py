"""Resource limits for sandboxed code, applied as rlimits in the child before it execs."""

from __future__ import annotations

import resource
from dataclasses import dataclass, fields

from astray.errors import AstrayError


@dataclass(frozen=True)
class Limits:
    """What sandboxed code may use.

    Attributes:
        wall_seconds: Wall-clock time before the whole sandbox is killed.
        cpu_seconds: CPU time (RLIMIT_CPU; SIGXCPU then SIGKILL).
        memory_mb: Address space per process (RLIMIT_AS).
        processes: Processes for the sandbox user (RLIMIT_NPROC; enforced because the sandbox never runs as root).
        file_size_mb: Largest file it may write (RLIMIT_FSIZE).
        open_files: Open file descriptors (RLIMIT_NOFILE).
        output_bytes: stdout + stderr kept; more kills the run.
        storage_mb: Total bytes the run may write across /work, /tmp and /dev/shm (see `storage`).
    """

    wall_seconds: float = 20.0
    cpu_seconds: int = 10
    memory_mb: int = 1024
    processes: int = 64
    file_size_mb: int = 16
    open_files: int = 64
    output_bytes: int = 1_000_000
    storage_mb: int = 256

    def __post_init__(self) -> None:
        for limit in fields(self):
            value = getattr(self, limit.name)
            if not value > 0:  # a zero rlimit would kill the interpreter before the code runs
                raise AstrayError(f"sandbox limit {limit.name} must be above 0, got {value}")


def apply_rlimits(limits: Limits, extra_processes: int = 0) -> None:
    """Set the rlimits in the current process (called in the child between fork and exec)."""
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes + extra_processes, limits.processes + extra_processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mb, limits.file_size_mb * mb))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
