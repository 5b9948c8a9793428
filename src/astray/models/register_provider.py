"""Registers astray's Inspect model provider (`astray/<model>`) without loading it: the provider
module imports torch and transformers, so it is imported only when a model is opened."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import modelapi


@modelapi(name="astray")
def astray() -> type[Any]:
    from astray.models.inspect_provider import AstrayModelAPI

    return AstrayModelAPI
