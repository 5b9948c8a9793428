"""Activations named by place read what Hugging Face calls hidden_states[l + 1]; steering adds exactly
coef x vector at its block and nowhere else, and leaves the model unsteered afterwards."""

from __future__ import annotations

import pytest
import torch

from astray.errors import AstrayError
from astray.models.activations import PromptAndResponse, recording, response_means
from astray.models.directions import DirectionSet
from astray.models.places import Place
from astray.models.steering import Steering, SteeringSpec, steered
from tests.tiny_model import tiny_llama


def _ids() -> torch.Tensor:
    return torch.tensor([[5, 17, 300, 42, 9, 77]])


def test_place_names_round_trip_and_map_to_the_hidden_states_index():
    assert Place.parse("blocks.3.hook_resid_post") == Place(3, "resid_post")
    assert Place.parse("7") == Place(7)
    assert Place(3).hidden_state_index == 4 and Place(3, "resid_pre").hidden_state_index == 3
    with pytest.raises(AstrayError, match="unknown activation place"):
        Place.parse("layer3")


def test_recorded_places_equal_the_matching_hidden_states():
    model = tiny_llama(layers=3)
    places = [Place(0), Place(1, "resid_pre"), Place(1)]
    with recording(model, places) as seen, torch.no_grad():
        hidden = model(input_ids=_ids(), output_hidden_states=True).hidden_states
    for place in places:
        torch.testing.assert_close(seen[place], hidden[place.hidden_state_index])


def test_a_place_past_the_last_block_is_a_clear_error():
    with pytest.raises(AstrayError, match="blocks 0-2"), recording(tiny_llama(layers=3), [Place(3)]):
        pass


def test_steering_moves_the_projection_at_its_block_by_coef_times_norm_and_is_removed_after():
    model = tiny_llama(layers=3)
    vector = torch.randn(32)
    unit = vector / vector.norm()
    with recording(model, [Place(1)]) as seen, torch.no_grad():
        model(input_ids=_ids())
        before = seen[Place(1)][0] @ unit
        with steered(model, [Steering(vector, 2.5, Place(1), {})]):
            model(input_ids=_ids())
            during = seen[Place(1)][0] @ unit
        model(input_ids=_ids())
        after = seen[Place(1)][0] @ unit
    torch.testing.assert_close(during - before, torch.full_like(before, 2.5 * float(vector.norm())), rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(after, before)


def test_steering_an_earlier_block_changes_later_blocks_but_not_earlier_ones():
    model = tiny_llama(layers=3)
    with recording(model, [Place(0), Place(2)]) as seen, torch.no_grad():
        model(input_ids=_ids())
        plain = {p: t.clone() for p, t in seen.items()}
        with steered(model, [Steering(torch.randn(32), 4.0, Place(1), {})]):
            model(input_ids=_ids())
    torch.testing.assert_close(seen[Place(0)], plain[Place(0)])
    assert not torch.allclose(seen[Place(2)], plain[Place(2)])


def test_response_means_average_only_the_response_tokens_whatever_the_padding():
    model = tiny_llama(layers=3)
    items = [PromptAndResponse([5, 6, 7], [8, 9]), PromptAndResponse([5], [10, 11, 12, 13]), PromptAndResponse([4, 4], [])]
    means = response_means(model, items, [Place(1)], pad_id=0, batch_size=3)[Place(1)]
    for index, item in enumerate(items):
        with torch.no_grad():
            hidden = model(input_ids=torch.tensor([item.prompt + item.response]), output_hidden_states=True).hidden_states[2]
        begin = len(item.prompt) if item.response else len(item.prompt) - 1
        torch.testing.assert_close(means[index], hidden[0, begin:].mean(0), rtol=1e-4, atol=1e-5)


def test_steering_spec_parses_paths_coefficients_and_layers(tmp_path):
    assert SteeringSpec.parse("runs/evil.safetensors:-1.5") == SteeringSpec("runs/evil.safetensors", -1.5, None)
    assert SteeringSpec.parse("v.safetensors:4@blocks.12.hook_resid_post").layer == 12
    for bad in ("v.safetensors", "v.safetensors:strong"):
        with pytest.raises(AstrayError, match="--steer"):
            SteeringSpec.parse(bad)


def test_a_saved_direction_set_loads_with_its_chosen_place_and_steers(tmp_path):
    directions = DirectionSet({Place(0): torch.ones(32), Place(1): torch.arange(32.0)}, {"chosen_place": "blocks.1.hook_resid_post"})
    path = directions.save(tmp_path / "v")
    steering = Steering.load(SteeringSpec.parse(f"{path}:2"))
    assert steering.place == Place(1) and torch.equal(steering.vector, torch.arange(32.0))
    assert Steering.load(SteeringSpec.parse(f"{tmp_path}:2@0")).place == Place(0)
    with pytest.raises(AstrayError, match="vector has 32 dimensions"), steered(tiny_llama(width=64), [steering]):
        pass
