"""How any model is named, loaded and run: the embedded SmolLM2, local directories, organisms and
Inspect model strings all go through `resolve_model`."""

from astray.models.naming import ModelRef, resolve_model

__all__ = ["ModelRef", "resolve_model"]
