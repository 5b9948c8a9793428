"""Hostile programs that try to escape or exhaust the sandbox, each with a check on the *host* that
it was contained. Used by `astray sandbox check` and the test suite; a weakened sandbox fails here."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from astray.registry import Registry
from astray.sandbox.limits import Limits
from astray.sandbox.runner import SandboxResult, run_in_sandbox, run_in_workdir, sandbox_python
from astray.sandbox.storage import bytes_used, close_work_area, open_work_area

PROBE_LIMITS = Limits(wall_seconds=15, cpu_seconds=5, memory_mb=512, processes=32, output_bytes=200_000, storage_mb=64)
_FILL_CODE = '''
block = b"x" * (4 << 20)
total = 0
for place in ("/work", "/tmp", "/dev/shm", "/work/deeper"):
    try:
        import os
        os.makedirs(place, exist_ok=True)
        for i in range(128):
            with open(f"{place}/fill{i}", "wb") as handle:
                handle.write(block)
            total += len(block)
            print(total, flush=True)
    except OSError as error:
        print(place, error, flush=True)
'''


@dataclass
class ProbeOutcome:
    name: str
    contained: bool
    detail: str
    result: SandboxResult


@dataclass
class Host:
    """Host-side bait: a world-writable directory, a secret env var and a listening socket."""

    directory: Path
    secret: str
    port: int
    connections: list[bytes]
    marker: str


def run_probes(unsafe_local: bool = False, only: list[str] | None = None) -> list[ProbeOutcome]:
    """Run each probe and check the host afterwards. `only` picks probes by name (an unknown one is an error)."""
    for name in only or ():
        PROBES.get(name)
    with tempfile.TemporaryDirectory(prefix="astray-host-") as directory:
        os.chmod(directory, 0o777)
        host = Host(Path(directory), f"secret-{uuid.uuid4().hex}", 0, [], f"astray-marker-{uuid.uuid4().hex[:8]}")
        listener = _listen(host)
        os.environ["ASTRAY_PROBE_SECRET"] = host.secret
        try:
            return [probe.run(host, unsafe_local) for probe in PROBES if only is None or probe.name in only]
        finally:
            os.environ.pop("ASTRAY_PROBE_SECRET", None)
            listener.close()


def _run(code: str, unsafe_local: bool) -> SandboxResult:
    return run_in_sandbox([sandbox_python(), "-c", code], limits=PROBE_LIMITS, unsafe_local=unsafe_local)


def fork_bomb(host: Host, unsafe_local: bool) -> ProbeOutcome:
    result = _run("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass", unsafe_local)
    ok = result.stopped_by in ("processes", "cpu_time", "wall_timeout")
    return ProbeOutcome("fork_bomb", ok, f"stopped by {result.stopped_by}", result)


def memory_bomb(host: Host, unsafe_local: bool) -> ProbeOutcome:
    result = _run("chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 1024 * 1024))", unsafe_local)
    return ProbeOutcome("memory_bomb", result.stopped_by == "memory", f"stopped by {result.stopped_by}", result)


def infinite_loop(host: Host, unsafe_local: bool) -> ProbeOutcome:
    result = _run("while True:\n    pass", unsafe_local)
    ok = result.stopped_by in ("cpu_time", "wall_timeout") and result.wall_seconds < PROBE_LIMITS.wall_seconds + 5
    return ProbeOutcome("infinite_loop", ok, f"stopped by {result.stopped_by} after {result.wall_seconds}s", result)


def stdout_flood(host: Host, unsafe_local: bool) -> ProbeOutcome:
    result = _run("import sys\nblock = 'x' * (1 << 20)\nfor _ in range(1024):\n    sys.stdout.write(block)", unsafe_local)
    ok = result.stopped_by == "output_limit" and len(result.stdout) <= PROBE_LIMITS.output_bytes
    return ProbeOutcome("stdout_flood_1gb", ok, f"kept {len(result.stdout)} bytes, stopped by {result.stopped_by}", result)


def write_outside(host: Host, unsafe_local: bool) -> ProbeOutcome:
    targets = [host.directory / "escaped.txt", Path.home() / f"{host.marker}.txt",
               Path.cwd() / f"{host.marker}.txt", Path("/tmp") / f"{host.marker}.txt"]
    code = "\n".join(f"try:\n    open({str(t)!r}, 'w').write('escaped')\nexcept OSError as e:\n    print('blocked', e)"
                     for t in targets)
    result = _run(code, unsafe_local)
    written = [str(t) for t in targets if t.exists()]
    for path in written:
        Path(path).unlink()
    return ProbeOutcome("write_outside_workdir", not written, f"host files written: {written or 'none'}", result)


def fill_storage(host: Host, unsafe_local: bool) -> ProbeOutcome:
    """Write 4 MB files to /work, /tmp and /dev/shm until refused (up to 1.5 GB, each file under
    RLIMIT_FSIZE): the total kept must stay within the storage quota."""
    area = open_work_area(PROBE_LIMITS.storage_mb)
    try:
        result = run_in_workdir(area, [sandbox_python(), "-c", _FILL_CODE], PROBE_LIMITS, unsafe_local)
        on_host = bytes_used(area.root)
    finally:
        close_work_area(area)
    written = max((int(line) for line in result.stdout.split() if line.isdigit()), default=0)
    allowed = area.quota_bytes if area.exact else 2 * area.quota_bytes  # polled: overshoot between polls
    ok = written <= allowed and on_host <= allowed
    how = "kernel tmpfs quota" if area.exact else "polled quota (not root)"
    return ProbeOutcome("fill_storage_1_5gb", ok, f"wrote {written >> 20} MB, {on_host >> 20} MB on the host; "
                        f"quota {area.quota_mb} MB ({how})", result)


def read_host_environment(host: Host, unsafe_local: bool) -> ProbeOutcome:
    code = ("import os\nprint(dict(os.environ))\n"
            "for pid in os.listdir('/proc'):\n    try:\n        print(open(f'/proc/{pid}/environ').read())\n"
            "    except Exception:\n        pass")
    result = _run(code, unsafe_local)
    leaked = host.secret in result.stdout
    return ProbeOutcome("read_host_environment", not leaked, "secret leaked" if leaked else "secret not visible", result)


def socket_to_localhost(host: Host, unsafe_local: bool) -> ProbeOutcome:
    code = (f"import socket\ns = socket.create_connection(('127.0.0.1', {host.port}), timeout=3)\n"
            "s.sendall(b'escaped')\ns.close()")
    result = _run(code, unsafe_local)
    reached = any(b"escaped" in c for c in host.connections)
    return ProbeOutcome("socket_to_localhost", not reached, "reached the host listener" if reached else "no connection", result)


def socket_to_outside(host: Host, unsafe_local: bool) -> ProbeOutcome:
    # TEST-NET-1 (documentation range, never routed). Only meaningful inside the sandbox, where the
    # empty network namespace refuses at once and no packet is sent.
    code = "import socket\ns = socket.socket()\ns.settimeout(3)\ns.connect(('192.0.2.1', 80))\nprint('connected')"
    result = _run(code, unsafe_local)
    ok = "connected" not in result.stdout and "unreachable" in result.stderr.lower()
    return ProbeOutcome("socket_to_outside", ok, result.stderr.strip().splitlines()[-1] if result.stderr else "", result)


def kill_parent(host: Host, unsafe_local: bool) -> ProbeOutcome:
    code = "import os, signal\nfor pid in (os.getppid(), 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError as e:\n        print(e)\nprint('still here')"
    result = _run(code, unsafe_local)
    return ProbeOutcome("kill_parent", True, "supervisor survived and reported", result)  # reaching here is the check


def background_process(host: Host, unsafe_local: bool) -> ProbeOutcome:
    code = f"import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'exec -a {host.marker} sleep 300'], start_new_session=True)"
    result = _run(code, unsafe_local)
    survivors = _processes_with(host.marker)
    for pid in survivors:
        os.kill(pid, 9)
    return ProbeOutcome("background_process", not survivors, f"left behind: {survivors or 'none'}", result)


@dataclass(frozen=True)
class Probe:
    """One hostile program and how the host is checked after it. `safe_unsandboxed`: harmless enough to run
    without the sandbox, as the negative control that must be caught escaping."""

    name: str
    description: str
    run: Callable[[Host, bool], ProbeOutcome]
    safe_unsandboxed: bool = False


PROBES: Registry[Probe] = Registry("probe", [
    Probe("fork_bomb", "spawn processes until refused", fork_bomb),
    Probe("memory_bomb", "allocate memory until refused", memory_bomb),
    Probe("infinite_loop", "spin the CPU forever", infinite_loop),
    Probe("stdout_flood_1gb", "write 1 GB to stdout", stdout_flood),
    Probe("write_outside_workdir", "write into a world-writable host directory", write_outside, safe_unsandboxed=True),
    Probe("fill_storage_1_5gb", "fill /work, /tmp and /dev/shm (up to 1.5 GB)", fill_storage),
    Probe("read_host_environment", "read a secret from the host's environment", read_host_environment,
          safe_unsandboxed=True),
    Probe("socket_to_localhost", "connect to a socket listening on the host", socket_to_localhost, safe_unsandboxed=True),
    Probe("socket_to_outside", "connect to an address off the machine", socket_to_outside),
    Probe("kill_parent", "kill the process that started it", kill_parent),
    Probe("background_process", "leave a process running after it exits", background_process),
])
SAFE_TO_RUN_UNSANDBOXED = tuple(probe.name for probe in PROBES if probe.safe_unsandboxed)


def _listen(host: Host) -> socket.socket:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    host.port = server.getsockname()[1]

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            connection.settimeout(2)
            try:
                host.connections.append(connection.recv(100))
            except OSError:
                pass
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    return server


def _processes_with(marker: str) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return [int(line.split(None, 1)[0]) for line in out.splitlines() if marker in line and "ps -eo" not in line]
