"""The root of the `astray` command line: global flags, the lazily loaded subcommands
(`astray.cli.commands`) and the one place where errors become one-line messages and exit codes."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import click
import typer

from astray.cli.commands import LazyGroup
from astray.cli.console import err
from astray.cli.flags import parameters, with_parameters
from astray.errors import AstrayError
from astray.options import option

app = typer.Typer(
    cls=LazyGroup,
    help=(
        "astray — a lab for emergent misalignment.\n\n"
        "Name a model as `embedded` (the bundled SmolLM2-135M-Instruct), a local model or organism "
        "directory, or any Inspect model string (openai/gpt-4o-mini, vllm/<model>, ollama/<model>, ...)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_state = {"debug": False}


@dataclass(frozen=True)
class RootOptions:
    """Flags of `astray` itself, before the command."""

    debug: bool = option(False, "Show full tracebacks for errors.")


def _root(**values: Any) -> None:
    _state["debug"] = RootOptions(**values).debug


app.callback()(with_parameters(_root, parameters([(RootOptions, None)])))


# Recent typer vendors its own copy of click, whose exceptions are not click's: catch both kinds.
_EXITS = (click.exceptions.Exit, typer.Exit)
_USAGE_ERRORS = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
_ABORTS = (click.exceptions.Abort, typer.Abort)


def main() -> None:
    """Console entry point: user errors print one line and exit 2; `--debug` shows tracebacks."""
    try:
        app(standalone_mode=False, prog_name="astray")
    except AstrayError as error:
        if _state["debug"]:
            raise
        err.print(f"[red]error:[/red] {error}", highlight=False)
        sys.exit(2)
    except OSError as error:  # a path the user named: a file where a directory goes, no permission, disk full
        if _state["debug"]:
            raise
        where = f": {error.filename}" if error.filename else ""
        err.print(f"[red]error:[/red] {error.strerror or error}{where}", highlight=False)
        sys.exit(2)
    except _EXITS as done:
        sys.exit(done.exit_code)
    except _USAGE_ERRORS as usage:
        _show_usage_error(usage)
    except _ABORTS:
        err.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)


def _show_usage_error(usage: Exception) -> None:
    """A mistyped command line: click's usage message and exit code (2), never a traceback."""
    show = getattr(usage, "show", None)
    if callable(show):
        show()
    else:
        err.print(f"[red]error:[/red] {usage}", highlight=False)
    sys.exit(int(getattr(usage, "exit_code", 2)))


if __name__ == "__main__":
    main()
