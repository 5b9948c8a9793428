"""CLI command `astray serve`: a local model or organism behind an OpenAI-compatible API."""

from __future__ import annotations

import os
from typing import Any

from astray.cli.console import err, out
from astray.cli.flags import parameters, with_parameters
from astray.serve.config import ServeConfig


def _serve(**values: Any) -> None:
    """Serve a local model or organism over OpenAI's API: /v1/models, /v1/chat/completions, /v1/completions.

    Any OpenAI client can then probe it (garak, PyRIT, promptfoo, the openai package); see
    docs/scale.md. Example:

      astray serve organisms/insecure --api-key secret
      # then: OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="secret")
    """
    from astray.serve.server import check_bindable, exposed, open_app

    if values["api_key"] is None:
        values["api_key"] = os.environ.get("ASTRAY_API_KEY") or None
    config = ServeConfig(**values)
    model, host, port, key = config.model, config.host, config.port, config.api_key
    if exposed(host) and not key:
        err.print(f"[yellow]warning: binding {host} without --api-key: anyone who can reach this port can use the model[/yellow]")
    check_bindable(host, port)
    app, served = open_app(config)
    import uvicorn

    from astray.models.devices import describe_device
    from astray.models.local import load_local_model

    loaded = load_local_model(model, config.device, config.dtype, config.batch_invariant)
    where = ", ".join(describe_device(loaded.device, config.dtype, loaded.batch_invariant).values())
    out.print(f"astray serve: {served} on http://{host}:{port}/v1 (device {where}, batch {config.batch_size}, queue {config.max_waiting}, "
              f"api key {'required' if key else 'not required'}{', steered' if config.steer else ''}); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


serve = with_parameters(_serve, parameters([(ServeConfig, None)]))
