"""astray's sandbox as an Inspect sandbox provider, so Inspect's `bash()` and `python()` tools and
graders run model-written code in it: `Task(..., sandbox="astray")`.

Each sample gets its own private work area (on tmpfs where available, capped in total bytes; see
`storage`) mounted at /work, /tmp and /dev/shm; every `exec` runs in a fresh set of namespaces over
that area with astray's limits. `Task(..., sandbox=("astray", AstraySandboxConfig(storage_mb=64)))`
changes the quota.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Literal, overload

from inspect_ai.util import ExecResult, SandboxEnvironment, SandboxEnvironmentConfigType, sandboxenv
from pydantic import BaseModel

from astray.sandbox.bwrap import SANDBOX_WORKDIR
from astray.sandbox.limits import Limits
from astray.sandbox.runner import hand_to_sandbox_user, run_in_workdir
from astray.sandbox.storage import DEFAULT_STORAGE_MB, WorkArea, close_work_area, open_work_area


class AstraySandboxConfig(BaseModel, frozen=True):
    """Per-sample settings of the astray sandbox."""

    storage_mb: int = DEFAULT_STORAGE_MB


@sandboxenv(name="astray")
class AstraySandboxEnvironment(SandboxEnvironment):
    """bubblewrap namespaces + rlimits + a storage quota; no Docker needed."""

    def __init__(self, area: WorkArea) -> None:
        super().__init__()
        self.area = area
        self.work_dir = area.work

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        return AstraySandboxConfig(**config)

    @classmethod
    async def sample_init(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, metadata: dict[str, str]
    ) -> dict[str, SandboxEnvironment]:
        storage_mb = config.storage_mb if isinstance(config, AstraySandboxConfig) else DEFAULT_STORAGE_MB
        return {"default": cls(await asyncio.to_thread(open_work_area, storage_mb))}

    @classmethod
    async def sample_cleanup(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment], interrupted: bool,
    ) -> None:
        for environment in environments.values():
            if isinstance(environment, AstraySandboxEnvironment):
                await asyncio.to_thread(close_work_area, environment.area)

    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        stdin = input.encode() if isinstance(input, str) else input
        limits = Limits(wall_seconds=float(timeout or 60), cpu_seconds=int(timeout or 60), storage_mb=self.area.quota_mb)
        result = await asyncio.to_thread(run_in_workdir, self.area, cmd, limits, False, stdin,
                                         self._relative(cwd) if cwd else None, env)
        if result.stopped_by == "wall_timeout":
            raise TimeoutError(f"command timed out after {limits.wall_seconds}s")
        return ExecResult(success=result.exit_code == 0, returncode=result.exit_code if result.exit_code is not None else -1,
                          stdout=result.stdout, stderr=result.stderr)

    async def write_file(self, file: str, contents: str | bytes) -> None:
        target = self.work_dir / self._relative(file)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents.encode() if isinstance(contents, str) else contents)
        hand_to_sandbox_user(self.area.root)

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        path = self.work_dir / self._relative(file)
        if not path.is_file():
            raise FileNotFoundError(file)
        data = path.read_bytes()
        return data.decode() if text else data

    def _relative(self, file: str) -> str:
        """Map a sandbox path (relative, or absolute under /work) to a path under the work dir."""
        path = Path(file)
        if path.is_absolute():
            try:
                path = path.relative_to(SANDBOX_WORKDIR)
            except ValueError as err:
                raise PermissionError(f"{file}: only paths under {SANDBOX_WORKDIR} are reachable in the astray sandbox") from err
        if ".." in path.parts:
            raise PermissionError(f"{file}: '..' is not allowed")
        return str(path)


