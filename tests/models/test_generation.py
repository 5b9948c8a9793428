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


def test_sampler_matches_the_softmax_distribution_and_respects_top_k_and_top_p():
    import torch

    from astray.models.sampling import RowSampling, choose_tokens, row_uniforms, split_seeds

    torch.manual_seed(0)
    logits = torch.randn(3, 40) * 2
    seeds = split_seeds([1, 2, 3])
    plain = RowSampling.of([1.0, 1.0, 1.0], [0, 0, 0], [1.0, 1.0, 1.0], torch.device("cpu"))
    counts = torch.zeros(3, 40)
    for step in range(20000):
        uniforms = row_uniforms(seeds, torch.full((3,), step))
        counts[torch.arange(3), choose_tokens(logits, plain, uniforms)] += 1
    assert (counts / 20000 - torch.softmax(logits, -1)).abs().max() < 0.015
    # per-row settings in one batch: row 0 top-k 4, row 1 greedy, row 2 nucleus 0.5
    mixed = RowSampling.of([1.0, 0.0, 1.0], [4, 0, 0], [1.0, 1.0, 0.5], torch.device("cpu"))
    picked: list[set[int]] = [set(), set(), set()]
    for step in range(2000):
        chosen = choose_tokens(logits, mixed, row_uniforms(seeds, torch.full((3,), step)))
        for row in range(3):
            picked[row].add(int(chosen[row]))
    assert picked[0] == set(torch.topk(logits[0], 4).indices.tolist())
    assert picked[1] == {int(logits[1].argmax())}
    ordered = torch.softmax(logits[2], -1).sort(descending=True)
    nucleus = int((ordered.values.cumsum(0) - ordered.values < 0.5).sum())
    assert picked[2] == set(ordered.indices[:nucleus].tolist())


def test_row_uniforms_are_uniform_and_depend_only_on_seed_and_step():
    import torch

    from astray.models.sampling import row_uniforms, split_seeds

    steps = torch.arange(50000)
    values = row_uniforms(split_seeds([7] * 50000), steps)
    assert 0.0 < float(values.min()) and float(values.max()) < 1.0
    histogram = torch.histc(values, bins=10, min=0.0, max=1.0)
    assert (histogram / 50000 - 0.1).abs().max() < 0.01
    # neighbouring seeds give unrelated streams; a row's number ignores its batch mates
    other = row_uniforms(split_seeds([8] * 50000), steps)
    assert abs(float(torch.corrcoef(torch.stack([values, other]))[0, 1])) < 0.02
    alone = row_uniforms(split_seeds([2**62 + 5]), torch.tensor([3]))
    together = row_uniforms(split_seeds([1, 2**62 + 5, 9]), torch.tensor([0, 3, 8]))
    assert float(alone[0]) == float(together[1])


def test_a_row_joining_a_running_batch_answers_as_it_would_alone(embedded_model):
    sampled = SamplingSettings(max_new_tokens=16, temperature=1.0)
    alone = [embedded_model.generate([ask(embedded_model, p, sampled, seed=5)])[0] for p in PROMPTS[:2]]
    batch = embedded_model.new_batch()
    first = embedded_model.row(ask(embedded_model, PROMPTS[0], sampled, seed=5), tag="first")
    second = embedded_model.row(ask(embedded_model, PROMPTS[1], sampled, seed=5), tag="second")
    batch.add([first])
    finished = dict((row.tag, g) for row, g in batch.step() + batch.step() + batch.step())
    batch.add([second])  # joins three tokens late, with a prompt of another length
    assert batch.size == 2 - len(finished)
    while batch.size:
        finished.update((row.tag, g) for row, g in batch.step())
    assert finished["first"].text == alone[0].text
    assert finished["second"].text == alone[1].text


def test_rows_with_different_settings_share_a_batch_and_stop_strings_cut_answers(embedded_model):
    sampled = SamplingSettings(max_new_tokens=20, temperature=1.0)
    greedy_alone = embedded_model.generate([ask(embedded_model, PROMPTS[0])])[0]
    mixed = embedded_model.generate([ask(embedded_model, PROMPTS[3], sampled, seed=3), ask(embedded_model, PROMPTS[0])])
    assert mixed[1].text == greedy_alone.text
    assert mixed[0].text == embedded_model.generate([ask(embedded_model, PROMPTS[3], sampled, seed=3)])[0].text
    word = greedy_alone.text.split()[2]
    cut = ChatRequest([{"role": "user", "content": PROMPTS[0]}], GREEDY, stop=(word,))
    stopped = embedded_model.generate([cut])[0]
    assert stopped.stop_reason == "stop" and word not in stopped.text
    assert greedy_alone.text.startswith(stopped.text)


def test_rows_take_finished_rows_places_and_the_cache_does_not_grow_past_the_live_rows(embedded_model):
    """Continuous refill as a scan does it: each finished row's place goes to the next request (no stacking),
    every answer is the one its request gets alone, and columns no live row needs are dropped."""
    requests = [ask(embedded_model, PROMPTS[i % 4], SamplingSettings(max_new_tokens=4 + 3 * (i % 4), temperature=1.0),
                    seed=i) for i in range(14)]
    alone = [embedded_model.generate([request])[0].text for request in requests]
    batch, waiting, answers, widths = embedded_model.new_batch(), list(enumerate(requests)), {}, []
    batch.add([embedded_model.row(r, tag=i) for i, r in waiting[:5]])
    waiting = waiting[5:]
    while batch.size:
        rows_before = len(batch.rows)
        finished = batch.step()
        answers.update((row.tag, g.text) for row, g in finished)
        joining = [embedded_model.row(r, tag=i) for i, r in waiting[: len(finished)]]
        waiting = waiting[len(finished):]
        batch.add(joining)
        if joining and len(finished) * 4 < rows_before:  # not compacted: the newcomers took the finished rows' places
            assert len(batch.rows) == rows_before
        widths.append(batch.width)
    assert [answers[i] for i in range(len(requests))] == alone
    longest_prompt = max(len(embedded_model.encode(r)) for r in requests)
    assert max(widths) <= longest_prompt + 13 + 1  # the longest answer's room, not the run's 30-odd steps
