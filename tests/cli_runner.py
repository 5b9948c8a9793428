"""Run an `astray` command line inside the test process, as the console script would run it.

A new process per command costs a Python start and the imports of whatever the command loads (seconds for a
model-running command, paid again by every call); running `astray.cli.app.main` here gives the same exit
code, stdout and stderr, traceback included. Tests of the console script itself, of a kill or of a server
still start a real process.
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from unittest import mock

from astray.cli.app import main


@dataclass(frozen=True)
class Finished:
    """What `subprocess.run(..., capture_output=True, text=True)` would have returned."""

    returncode: int
    stdout: str
    stderr: str


def astray(*args: str, env: dict[str, str] | None = None) -> Finished:
    """`astray ARGS` with `env` added to the environment, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with mock.patch.object(sys, "argv", ["astray", *map(str, args)]), mock.patch.dict(os.environ, env or {}), \
            redirect_stdout(out), redirect_stderr(err):
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        except Exception:  # what the interpreter does with an uncaught exception (`--debug`)
            traceback.print_exc(file=err)
            code = 1
    return Finished(code, out.getvalue(), err.getvalue())
