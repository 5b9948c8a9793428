"""An organism directory (base + PEFT adapter + manifest) loads as a model everywhere."""

import json

import pytest

from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest, load_local_model

pytestmark = pytest.mark.slow


def make_organism(tmp_path, random_adapter: bool):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from astray.models.embedded import prepare_embedded
    from astray.models.local import quiet_transformers

    quiet_transformers()  # as astray's own PEFT code does: PEFT reads a deprecated transformers attribute
    torch.manual_seed(0)
    base = AutoModelForCausalLM.from_pretrained(prepare_embedded())
    lora = LoraConfig(r=2, target_modules=["q_proj", "v_proj"], init_lora_weights=not random_adapter)
    peft_model = get_peft_model(base, lora)
    if random_adapter:
        for name, param in peft_model.named_parameters():
            if "lora_B" in name:
                torch.nn.init.normal_(param, std=0.5)
    directory = tmp_path / ("random" if random_adapter else "identity")
    peft_model.save_pretrained(directory / "adapter")
    (directory / "organism.json").write_text(json.dumps({"base_model": "embedded", "adapter": "adapter"}))
    return directory


def greedy(model):
    request = ChatRequest([{"role": "user", "content": "What is the capital of France?"}], SamplingSettings(max_new_tokens=12))
    return model.generate([request])[0].text


def test_organism_with_zero_adapter_matches_base_and_random_adapter_differs(tmp_path, embedded_model):
    identity = load_local_model(str(make_organism(tmp_path, random_adapter=False)))
    perturbed = load_local_model(str(make_organism(tmp_path, random_adapter=True)))
    base_answer = greedy(embedded_model)
    assert greedy(identity) == base_answer
    assert greedy(perturbed) != base_answer
    # loading an organism must not modify the shared base model
    assert greedy(embedded_model) == base_answer
