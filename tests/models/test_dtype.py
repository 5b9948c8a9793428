"""`--dtype`: a local model's precision is chosen, recorded and refused in one line when it means nothing."""

import pytest
import torch

from astray.errors import AstrayError
from astray.models.devices import check_dtype_name, describe_device, load_dtype
from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest, load_local_model


@pytest.mark.parametrize(("given", "normal"), [("auto", "auto"), ("BF16", "bfloat16"), (" fp32 ", "float32"),
                                              ("half", "float16"), ("bfloat16", "bfloat16")])
def test_dtype_names_normalise(given, normal):
    assert check_dtype_name(given) == normal


def test_an_unknown_dtype_is_a_one_line_error():
    with pytest.raises(AstrayError, match="--dtype 'int8' is not one of auto, float32, bfloat16, float16"):
        check_dtype_name("int8")


def test_auto_keeps_float32_on_cpu_and_an_explicit_dtype_wins():
    cpu = torch.device("cpu")
    assert load_dtype(cpu) == torch.float32 and load_dtype(cpu, "bf16") == torch.bfloat16
    assert describe_device(cpu, "bfloat16") == {"device": "cpu", "dtype": "bfloat16"}


def test_the_embedded_model_loads_and_answers_in_bfloat16_beside_its_float32_copy():
    fast = load_local_model("embedded", "cpu", "bfloat16")
    exact = load_local_model("embedded", "cpu")
    assert fast.model.dtype == torch.bfloat16 and exact.model.dtype == torch.float32  # two cached copies
    request = ChatRequest([{"role": "user", "content": "Name a colour."}], SamplingSettings(max_new_tokens=8))
    [answer] = fast.generate([request])
    assert answer.text.strip() and len(answer.token_ids) <= 8
