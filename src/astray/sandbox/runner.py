"""Run untrusted code in the sandbox and report what happened: exit code, which limit stopped it,
and its (capped) output. Where namespaces are unavailable, refuse unless `unsafe_local=True`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from astray.errors import MissingDependencyError
from astray.files import read_user_text
from astray.sandbox.bwrap import SANDBOX_WORKDIR, bwrap_command, isolation_problem
from astray.sandbox.identity import drop_privileges, processes_of, sandbox_uid
from astray.sandbox.limits import Limits, apply_rlimits
from astray.sandbox.storage import WorkArea, bytes_used, close_work_area, open_work_area

_SIGNAL_LIMITS = {signal.SIGXCPU: "cpu_time", signal.SIGXFSZ: "file_size"}
_STDERR_LIMITS = (
    ("MemoryError", "memory"),
    ("Cannot allocate memory", "memory"),
    ("Resource temporarily unavailable", "processes"),
    ("Too many open files", "open_files"),
    ("File too large", "file_size"),
    ("No space left on device", "storage"),
)
_STORAGE_POLL_SECONDS = 0.02


@dataclass
class SandboxResult:
    """What a sandboxed run did.

    Attributes:
        exit_code: The program's exit status (128 + N when killed by signal N); None if astray killed it.
        stopped_by: The limit that ended or broke the run: wall_timeout, cpu_time, memory, processes,
            file_size, open_files, output_limit, storage, signal — or None.
        stdout / stderr: Output, cut at the output cap.
        truncated: Whether output was cut.
        wall_seconds: How long it ran.
        isolation: "bubblewrap", or "none" for an explicit --unsafe-local run.
        files: Files the program left in its work dir (name -> text), when asked for.
    """

    exit_code: int | None
    stopped_by: str | None
    stdout: str
    stderr: str
    truncated: bool
    wall_seconds: float
    isolation: str
    files: dict[str, str]

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def run_in_sandbox(
    argv: list[str],
    files: dict[str, str] | None = None,
    limits: Limits = Limits(),
    unsafe_local: bool = False,
    collect: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    read_only: dict[str, Path] | None = None,
) -> SandboxResult:
    """Run `argv` with `files` written into a fresh private work dir (its cwd).

    Args:
        argv: The command, as seen inside the sandbox (e.g. ["python3", "main.py"]).
        files: Relative path -> text, written into the work dir first.
        limits: Resource limits.
        unsafe_local: Run without namespaces (rlimits only) where bubblewrap is unavailable.
        collect: Relative paths to read back from the work dir afterwards.
        env: Extra environment variables.
        read_only: Extra host directories mounted read-only (sandbox path -> host path).

    Raises:
        MissingDependencyError: No isolation is available and `unsafe_local` is False.
    """
    area = open_work_area(limits.storage_mb)
    try:
        for relative, text in (files or {}).items():
            target = area.work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        result = run_in_workdir(area, argv, limits, unsafe_local, env=env, read_only=read_only)
        result.files = {name: _read_back(area.work / name) for name in collect if (area.work / name).is_file()}
        return result
    finally:
        close_work_area(area)


def run_in_workdir(
    area: WorkArea,
    argv: list[str],
    limits: Limits = Limits(),
    unsafe_local: bool = False,
    stdin: bytes | None = None,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    read_only: dict[str, Path] | None = None,
) -> SandboxResult:
    """Run `argv` in the sandbox over an existing work area (kept afterwards).

    Args:
        area: The run's work area: its `work` directory is mounted read-write at /work, its scratch
            directories at /tmp and /dev/shm, all inside its storage quota.
        argv: The command as seen inside the sandbox.
        limits: Resource limits.
        unsafe_local: Run without namespaces (rlimits only).
        stdin: Bytes to feed on standard input.
        cwd: Working directory inside the sandbox, relative to /work.
        env: Extra environment variables.
        read_only: Extra host directories mounted read-only (sandbox path -> host path).
    """
    problem = None if unsafe_local else isolation_problem()
    if problem:
        raise MissingDependencyError(f"refusing to run model-written code without isolation: {problem}; "
                                     "pass --unsafe-local to run it with resource limits only, at your own risk")
    hand_to_sandbox_user(area.root)
    if unsafe_local:
        command, host_cwd = [_local_argv0(argv[0]), *argv[1:]], str(area.work / (cwd or ""))
    else:
        command = bwrap_command(area.work, argv, cwd=cwd, env=env, read_only=read_only,
                                scratch=area.scratch if area.exact else None, scratch_mb=area.quota_mb // 4)
        host_cwd = None
    watched = None if area.exact else area
    return _supervise(command, host_cwd, limits, "none" if unsafe_local else "bubblewrap", stdin,
                      env if unsafe_local else None, watched)


def run_python_file(path: Path, limits: Limits = Limits(), unsafe_local: bool = False) -> SandboxResult:
    """Run one Python file in the sandbox (as /work/main.py, with the system Python)."""
    return run_in_sandbox([sandbox_python(), "main.py"], {"main.py": read_user_text(path)}, limits, unsafe_local)


def sandbox_python() -> str:
    """An interpreter visible inside the sandbox (only /usr is bound)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(candidate).exists():
            return candidate
    raise MissingDependencyError("no system Python under /usr for the sandbox; install python3 with your package manager")


