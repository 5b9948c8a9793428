"""Where the CLI writes: results to stdout (`out`), progress, warnings and errors to stderr (`err`), so a
command's output can be piped while its progress stays on the terminal."""

from __future__ import annotations

import shlex
import sys

from rich.console import Console

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def command_line() -> str:
    """The command as the user typed it, recorded in results for reproduction."""
    return "astray " + " ".join(shlex.quote(a) for a in sys.argv[1:])
