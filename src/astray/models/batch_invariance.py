"""Make a float32 CPU model give each row the same logits whatever rows share its batch.

Why: astray's decode loop gives every row its own random stream so that a seeded answer depends only
on (prompt, seed), but two float32 runs of the demo scan with the same seeds still disagreed on 39 of
240 answers: a row's logits moved in the last bits with its batch layout and now and then flipped a
sampled token. Measured on a 2-core AMD EPYC (torch 2.13, MKL), the two causes are:

- attention over a left-padded cache: where a row's keys start changes how SDPA's vectorised sums
  group them (output differences ~1e-7);
- matrix products with few rows: MKL picks other kernels for some row counts (here 1-3, 5-7 and 9-11
  rows on 2 threads), which sum in another order.

The fixes: attention is SDPA in float64, rounded to float32 (a float64 sum's rounding lies ~1e-9
below float32's resolution, so any grouping of the same terms rounds to the same float32, barring a
near-tie at a rounding boundary; the decode loop keeps the KV cache in float64 so it is not converted
every step), and every linear layer is fed a row count that is a
multiple of what a probe of this machine's matrix product finds to give row-for-row equal results.
Where that cannot be had, `make_batch_invariant` leaves the model as it was and says so, and
`--batch-invariant` is refused with a one-line error.

It is opt-in (`--batch-invariant`) because float64 attention costs speed (benchmarks/RESULTS.md).
On a GPU or in bfloat16 nothing is changed: their kernels are not batch-invariant and astray does
not claim they are.
"""

from __future__ import annotations

from typing import Any

import torch

from astray.models.places import unwrapped

ATTENTION = "astray_batch_invariant"
_MULTIPLES = (1, 2, 4, 8, 16)
_PROBE_ROWS = (96, 64, 48, 32, 24, 16, 12, 8, 4, 2, 1)
_probed: dict[tuple[int, int, int, int], int | None] = {}  # (in, out, bias, threads) -> row multiple


def make_batch_invariant(model: torch.nn.Module) -> bool:
    """Switch `model` (float32, on CPU) to batch-invariant attention and row padding; False, and the
    model unchanged, where that cannot be had (another device or precision, an architecture whose
    attention cannot be swapped, or a matrix product no row multiple makes row-for-row equal)."""
    inner = unwrapped(model)
    if getattr(inner, "_astray_batch_invariant", False):
        return True
    parameter = next(inner.parameters(), None)
    if parameter is None or parameter.device.type != "cpu" or parameter.dtype != torch.float32:
        return False
    linears = [module for module in model.modules() if isinstance(module, torch.nn.Linear)]
    multiples = [row_multiple(layer.in_features, layer.out_features, layer.bias is not None) for layer in linears]
    if any(multiple is None for multiple in multiples):
        return False
    multiple = max([m for m in multiples if m is not None], default=1)
    _register_attention()
    try:
        inner.set_attn_implementation(ATTENTION)
    except (ValueError, AttributeError, NotImplementedError):
        return False
    if multiple > 1:
        for layer in linears:
            layer.register_forward_pre_hook(_RowPadding(multiple).before)
            layer.register_forward_hook(_RowPadding.after)
    inner._astray_batch_invariant = True
    return True


def is_batch_invariant(model: torch.nn.Module) -> bool:
    """Whether `make_batch_invariant` switched this model over."""
    return bool(getattr(unwrapped(model), "_astray_batch_invariant", False))


def row_multiple(in_features: int, out_features: int, bias: bool = False) -> int | None:
    """The smallest row multiple at which this machine's float32 `x @ W.T (+ b)` gives every row the value
    it has in a 96-row product (probed once per shape, bias and thread count: a bias takes another BLAS
    call), or None if none up to 16 does."""
    key = (in_features, out_features, int(bias), torch.get_num_threads())
    if key not in _probed:
        generator = torch.Generator().manual_seed(0)
        weight = torch.randn(out_features, in_features, generator=generator)
        offset = torch.randn(out_features, generator=generator) if bias else None
        rows = torch.randn(_PROBE_ROWS[0], in_features, generator=generator)
        reference = torch.nn.functional.linear(rows, weight, offset)
        _probed[key] = next((multiple for multiple in _MULTIPLES
                             if all(torch.equal(torch.nn.functional.linear(rows[:count], weight, offset), reference[:count])
                                    for count in _PROBE_ROWS[1:] if count % multiple == 0)), None)
    return _probed[key]


class _RowPadding:
    """Forward hooks that pad a linear layer's input rows up to a multiple (zero rows) and cut them off again.

    The pre-hook leaves the true row count on the module for the post-hook, so a model takes one forward
    pass at a time (`LocalModel.forward_pass` holds a lock). The multiple is probed at load time, for the
    thread count torch had then."""

    def __init__(self, multiple: int) -> None:
        self.multiple = multiple

    def before(self, module: torch.nn.Module, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        x = args[0]
        rows = x.numel() // x.shape[-1] if x.shape[-1] else 0
        short = -rows % self.multiple
        if not short or not rows:
            return None
        module.__dict__["_astray_rows"] = (x.shape, rows)
        flat = x.reshape(rows, x.shape[-1])
        return (torch.cat([flat, flat.new_zeros(short, flat.shape[1])]), *args[1:])

    @staticmethod
    def after(module: torch.nn.Module, args: tuple[Any, ...], out: torch.Tensor) -> torch.Tensor | None:
        padded = module.__dict__.pop("_astray_rows", None)
        if padded is None:
            return None
        shape, rows = padded
        return out[:rows].reshape(*shape[:-1], out.shape[-1])


def batch_invariant_attention(module: torch.nn.Module, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                              attention_mask: torch.Tensor | None, dropout: float = 0.0, scaling: float | None = None,
                              **kwargs: Any) -> tuple[torch.Tensor, None]:
    """SDPA in float64, rounded to the query's dtype.

    Shapes follow transformers' attention interface: query `[batch, heads, q, dim]`, key/value
    `[batch, kv_heads, k, dim]` (grouped-query heads shared without copying), mask `[batch, 1, q, k]`
    (True = attend) or additive; returns `[batch, q, heads, dim]`. A fully masked query row (a padding
    position) gets zeros, not NaN, so the keys and values later computed from it stay finite."""
    if dropout and module.training:
        raise ValueError("batch-invariant attention is for inference; it does not do dropout")
    mask = attention_mask if attention_mask is None or attention_mask.dtype == torch.bool else attention_mask.double()
    out = torch.nn.functional.scaled_dot_product_attention(query.double(), key.double(), value.double(), attn_mask=mask,
                                                           scale=scaling, enable_gqa=key.shape[1] != query.shape[1])
    return out.nan_to_num_(0.0).to(query.dtype).transpose(1, 2).contiguous(), None


def _mask(*args: Any, **kwargs: Any) -> Any:
    """SDPA's boolean mask, always built: the attention above has no implicit causal mode."""
    from transformers.masking_utils import sdpa_mask

    kwargs["allow_is_causal_skip"] = False
    return sdpa_mask(*args, **kwargs)


def _register_attention() -> None:
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface

    AttentionInterface.register(ATTENTION, batch_invariant_attention)
    AttentionMaskInterface.register(ATTENTION, _mask)
