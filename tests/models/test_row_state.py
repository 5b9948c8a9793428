"""A running batch's per-row state keeps each row's tensors together through stacking, selecting and
writing into places - every field, whatever its width."""

from dataclasses import fields

import pytest
import torch

from astray.models.row_state import RowState


def _state(ids: list[int], cache_width: int = 3, token_width: int = 2) -> RowState:
    """Rows whose every field holds the row's id, so a row can be recognised in any field."""
    column = torch.tensor(ids, dtype=torch.long)
    return RowState(attention=column[:, None].repeat(1, cache_width), next_position=column[:, None],
                    logits=column[:, None].float().repeat(1, 5), seed_words=column[:, None].repeat(1, 2),
                    steps_device=column.clone(), steps=column.clone(), max_new=column.clone(),
                    tokens=column[:, None].repeat(1, token_width))


def _row_ids(state: RowState) -> dict[str, list[int]]:
    """For each field, the id each row holds (its first column)."""
    out = {}
    for f in fields(state):
        value = getattr(state, f.name)
        out[f.name] = [int(v) for v in (value[:, 0] if value.dim() > 1 else value)]
    return out


def test_stacking_then_selecting_keeps_every_field_of_a_row_together():
    state = _state([1, 2], token_width=2).stacked(_state([3], token_width=4))
    assert state.tokens.shape == (3, 4) and state.tokens[0, 2:].tolist() == [0, 0]
    picked = state.select(torch.tensor([2, 0]))
    assert all(ids == [3, 1] for ids in _row_ids(picked).values()), _row_ids(picked)


def test_writing_into_places_replaces_every_field_and_clears_the_old_tokens():
    state = _state([1, 2, 3], token_width=4)
    state.write(torch.tensor([1]), _state([7], token_width=2))
    assert all(ids == [1, 7, 3] for ids in _row_ids(state).values()), _row_ids(state)
    assert state.tokens[1].tolist() == [7, 7, 0, 0]
    state.write(torch.tensor([0]), _state([8], token_width=6))
    assert state.tokens.shape == (3, 6) and state.tokens[0].tolist() == [8] * 6 and state.tokens[2].tolist() == [3] * 4 + [0, 0]


def test_rows_of_different_cache_widths_are_refused_not_misaligned():
    with pytest.raises(ValueError, match="cache widths differ"):
        _state([1], cache_width=3).stacked(_state([2], cache_width=4))
    with pytest.raises(ValueError, match="cache widths differ"):
        _state([1], cache_width=3).write(torch.tensor([0]), _state([2], cache_width=4))
