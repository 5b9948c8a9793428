import json

import pytest

from astray.errors import UnknownModelError
from astray.models.naming import resolve_model


def test_embedded_resolves_with_or_without_provider_prefix():
    for name in ("embedded", "astray/embedded", " embedded "):
        ref = resolve_model(name)
        assert ref.kind == "embedded"
        assert ref.inspect_name == "astray/embedded"


@pytest.mark.parametrize(
    "name", ["openai/gpt-4o-mini", "openai-api/together/meta-llama/Llama-3-8b", "vllm/Qwen/Qwen2.5-7B", "mockllm/model"]
)
def test_inspect_strings_pass_through_unchanged(name):
    ref = resolve_model(name)
    assert ref.kind == "inspect"
    assert ref.inspect_name == name
    assert not ref.is_local


def test_hf_directory_and_organism_directory(tmp_path):
    hf = tmp_path / "hf"
    hf.mkdir()
    (hf / "config.json").write_text("{}")
    organism = tmp_path / "org"
    organism.mkdir()
    (organism / "organism.json").write_text(json.dumps({"base_model": "embedded", "adapter": "adapter"}))
    assert resolve_model(str(hf)).kind == "hf_dir"
    ref = resolve_model(str(organism))
    assert ref.kind == "organism"
    assert ref.inspect_name == f"astray/{organism}"
    assert resolve_model(f"astray/{organism}").kind == "organism"


def test_directory_that_is_no_model_is_rejected(tmp_path):
    with pytest.raises(UnknownModelError, match="neither a Hugging Face model"):
        resolve_model(str(tmp_path))


@pytest.mark.parametrize("name", ["embeded", "gpt4", "./missing-dir", "/no/such/dir"])
def test_unknown_names_say_what_was_expected(name):
    with pytest.raises(UnknownModelError) as info:
        resolve_model(name)
    assert "\n" not in str(info.value)
