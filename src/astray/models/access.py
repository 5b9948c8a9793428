"""Open any astray-named model as an Inspect `Model`, turning provider start-up failures (missing
API key, unknown provider, bad path) into one-line `ModelAccessError`s."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import GenerateConfig, Model, get_model

from astray.errors import AstrayError, ModelAccessError, one_line
from astray.models.naming import ModelRef, resolve_model


def open_model(name: str | ModelRef, config: GenerateConfig | None = None, **model_args: Any) -> Model:
    """Resolve `name` and return the Inspect model for it.

    Args:
        name: Any astray model name (see `astray.models.naming`).
        config: Default generation config for the model.
        **model_args: Provider-specific arguments (e.g. `batch_size` for local models).
    """
    ref = resolve_model(name) if isinstance(name, str) else name
    import astray.models.register_provider  # noqa: F401  (registers the astray provider without the entry point)

    # Remote clients are cheap and read their base URL / key from the environment when made: a fresh one
    # per open keeps a changed endpoint from reaching a cached client. Local weights stay cached.
    local = ref.inspect_name.startswith(("astray/", "hf/", "mockllm/"))
    config = config or GenerateConfig()
    if ref.inspect_name.startswith("astray/") and config.max_connections is None:
        from astray.models.local import DEFAULT_BATCH_SIZE  # torch: the model is about to load anyway

        # our provider decodes up to a batch at once; Inspect's adaptive concurrency (20 at first, ramping
        # up over a minute) would keep that batch a third full at the start of every run
        config = config.merge(GenerateConfig(max_connections=int(model_args.get("batch_size", DEFAULT_BATCH_SIZE))))
    try:
        return get_model(ref.inspect_name, config=config, memoize=local, **model_args)
    except AstrayError:
        raise
    except Exception as err:  # provider start-up errors vary by provider; keep the first line
        raise ModelAccessError(f"could not open model '{ref.name}': {one_line(err)}") from err
