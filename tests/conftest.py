"""Shared fixtures. Real-model fixtures are session-scoped: loading SmolLM2 once costs ~1 s.

`make test` runs the suite on two pytest-xdist workers, one test file each at a time:
- each worker gets its share of the cores for torch (OMP_NUM_THREADS, inherited by the processes tests
  start): two workers each spinning two OpenMP threads on two cores cost more CPU than they save;
- the longest files start first, so the two workers finish together instead of one waiting on the other;
- tests marked `exclusive` (the hostile sandbox probes: a fork bomb fills the sandbox user's process table,
  so any other sandboxed run at that moment would fail) run with nothing else running: every test holds a
  shared lock on one file while it runs, an exclusive test holds it alone.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

if os.environ.get("PYTEST_XDIST_WORKER_COUNT"):  # before torch is imported
    _share = max(1, (os.cpu_count() or 1) // int(os.environ["PYTEST_XDIST_WORKER_COUNT"]))
    os.environ.setdefault("OMP_NUM_THREADS", str(_share))
    os.environ.setdefault("MKL_NUM_THREADS", str(_share))

# Scheduling only (a file not listed runs after these, in collection order): the files that take minutes.
LONGEST_FIRST = (
    "tests/runs/test_resume_after_kill.py",
    "tests/judges/test_offline_judge_held_out.py",
    "tests/organisms/test_train_across_processes.py",
    "tests/organisms/test_train.py",
    "tests/runs/test_runner.py",
    "tests/monitors/test_monitors.py",
    "tests/persona/test_persona_end_to_end.py",
    "tests/evals/test_behaviour_families_embedded.py",
    "tests/experiments/test_hacking_generalization.py",
    "tests/models/test_generation.py",
    "tests/serve/test_serve.py",
)

_LOCKS = Path(tempfile.gettempdir()) / f"astray-tests-{os.environ.get('PYTEST_XDIST_TESTRUNUID', str(os.getpid()))}"


@contextmanager
def machine_to_myself(alone: bool) -> Iterator[None]:
    """Hold the run-wide lock: alone (no other test runs) or shared. A turnstile keeps a waiting exclusive
    holder from being starved by shared holders that keep arriving."""
    _LOCKS.mkdir(exist_ok=True)
    with open(_LOCKS / "turnstile", "a") as turnstile, open(_LOCKS / "room", "a") as room:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(room, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(room, fcntl.LOCK_UN)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    root = Path(str(config.rootpath))

    def place(item: pytest.Item) -> int:
        return rank.get(Path(str(item.path)).relative_to(root).as_posix(), len(rank))

    items.sort(key=place)  # stable: the order inside a file and among the rest is kept


@pytest.fixture(autouse=True)
def _share_the_machine(request: pytest.FixtureRequest) -> Iterator[None]:
    with machine_to_myself(alone=request.node.get_closest_marker("exclusive") is not None):
        yield


@pytest.fixture(scope="session")
def embedded_model():
    """The real embedded model (prepared on first use, then cached)."""
    from astray.models.local import load_local_model

    return load_local_model("embedded")