def _supervise(
    command: list[str], cwd: str | None, limits: Limits, isolation: str, stdin: bytes | None = None,
    local_env: dict[str, str] | None = None, watched: WorkArea | None = None,
) -> SandboxResult:
    extra = processes_of(sandbox_uid()) if os.geteuid() != 0 else 0

    def in_child() -> None:
        drop_privileges()
        apply_rlimits(limits, extra_processes=extra)

    started = time.monotonic()
    scrubbed = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(local_env or {})} if isolation == "none" else {}
    process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                               preexec_fn=in_child, env=scrubbed)
    if stdin:
        threading.Thread(target=_feed, args=(process, stdin), daemon=True).start()
    buffers: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
    overflow = threading.Event()
    readers = [threading.Thread(target=_drain, args=(stream, buffers[name], buffers, limits.output_bytes, overflow), daemon=True)
               for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))]
    for reader in readers:
        reader.start()
    stopped_by = None
    next_storage_check = started
    while process.poll() is None:
        now = time.monotonic()
        if overflow.is_set():
            stopped_by = "output_limit"
        elif now - started > limits.wall_seconds:
            stopped_by = "wall_timeout"
        elif watched is not None and now >= next_storage_check:
            next_storage_check = now + _STORAGE_POLL_SECONDS
            stopped_by = "storage" if bytes_used(watched.work) > watched.quota_bytes // 2 else None
        if stopped_by:
            _kill(process)
            break
        time.sleep(0.02)
    process.wait()
    for reader in readers:
        reader.join(timeout=5)
    exit_code = process.returncode
    if exit_code is not None and exit_code < 0:
        exit_code = 128 - exit_code
    stderr = buffers["stderr"].decode(errors="replace")
    killed_by_astray = stopped_by is not None
    if stopped_by is None:
        stopped_by = _classify(exit_code, stderr)
    return SandboxResult(
        exit_code=None if killed_by_astray else exit_code,
        stopped_by=stopped_by,
        stdout=buffers["stdout"].decode(errors="replace"),
        stderr=stderr,
        truncated=overflow.is_set(),
        wall_seconds=round(time.monotonic() - started, 3),
        isolation=isolation,
        files={},
    )


def _feed(process: subprocess.Popen, data: bytes) -> None:  # type: ignore[type-arg]
    try:
        assert process.stdin is not None
        process.stdin.write(data)
        process.stdin.close()
    except (BrokenPipeError, OSError):
        pass


def _drain(stream, buffer: bytearray, buffers: dict[str, bytearray], cap: int, overflow: threading.Event) -> None:  # type: ignore[no-untyped-def]
    while chunk := stream.read1(65536):
        room = cap - sum(len(b) for b in buffers.values())
        if room > 0:
            buffer.extend(chunk[:room])
        if len(chunk) > room:
            overflow.set()


def _classify(exit_code: int | None, stderr: str) -> str | None:
    if exit_code is not None and exit_code > 128:
        return _SIGNAL_LIMITS.get(signal.Signals(exit_code - 128) if exit_code - 128 in signal.valid_signals() else None,
                                  "signal")
    if exit_code:
        for needle, limit in _STDERR_LIMITS:
            if needle in stderr:
                return limit
    return None


def _kill(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def hand_to_sandbox_user(root: Path) -> None:
    uid = sandbox_uid()
    if uid != os.geteuid():
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, uid, follow_symlinks=False)


def _local_argv0(program: str) -> str:
    return sys.executable if program.endswith("python3") and not Path(program).exists() else program


def _read_back(path: Path) -> str:
    with path.open("rb") as handle:
        return handle.read(1_000_000).decode(errors="replace")


__all__ = ["SANDBOX_WORKDIR", "SandboxResult", "run_in_sandbox", "run_in_workdir", "run_python_file"]
