"""Where a sandboxed run may write, and how much in total.

`RLIMIT_FSIZE` caps each file, not the sum: code that writes many files could fill the host's
memory-backed /dev/shm or its disk. So every writable place the sandbox sees (/work, /tmp, /dev/shm)
is a directory inside one *work area*, and the area is capped:

- as root (CI, containers), the area is its own tmpfs mounted with `size=` — the kernel refuses
  the byte past the quota with ENOSPC, whichever of the three places it is written to (exact);
- otherwise /tmp and /dev/shm are tmpfs mounts of a quarter of the quota each inside bubblewrap,
  and the supervisor polls the size of /work every 20 ms and kills the run (`stopped_by="storage"`)
  once it passes half: the total can overshoot by what the code writes between two polls.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_STORAGE_MB = 256


@dataclass(frozen=True)
class WorkArea:
    """One run's (or one sample's) writable space on the host.

    Attributes:
        root: Host directory holding `work/`, `tmp/` and `shm/`.
        quota_mb: Total megabytes the sandbox may write across the three.
        exact: Whether the kernel enforces the quota (a sized tmpfs), or the supervisor polls it.
    """

    root: Path
    quota_mb: int
    exact: bool

    @property
    def work(self) -> Path:
        return self.root / "work"

    @property
    def scratch(self) -> dict[str, Path]:
        """Sandbox path -> host directory for the writable places besides /work."""
        return {"/tmp": self.root / "tmp", "/dev/shm": self.root / "shm"}

    @property
    def quota_bytes(self) -> int:
        return self.quota_mb * 1024 * 1024


def open_work_area(quota_mb: int = DEFAULT_STORAGE_MB) -> WorkArea:
    """A fresh private work area (on tmpfs where available), capped at `quota_mb` in total."""
    base = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None  # tmpfs: nothing reaches the disk
    root = Path(tempfile.mkdtemp(prefix="astray-sandbox-", dir=base))
    exact = os.geteuid() == 0 and _mount_sized_tmpfs(root, quota_mb)
    area = WorkArea(root, quota_mb, exact)
    for directory in (area.work, *area.scratch.values()):
        directory.mkdir()
    return area


def close_work_area(area: WorkArea) -> None:
    """Unmount (where mounted) and delete the area."""
    if area.exact:
        subprocess.run(["umount", "-l", str(area.root)], capture_output=True)
    shutil.rmtree(area.root, ignore_errors=True)


def bytes_used(path: Path) -> int:
    """Bytes held under `path` (allocated blocks, as a quota counts them)."""
    total = 0
    for directory, _, names in os.walk(path):
        for name in names:
            try:
                total += os.lstat(os.path.join(directory, name)).st_blocks * 512
            except OSError:
                continue
    return total


def _mount_sized_tmpfs(root: Path, quota_mb: int) -> bool:
    mount = shutil.which("mount")
    if mount is None:
        return False
    done = subprocess.run([mount, "-t", "tmpfs", "-o", f"size={quota_mb}m,mode=0755,nosuid,nodev", "tmpfs", str(root)],
                          capture_output=True)
    return done.returncode == 0
