"""Shared fixtures. Real-model fixtures are session-scoped: loading SmolLM2 once costs ~1 s."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def embedded_model():
    """The real embedded model (prepared on first use, then cached)."""
    from astray.models.local import load_local_model

    return load_local_model("embedded")
