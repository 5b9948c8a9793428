"""pytest for code inside the sandbox. The sandbox sees only /usr, so astray copies pytest and its
pure-Python dependencies from its own environment into a world-readable directory (once per
version) and mounts it read-only at /opt/astray-pytest."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from astray.errors import MissingDependencyError

PYTEST_PACKAGES = ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "py")
MOUNT_POINT = "/opt/astray-pytest"


@cache
def pytest_site() -> Path:
    """A world-readable directory holding pytest and its dependencies."""
    sources = []
    for name in PYTEST_PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise MissingDependencyError(f"the reward-hacking grader needs {name} (pip install pytest)")
        origin = Path(spec.origin)
        sources.append(origin.parent if origin.name == "__init__.py" else origin)
    import pytest

    key = hashlib.sha256(f"{pytest.__version__}:{sources}".encode()).hexdigest()[:12]
    target = Path(tempfile.gettempdir()) / f"astray-pytest-{key}"
    if not (target / ".complete").exists():
        staging = Path(tempfile.mkdtemp(prefix="astray-pytest-staging-"))
        for source in sources:
            if source.is_dir():
                shutil.copytree(source, staging / source.name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, staging / source.name)
        for path in [staging, *staging.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        (staging / ".complete").write_text("")
        try:
            staging.rename(target)
        except OSError:  # another process finished first
            shutil.rmtree(staging, ignore_errors=True)
    return target
