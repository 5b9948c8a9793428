"""CLI command `astray serve`: a local model or organism behind an OpenAI-compatible API."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.console import Console

from astray.errors import AstrayError

out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def serve(
    model: Annotated[str, typer.Argument(help="embedded, a Hugging Face model directory, or an organism directory.")],
    host: Annotated[str, typer.Option(help="Address to bind. The default accepts connections from this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to bind.")] = 8000,
    api_key: Annotated[str | None, typer.Option(help="Require 'Authorization: Bearer KEY' on /v1 (default: $ASTRAY_API_KEY, "
                                                     "else no key).")] = None,
    batch_size: Annotated[int, typer.Option(help="Answers decoded at once; concurrent requests join the running batch.")] = 64,
    max_waiting: Annotated[int, typer.Option(help="Answers in progress or queued before new requests get 503 + Retry-After.")] = 256,
    default_max_tokens: Annotated[int, typer.Option(help="Answer length when a request gives no max_tokens.")] = 512,
    device: Annotated[str, typer.Option(help="auto (CUDA when present, bf16), cpu, cuda or cuda:N.")] = "auto",
    dtype: Annotated[str, typer.Option(help="auto (float32 on CPU, bf16 on CUDA), float32, bfloat16 (~2.3x faster on CPUs "
                                            "with AVX512-BF16/AMX; answers depend more on their batch mates) "
                                            "or float16.")] = "auto",
    batch_invariant: Annotated[bool, typer.Option(help="Make each answer independent of the requests batched with it, so "
                                                       "a request with a seed always gets the same answer (float32 on CPU "
                                                       "only; slower, most at batch 1).")] = False,
    steer: Annotated[list[str] | None, typer.Option(help="Steer every answer: VECTOR:COEF[@LAYER] (repeatable); see "
                                                         "`astray persona extract`.")] = None,
    name: Annotated[str | None, typer.Option(help="Model id to list in /v1/models (default: embedded, or the directory's "
                                                  "name).")] = None,
) -> None:
    """Serve a local model or organism over OpenAI's API: /v1/models, /v1/chat/completions, /v1/completions.

    Any OpenAI client can then probe it (garak, PyRIT, promptfoo, the openai package); see
    docs/scale.md. Example:

      astray serve organisms/insecure --api-key secret
      # then: OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="secret")
    """
    from astray.serve.server import ServeConfig, check_bindable, exposed, open_app

    if api_key is not None and not api_key.strip():
        raise AstrayError("--api-key is empty (an unset variable?); give a key, or leave the option out to serve without one")
    key = api_key or os.environ.get("ASTRAY_API_KEY") or None
    config = ServeConfig(model=model, host=host, port=port, api_key=key, batch_size=batch_size, max_waiting=max_waiting,
                         default_max_tokens=default_max_tokens, device=device, dtype=dtype, batch_invariant=batch_invariant,
                         steer=tuple(steer or ()), name=name)
    if exposed(host) and not key:
        err.print(f"[yellow]warning: binding {host} without --api-key: anyone who can reach this port can use the model[/yellow]")
    check_bindable(host, port)
    app, served = open_app(config)
    import uvicorn

    from astray.models.devices import describe_device
    from astray.models.local import load_local_model

    loaded = load_local_model(model, device, dtype, batch_invariant)
    where = ", ".join(describe_device(loaded.device, dtype, loaded.batch_invariant).values())
    out.print(f"astray serve: {served} on http://{host}:{port}/v1 (device {where}, batch {batch_size}, queue {max_waiting}, "
              f"api key {'required' if key else 'not required'}{', steered' if steer else ''}); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
