"""CLI: `astray sandbox run FILE` and `astray sandbox check`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
sandbox_app = typer.Typer(help="Run untrusted code in astray's sandbox (bubblewrap namespaces + rlimits).",
                          no_args_is_help=True)


@sandbox_app.command("run")
def sandbox_run(
    file: Annotated[Path, typer.Argument(help="A Python file to run (as /work/main.py).")],
    timeout: Annotated[float, typer.Option(help="Wall-clock limit in seconds.")] = 20.0,
    storage_mb: Annotated[int, typer.Option(help="Total megabytes the code may write across /work, /tmp and /dev/shm.")] = 256,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    unsafe_local: Annotated[bool, typer.Option(help="Run without namespaces (rlimits only) where bubblewrap is unavailable.")] = False,
) -> None:
    """Run one file in the sandbox; report exit code, the limit that stopped it, and capped output."""
    from astray.errors import DataFormatError
    from astray.sandbox.limits import Limits
    from astray.sandbox.runner import run_python_file

    if not file.is_file():
        raise DataFormatError(f"file not found: {file}")
    for flag, value in (("--timeout", timeout), ("--storage-mb", storage_mb)):
        if not value > 0:
            raise DataFormatError(f"{flag} must be above 0, got {value}")
    result = run_python_file(file, Limits(wall_seconds=timeout, storage_mb=storage_mb), unsafe_local=unsafe_local)
    if as_json:
        out.print_json(json.dumps(result.to_dict()))
        return
    out.print(result.stdout, end="", markup=False, highlight=False)
    err.print(result.stderr, end="", markup=False, highlight=False)
    err.print(f"[dim]exit={result.exit_code} stopped_by={result.stopped_by} wall={result.wall_seconds}s "
              f"isolation={result.isolation}{' output truncated' if result.truncated else ''}[/dim]")


@sandbox_app.command("check")
def sandbox_check() -> None:
    """Run the hostile probes (fork bomb, memory bomb, 1 GB of output, 1.5 GB of files, escapes…) and show each outcome."""
    from astray.sandbox.probes import run_probes

    failures = 0
    for outcome in run_probes():
        failures += not outcome.contained
        mark = "[green]contained[/green]" if outcome.contained else "[red]ESCAPED[/red]"
        out.print(f"{mark}  {outcome.name:24} {outcome.detail}")
    if failures:
        raise typer.Exit(1)
