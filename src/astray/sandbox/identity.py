"""Which host user sandboxed code runs as. Never root: for root the kernel ignores RLIMIT_NPROC, so
a fork bomb could exhaust the host's PIDs. When astray runs as root, the child drops to `nobody`."""

from __future__ import annotations

import os

NOBODY = 65534


def sandbox_uid() -> int:
    return NOBODY if os.geteuid() == 0 else os.geteuid()


def drop_privileges() -> None:
    """Become the sandbox user (in the child, before exec)."""
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def processes_of(uid: int) -> int:
    """How many processes `uid` already has (they count against RLIMIT_NPROC too)."""
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                continue
    return count
