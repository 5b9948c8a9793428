"""CLI commands for models: `astray models list | prepare` and `astray chat`."""

from __future__ import annotations

import asyncio
from typing import Any

import typer

from astray.cli.console import err, out
from astray.cli.flags import parameters, with_parameters
from astray.errors import AstrayError
from astray.models.command_options import ChatOptions, PrepareOptions

models_app = typer.Typer(help="List and prepare models.", no_args_is_help=True)


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


def _prepare(**values: Any) -> None:
    """Convert the embedded GGUF to a cached safetensors copy (once; later loads take ~1 s)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from astray.models.embedded import prepare_embedded

    request = PrepareOptions(**values)
    if request.name != "embedded":
        raise AstrayError(f"only 'embedded' needs preparing; '{request.name}' is used as it is")
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err) as progress:
        task = progress.add_task("preparing embedded model", total=None)
        path = prepare_embedded(progress=lambda msg: progress.update(task, description=msg), force=request.force)
    out.print(f"embedded model ready: {path}")


def _chat(**values: Any) -> None:
    """Send one prompt to a model and print its answer (a smoke test for any model name)."""
    from astray.models.chat import chat_once

    ask = ChatOptions(**values)
    reply = asyncio.run(chat_once(ask.model, ask.prompt, system=ask.system, max_tokens=ask.max_tokens,
                                  temperature=ask.temperature, seed=ask.seed))
    out.print(reply.text, markup=False, highlight=False)
    err.print(
        f"[dim]model={reply.model} temperature={ask.temperature} seed={ask.seed} "
        f"tokens in/out={reply.input_tokens}/{reply.output_tokens} stop={reply.stop_reason}[/dim]"
    )


models_app.command("prepare")(with_parameters(_prepare, parameters([(PrepareOptions, None)])))
chat = with_parameters(_chat, parameters([(ChatOptions, None)]))
