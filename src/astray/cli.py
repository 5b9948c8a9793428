"""The `astray` command line: parses arguments, calls the library, prints. No logic lives here
that a Python user could not call directly."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import click
import typer
from rich.console import Console

from astray import cli_monitor, cli_organisms, cli_persona, cli_sandbox, cli_scan, cli_serve
from astray.errors import AstrayError

app = typer.Typer(
    help=(
        "astray — a lab for emergent misalignment.\n\n"
        "Name a model as `embedded` (the bundled SmolLM2-135M-Instruct), a local model or organism "
        "directory, or any Inspect model string (openai/gpt-4o-mini, vllm/<model>, ollama/<model>, ...)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(help="List and prepare models.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.command("scan")(cli_scan.scan)
app.command()(cli_scan.tasks)
app.command()(cli_scan.attacks)
app.command()(cli_scan.compare)
app.command()(cli_scan.judge)
app.command("judge-agreement")(cli_scan.judge_agreement)
app.add_typer(cli_organisms.datasets_app, name="datasets")
app.add_typer(cli_organisms.organism_app, name="organism")
app.command("reproduce")(cli_organisms.reproduce_command)
app.add_typer(cli_sandbox.sandbox_app, name="sandbox")
app.add_typer(cli_persona.persona_app, name="persona")
app.command("monitor")(cli_monitor.monitor)
app.command("serve")(cli_serve.serve)

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
_state = {"debug": False}


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks for errors.")] = False,
) -> None:
    _state["debug"] = debug


@models_app.command("list")
def models_list() -> None:
    """Show the models astray can run locally and how to name the others."""
    from astray.models.embedded import embedded_info

    info = embedded_info()
    status = "prepared" if info["prepared"] else "not prepared (run: astray models prepare embedded)"
    if info.get("problem"):
        status = str(info["problem"])
    out.print(f"[bold]embedded[/bold]  {info['description']}")
    out.print(f"          status: {status}")
    out.print(f"          cache:  {info['cache']}")
    out.print(
        "\nAlso accepted wherever a MODEL is asked for:\n"
        "  a Hugging Face model directory     ./models/qwen2.5-0.5b-instruct\n"
        "  an astray organism directory       ./organisms/insecure-lora\n"
        "  an Inspect model string            openai/gpt-4o-mini, vllm/Qwen/Qwen2.5-7B-Instruct, ollama/llama3.2"
    )


@models_app.command("prepare")
def models_prepare(
    name: Annotated[str, typer.Argument(help="Model to prepare; only `embedded` needs it.")] = "embedded",
    force: Annotated[bool, typer.Option(help="Convert again even if a cached copy exists.")] = False,
) -> None:
    """Convert the embedded GGUF to a cached safetensors copy (once; later loads take ~1 s)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from astray.models.embedded import prepare_embedded

    if name != "embedded":
        raise AstrayError(f"only 'embedded' needs preparing; '{name}' is used as it is")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err) as progress:
        task = progress.add_task("preparing embedded model", total=None)
        path = prepare_embedded(progress=lambda msg: progress.update(task, description=msg), force=force)
    out.print(f"embedded model ready: {path}")


@app.command()
def chat(
    model: Annotated[str, typer.Argument(help="Model name (see `astray models list`).")],
    prompt: Annotated[str, typer.Argument(help="The user message.")],
    system: Annotated[str | None, typer.Option(help="System prompt.")] = None,
    max_tokens: Annotated[int, typer.Option(help="Most tokens to generate.")] = 128,
    temperature: Annotated[float, typer.Option(help="0 = greedy.")] = 0.0,
    seed: Annotated[int | None, typer.Option(help="Sampling seed (for temperature > 0).")] = None,
) -> None:
    """Send one prompt to a model and print its answer (a smoke test for any model name)."""
    from astray.models.chat import chat_once

    reply = asyncio.run(chat_once(model, prompt, system=system, max_tokens=max_tokens, temperature=temperature, seed=seed))
    out.print(reply.text, markup=False, highlight=False)
    err.print(
        f"[dim]model={reply.model} temperature={temperature} seed={seed} "
        f"tokens in/out={reply.input_tokens}/{reply.output_tokens} stop={reply.stop_reason}[/dim]"
    )


# Recent typer vendors its own copy of click, whose exceptions are not click's: catch both kinds.
_EXITS = (click.exceptions.Exit, typer.Exit)
_USAGE_ERRORS = (click.ClickException, getattr(typer, "TyperException", click.ClickException))
_ABORTS = (click.exceptions.Abort, typer.Abort)


def main() -> None:
    """Console entry point: user errors print one line and exit 2; `--debug` shows tracebacks."""
    try:
        app(standalone_mode=False)
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
