"""CLI: `astray sandbox run FILE` and `astray sandbox check`."""

from __future__ import annotations

import json
from typing import Any

import typer

from astray.cli.console import err, out
from astray.cli.flags import parameters, with_parameters
from astray.sandbox.run_options import SandboxRunOptions

sandbox_app = typer.Typer(help="Run untrusted code in astray's sandbox (bubblewrap namespaces + rlimits).",
                          no_args_is_help=True)


def _run(**values: Any) -> None:
    """Run one file in the sandbox; report exit code, the limit that stopped it, and capped output."""
    from astray.errors import DataFormatError
    from astray.sandbox.limits import Limits
    from astray.sandbox.runner import run_python_file

    request = SandboxRunOptions(**values)
    if not request.file.is_file():
        raise DataFormatError(f"file not found: {request.file}")
    result = run_python_file(request.file, Limits(wall_seconds=request.timeout, storage_mb=request.storage_mb),
                             unsafe_local=request.unsafe_local)
    if request.json:
        out.print_json(json.dumps(result.to_dict()))
        return
    out.print(result.stdout, end="", markup=False, highlight=False)
    err.print(result.stderr, end="", markup=False, highlight=False)
    err.print(f"[dim]exit={result.exit_code} stopped_by={result.stopped_by} wall={result.wall_seconds}s "
              f"isolation={result.isolation}{' output truncated' if result.truncated else ''}[/dim]")


sandbox_app.command("run")(with_parameters(_run, parameters([(SandboxRunOptions, None)])))


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
