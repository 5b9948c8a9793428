"""The hostile suite: every probe is contained by the real sandbox, the host is unchanged, and a
deliberately unsandboxed run is caught escaping (so a weakened sandbox would fail here)."""

import os
import shutil

import pytest

from astray.errors import MissingDependencyError
from astray.sandbox import bwrap as bwrap_module
from astray.sandbox.limits import Limits
from astray.sandbox.probes import PROBES, SAFE_TO_RUN_UNSANDBOXED, run_probes
from astray.sandbox.runner import run_in_sandbox, sandbox_python
from tests.conftest import machine_to_myself

pytestmark = pytest.mark.exclusive  # a fork bomb here would starve any sandbox another worker runs meanwhile

needs_bwrap = pytest.mark.skipif(
    shutil.which("bwrap") is None and not os.environ.get("CI"),
    reason="bubblewrap not installed (make system-deps installs it; required in CI)",
)


@pytest.fixture(scope="module")
def outcomes():
    with machine_to_myself(alone=True):
        return {o.name: o for o in run_probes()}


@needs_bwrap
@pytest.mark.parametrize("name", PROBES.names())
def test_probe_is_contained(outcomes, name):
    outcome = outcomes[name]
    assert outcome.contained, f"{name}: {outcome.detail}\n{outcome.result.stderr[-500:]}"
    assert outcome.result.isolation == "bubblewrap"


@needs_bwrap
def test_limits_are_named_in_the_result(outcomes):
    assert outcomes["memory_bomb"].result.stopped_by == "memory"
    assert outcomes["infinite_loop"].result.stopped_by == "cpu_time"
    assert outcomes["stdout_flood_1gb"].result.truncated
    assert outcomes["kill_parent"].result.stdout.strip().endswith("still here")


@needs_bwrap
def test_work_dir_is_private_writable_and_collected():
    result = run_in_sandbox([sandbox_python(), "-c", "open('out.txt','w').write('42'); import os; print(os.getcwd())"],
                            files={"in.txt": "x"}, collect=("out.txt", "in.txt"))
    assert result.exit_code == 0 and result.stdout.strip() == "/work"
    assert result.files == {"out.txt": "42", "in.txt": "x"}


def test_unsandboxed_run_is_detected_as_unsafe():
    escaped = {o.name for o in run_probes(unsafe_local=True, only=list(SAFE_TO_RUN_UNSANDBOXED)) if not o.contained}
    assert {"write_outside_workdir", "socket_to_localhost"} <= escaped


def test_without_isolation_astray_refuses_unless_told(monkeypatch):
    monkeypatch.setattr(bwrap_module, "bwrap_path", lambda: None)
    bwrap_module.isolation_problem.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match="--unsafe-local"):
            run_in_sandbox(["python3", "-c", "print(1)"])
        result = run_in_sandbox([sandbox_python(), "-c", "print(1)"], unsafe_local=True, limits=Limits(wall_seconds=10))
        assert result.isolation == "none" and result.stdout.strip() == "1"
    finally:
        bwrap_module.isolation_problem.cache_clear()


@needs_bwrap
def test_cli_reports_exit_code_limit_and_output(tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    astray = str(Path(sys.executable).parent / "astray")
    bomb = tmp_path / "bomb.py"
    bomb.write_text("x = bytearray(4 * 1024 ** 3)\n")
    result = subprocess.run([astray, "sandbox", "run", str(bomb), "--json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["stopped_by"] == "memory" and report["exit_code"] == 1 and report["isolation"] == "bubblewrap"
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(60)\n")
    result = subprocess.run([astray, "sandbox", "run", str(slow), "--timeout", "1"], capture_output=True, text=True, timeout=60)
    assert "stopped_by=wall_timeout" in result.stderr


@needs_bwrap
def test_without_root_the_storage_quota_is_polled_and_still_stops_the_run(monkeypatch):
    from astray.sandbox import storage

    monkeypatch.setattr(storage, "_mount_sized_tmpfs", lambda root, quota_mb: False)
    [outcome] = run_probes(only=["fill_storage_1_5gb"])
    assert outcome.contained, outcome.detail
    assert "polled" in outcome.detail and outcome.result.stopped_by == "storage"
