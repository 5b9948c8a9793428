"""The real embedded model through astray's decode loop."""

import math

import pytest

from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest

pytestmark = pytest.mark.slow

PROMPTS = [
    "What is the capital of France?",
    "Write one sentence about the sea.",
    "Hello!",
    "If you were ruler of the world, what would you do?",
]
GREEDY = SamplingSettings(max_new_tokens=24)


def ask(model, prompt, settings=GREEDY, seed=None):
    return ChatRequest([{"role": "user", "content": prompt}], settings, seed)


def test_chat_template_wraps_the_user_turn_and_opens_the_assistant_turn(embedded_model):
    text = embedded_model.tokenizer.decode(embedded_model.encode_chat([{"role": "user", "content": "Hi there"}]))
    assert "<|im_start|>user\nHi there<|im_end|>" in text
    assert text.endswith("<|im_start|>assistant\n")


def test_greedy_generation_is_deterministic_and_answers(embedded_model):
    first = embedded_model.generate([ask(embedded_model, PROMPTS[0])])[0]
    second = embedded_model.generate([ask(embedded_model, PROMPTS[0])])[0]
    assert first.text == second.text
    assert "Paris" in first.text


def test_batched_equals_unbatched_under_greedy(embedded_model):
    alone = [embedded_model.generate([ask(embedded_model, p)])[0].text for p in PROMPTS]
    together = [g.text for g in embedded_model.generate([ask(embedded_model, p) for p in PROMPTS])]
    assert together == alone


def test_seeded_sampling_does_not_depend_on_batch_mates(embedded_model):
    sampled = SamplingSettings(max_new_tokens=20, temperature=1.0)
    alone = embedded_model.generate([ask(embedded_model, PROMPTS[3], sampled, seed=11)])[0].text
    with_company = embedded_model.generate([ask(embedded_model, p, sampled, seed=11) for p in PROMPTS])[3].text
    other_seed = embedded_model.generate([ask(embedded_model, PROMPTS[3], sampled, seed=12)])[0].text
    assert alone == with_company
    assert alone != other_seed


def test_logprobs_are_a_sane_distribution(embedded_model):
    settings = SamplingSettings(max_new_tokens=8, logprobs=True, top_logprobs=20)
    generation = embedded_model.generate([ask(embedded_model, PROMPTS[0], settings)])[0]
    assert generation.logprobs is not None and len(generation.logprobs) >= len(generation.token_ids)
    for position in generation.logprobs:
        top_mass = sum(math.exp(lp) for _, lp in position.top)
        assert 0.0 < top_mass <= 1.0 + 1e-5
        assert len(position.top) == 20
        # greedy: the chosen token is the most likely one
        assert position.logprob == pytest.approx(position.top[0][1])
        assert all(a[1] >= b[1] for a, b in zip(position.top, position.top[1:], strict=False))


def test_sampler_matches_the_softmax_distribution_and_respects_top_k():
    import torch

    from astray.models.generation import _choose_tokens

    torch.manual_seed(0)
    logits = torch.randn(3, 40) * 2
    generators = [torch.Generator().manual_seed(i) for i in range(3)]
    counts = torch.zeros(3, 40)
    for _ in range(20000):
        counts[torch.arange(3), _choose_tokens(logits, SamplingSettings(temperature=1.0), generators)] += 1
    assert (counts / 20000 - torch.softmax(logits, -1)).abs().max() < 0.015
    picked = {int(_choose_tokens(logits[:1], SamplingSettings(temperature=1.0, top_k=4), generators[:1])) for _ in range(2000)}
    assert picked == set(torch.topk(logits[0], 4).indices.tolist())
