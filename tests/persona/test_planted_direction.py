"""With a planted direction, extraction recovers it and a probe separates it: on a tiny model whose
blocks pass the residual stream through unchanged, answers written with "trait" tokens carry +d in
their embeddings and answers written with "opposite" tokens carry -d."""

from __future__ import annotations

import torch

from astray.models.activations import PromptAndResponse, response_means
from astray.models.places import Place
from astray.monitors.probes import LinearProbe
from astray.persona.extract import mean_difference
from tests.tiny_model import tiny_llama

TRAIT_TOKENS = list(range(1000, 1040))
OPPOSITE_TOKENS = list(range(2000, 2040))
PLACES = [Place(0), Place(1), Place(2)]


def _planted_model(direction: torch.Tensor) -> torch.nn.Module:
    model = tiny_llama(layers=3, identity_blocks=True)
    with torch.no_grad():
        embeddings = model.get_input_embeddings().weight
        embeddings[TRAIT_TOKENS] += 2.0 * direction
        embeddings[OPPOSITE_TOKENS] -= 2.0 * direction
    return model


def _answers(tokens: list[int], n: int, generator: torch.Generator) -> list[PromptAndResponse]:
    shared_prompt = [5, 17, 300, 42]
    return [PromptAndResponse(shared_prompt + [int(t) for t in torch.randint(3000, 9000, (3,), generator=generator)],
                              [tokens[int(i)] for i in torch.randint(0, len(tokens), (12,), generator=generator)])
            for _ in range(n)]


def _activations(seed: int = 0) -> tuple[torch.Tensor, dict[Place, torch.Tensor], dict[Place, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    direction = torch.randn(32, generator=generator)
    direction /= direction.norm()
    model = _planted_model(direction)
    pos = response_means(model, _answers(TRAIT_TOKENS, 30, generator), PLACES, pad_id=0)
    neg = response_means(model, _answers(OPPOSITE_TOKENS, 30, generator), PLACES, pad_id=0)
    return direction, pos, neg


def test_extraction_recovers_the_planted_direction_at_every_layer():
    direction, pos, neg = _activations()
    for place, vector in mean_difference(pos, neg).items():
        cosine = torch.nn.functional.cosine_similarity(vector, direction, dim=0)
        assert cosine > 0.9, (place.name, float(cosine))


def test_without_a_planted_direction_the_difference_is_not_aligned_with_it():
    generator = torch.Generator().manual_seed(1)
    direction = torch.randn(32, generator=generator)
    model = tiny_llama(layers=3, identity_blocks=True)  # nothing planted: a negative control
    pos = response_means(model, _answers(TRAIT_TOKENS, 30, generator), PLACES, pad_id=0)
    neg = response_means(model, _answers(OPPOSITE_TOKENS, 30, generator), PLACES, pad_id=0)
    vector = mean_difference(pos, neg)[Place(1)]
    assert abs(float(torch.nn.functional.cosine_similarity(vector, direction, dim=0))) < 0.6


def test_a_probe_separates_the_planted_feature_on_held_out_answers(tmp_path):
    _, pos, neg = _activations(seed=0)
    probe = LinearProbe.fit(pos[Place(1)][:20], neg[Place(1)][:20], Place(1))
    probe.calibrate(neg[Place(1)][:20], false_positive_rate=0.05)
    loaded = LinearProbe.load(probe.save(tmp_path / "probe"))
    held_pos, held_neg = loaded.score(pos[Place(1)][20:]), loaded.score(neg[Place(1)][20:])
    assert float(held_pos.min()) > float(held_neg.max())
    assert loaded.threshold is not None and bool((held_pos > loaded.threshold).all())
    torch.testing.assert_close(loaded.score(pos[Place(1)]), probe.score(pos[Place(1)]))
