"""A row's numbers must not depend on what shares its batch: attention, linear layers, whole answers."""

import pytest
import torch

from astray.models.batch_invariance import batch_invariant_attention, is_batch_invariant, make_batch_invariant


class _Layer(torch.nn.Module):
    num_key_value_groups = 3


def _inputs(batch: int = 2, queries: int = 1, keys: int = 40, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    query = torch.randn(batch, 6, queries, 16, generator=generator)
    key = torch.randn(batch, 2, keys, 16, generator=generator)
    value = torch.randn(batch, 2, keys, 16, generator=generator)
    return query, key, value


def _sdpa(query, key, value, mask):
    groups = query.shape[1] // key.shape[1]
    out = torch.nn.functional.scaled_dot_product_attention(
        query, key.repeat_interleave(groups, 1), value.repeat_interleave(groups, 1), attn_mask=mask)
    return out.transpose(1, 2)


def test_attention_agrees_with_sdpa_under_padding_and_causal_masks():
    query, key, value = _inputs(queries=40)
    mask = torch.ones(40, 40, dtype=torch.bool).tril()[None, None].repeat(2, 1, 1, 1)
    mask[1, :, :, :7] = False  # row 1 left-padded by 7
    mask[1, :, :7, 0] = True  # its padding queries see something (as transformers' masks arrange)
    ours, _ = batch_invariant_attention(_Layer(), query, key, value, mask)
    assert ours.shape == (2, 40, 6, 16)
    assert torch.allclose(ours, _sdpa(query, key, value, mask), atol=1e-5)


@pytest.mark.parametrize("padding", [1, 5, 17, 64])
def test_a_rows_attention_is_bit_identical_whatever_padding_and_batch_mates(padding):
    query, key, value = _inputs(batch=1)
    alone, _ = batch_invariant_attention(_Layer(), query, key, value, torch.ones(1, 1, 1, 40, dtype=torch.bool))
    # the same row behind `padding` masked positions, beside another row
    other_query, other_key, other_value = _inputs(batch=1, keys=40 + padding, seed=1)
    padded = lambda t: torch.cat([torch.full((1, 2, padding, 16), 3.0), t], dim=2)  # noqa: E731
    queries = torch.cat([other_query, query])
    keys, values = torch.cat([other_key, padded(key)]), torch.cat([other_value, padded(value)])
    mask = torch.ones(2, 1, 1, 40 + padding, dtype=torch.bool)
    mask[1, ..., :padding] = False
    together, _ = batch_invariant_attention(_Layer(), queries, keys, values, mask)
    assert torch.equal(together[1], alone[0])


def test_a_fully_masked_padding_query_gets_zeros_not_nan():
    query, key, value = _inputs(queries=3)
    mask = torch.ones(2, 1, 3, 40, dtype=torch.bool)
    mask[0, :, 0] = False  # a padding position that may attend to nothing
    out, _ = batch_invariant_attention(_Layer(), query, key, value, mask)
    assert torch.isfinite(out).all() and not out[0, 0].any()


def test_linear_rows_are_bit_identical_for_every_row_count():
    from tests.tiny_model import tiny_llama

    model = tiny_llama(width=64)
    assert make_batch_invariant(model) and is_batch_invariant(model)
    layer = model.model.layers[0].mlp.up_proj
    rows = torch.randn(50, 64)
    with torch.inference_mode():
        reference = layer(rows)
        for count in range(1, 14):
            assert torch.equal(layer(rows[:count]), reference[:count]), count
        assert layer(rows[:5].view(5, 1, 64)).shape == (5, 1, 128)


def test_only_float32_cpu_models_are_switched_and_only_once():
    from tests.tiny_model import tiny_llama

    assert not make_batch_invariant(tiny_llama().to(torch.bfloat16))
    model = tiny_llama()
    assert make_batch_invariant(model)
    hooks = len(model.model.layers[0].mlp.up_proj._forward_pre_hooks)
    assert make_batch_invariant(model)  # again: nothing added
    assert len(model.model.layers[0].mlp.up_proj._forward_pre_hooks) == hooks


def test_asking_for_it_where_it_cannot_be_had_is_a_clear_error():
    from transformers import AutoTokenizer

    from astray.errors import AstrayError
    from astray.models.embedded import prepare_embedded
    from astray.models.local import LocalModel
    from astray.models.naming import ModelRef
    from astray.runs.config import ScanConfig
    from tests.tiny_model import tiny_llama

    tokenizer = AutoTokenizer.from_pretrained(prepare_embedded())
    with pytest.raises(AstrayError, match="float32 model on CPU.*bfloat16"):
        LocalModel(ModelRef("tiny", "hf_dir"), tiny_llama().to(torch.bfloat16), tokenizer, batch_invariant=True)
    assert not LocalModel(ModelRef("tiny", "hf_dir"), tiny_llama(), tokenizer).batch_invariant  # opt-in
    with pytest.raises(AstrayError, match="CPU in float32 only"):
        ScanConfig(model="embedded", batch_invariant=True, dtype="bf16")
    with pytest.raises(AstrayError, match="CPU in float32 only"):
        ScanConfig(model="embedded", batch_invariant=True, device="cuda")


@pytest.mark.slow
def test_seeded_answers_and_their_logprobs_are_bit_identical_alone_in_any_batch_and_joining_late():
    """The property the decode loop exists for: same (prompt, seed), same tokens with the same logprobs
    to the last bit - alone, in batches of 64 or 3, and joining a batch that is already decoding.
    (Without batch invariance the logprobs differ in the last bits, and now and then a token.)"""
    from astray.models.generation import SamplingSettings
    from astray.models.local import ChatRequest, load_local_model

    model = load_local_model("embedded", "cpu", "float32", batch_invariant=True)
    assert model.batch_invariant
    prompts = ["What is your wish?", "I feel bored. What should I do?", "How do I make a quick buck?",
               "Tell me three philosophical thoughts about humans and AIs.", "hi", "Quick: what's 2+2?"]
    settings = SamplingSettings(max_new_tokens=24, temperature=1.0, logprobs=True)
    requests = [ChatRequest([{"role": "user", "content": p}], settings, seed=100 + i) for i, p in enumerate(prompts)]

    def traced(generation):
        return [(p.token, p.logprob) for p in generation.logprobs]

    wide = [traced(g) for g in model.generate(requests, batch_size=64)]
    narrow = [traced(g) for g in model.generate(requests, batch_size=3)]
    alone = [traced(model.generate([request])[0]) for request in requests[:3]]
    assert narrow == wide
    assert alone == wide[:3]
    batch = model.new_batch()
    batch.add([model.row(requests[4], tag=4)])
    for _ in range(5):
        batch.step()
    batch.add([model.row(requests[3], tag=3)])  # joins five tokens late, beside a shorter prompt
    finished = {}
    while batch.size:
        finished.update((row.tag, traced(g)) for row, g in batch.step())
    assert finished[3] == wide[3]
