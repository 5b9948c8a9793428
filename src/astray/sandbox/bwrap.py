"""The bubblewrap command line: new user, PID, network, IPC, UTS and cgroup namespaces; the system
read-only; a private writable work dir; a scrubbed environment; no capabilities."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

SANDBOX_WORKDIR = "/work"
SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"
INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)"


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def bwrap_command(
    work_dir: Path,
    argv: list[str],
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    read_only: dict[str, Path] | None = None,
    scratch: dict[str, Path] | None = None,
    scratch_mb: int | None = None,
) -> list[str]:
    """The full command that runs `argv` inside a fresh sandbox with `work_dir` at /work.

    Args:
        work_dir: Host directory mounted read-write at /work.
        argv: The command as seen inside the sandbox.
        cwd: Working directory inside the sandbox, relative to /work (or absolute under it).
        env: Extra environment variables (the host environment is never passed).
        read_only: Extra host directories to mount read-only (sandbox path -> host path).
        scratch: Host directories bound writable at /tmp and /dev/shm (inside the work area's quota);
            without them, /tmp and /dev/shm are fresh tmpfs mounts of `scratch_mb` megabytes each.
        scratch_mb: Size of those tmpfs mounts when `scratch` is not given.
    """
    inner_cwd = SANDBOX_WORKDIR if not cwd else str(Path(SANDBOX_WORKDIR) / cwd)
    bwrap = bwrap_path()
    assert bwrap is not None
    command = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--ro-bind", "/usr", "/usr"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        host = Path("/") / top
        if host.is_symlink():
            command += ["--symlink", os.readlink(host), f"/{top}"]
        elif host.is_dir():
            command += ["--ro-bind", str(host), f"/{top}"]
    for etc_file in ("/etc/ld.so.cache", "/etc/localtime"):
        if Path(etc_file).exists():
            command += ["--ro-bind", etc_file, etc_file]
    command += [
        "--proc", "/proc", "--dev", "/dev", *_scratch_mounts(scratch, scratch_mb),
        "--bind", str(work_dir), SANDBOX_WORKDIR, "--chdir", inner_cwd,
        "--clearenv", "--setenv", "PATH", SANDBOX_PATH, "--setenv", "HOME", SANDBOX_WORKDIR,
        "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
    ]
    for inside, host in (read_only or {}).items():
        command += ["--ro-bind", str(host), inside]
    for name, value in (env or {}).items():
        command += ["--setenv", name, value]
    return [*command, "--", *argv]


def _scratch_mounts(scratch: dict[str, Path] | None, scratch_mb: int | None) -> list[str]:
    if scratch:
        return [arg for inside, host in scratch.items() for arg in ("--bind", str(host), inside)]
    size = ["--size", str(scratch_mb * 1024 * 1024)] if scratch_mb else []
    return [arg for inside in ("/tmp", "/dev/shm") for arg in (*size, "--tmpfs", inside)]


@cache
def isolation_problem() -> str | None:
    """Why namespaces cannot be used here (None when bubblewrap works)."""
    if bwrap_path() is None:
        return f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}"
    probe = Path("/tmp") if os.access("/tmp", os.W_OK) else Path.cwd()
    from astray.sandbox.identity import drop_privileges

    try:
        result = subprocess.run(bwrap_command(probe, ["/bin/true"]), capture_output=True, text=True, timeout=20,
                                preexec_fn=drop_privileges)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap failed to start: {err}"
    if result.returncode != 0:
        return f"bubblewrap cannot create namespaces here ({result.stderr.strip() or result.returncode})"
    return None
