"""Where local models run: `--device auto|cpu|cuda[:N]`, and in what precision: `--dtype auto|float32|bfloat16|float16`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from astray.errors import AstrayError

if TYPE_CHECKING:
    import torch

DEVICE_CHOICES = "auto, cpu, cuda or cuda:N"
DTYPE_CHOICES = ("auto", "float32", "bfloat16", "float16")


def check_device_name(name: str) -> str:
    """The `--device` value normalised, or a one-line error; imports no torch (the CLI checks flags at start)."""
    normal = (name or "auto").strip().lower()
    if normal not in ("auto", "cpu", "cuda") and not normal.startswith("cuda:"):
        raise AstrayError(f"--device {name!r} is not one of {DEVICE_CHOICES}")
    return normal


def check_dtype_name(name: str) -> str:
    """The `--dtype` value normalised (bf16 / fp32 / fp16 accepted), or a one-line error; imports no torch."""
    normal = (name or "auto").strip().lower()
    normal = {"bf16": "bfloat16", "fp32": "float32", "fp16": "float16", "half": "float16"}.get(normal, normal)
    if normal not in DTYPE_CHOICES:
        raise AstrayError(f"--dtype {name!r} is not one of {', '.join(DTYPE_CHOICES)}")
    return normal


def choose_device(name: str = "auto") -> torch.device:
    """The torch device a `--device` value means; a clear error when CUDA is asked for and absent."""
    import torch

    name = check_device_name(name)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if not torch.cuda.is_available():  # cuda or cuda:N: check_device_name allows nothing else
        raise AstrayError(f"--device {name}: this torch build sees no CUDA device "
                          f"(torch {torch.__version__}; install a CUDA build of torch, or use --device cpu)")
    device = torch.device(name)
    if device.index is not None and device.index >= torch.cuda.device_count():
        raise AstrayError(f"--device {name}: only {torch.cuda.device_count()} CUDA device(s) are visible")
    return device


def load_dtype(device: torch.device, name: str = "auto") -> torch.dtype:
    """The weights' precision. `auto`: float32 on CPU, where answers depend least on their batch mates
    (bfloat16 generates ~2.3x faster on a CPU with AVX512-BF16 or AMX, but two runs of the demo scan then
    disagreed on 173 of 240 answers, against 39 in float32 and 0 in float32 with `--batch-invariant`); bfloat16 on
    CUDA where supported, else float16."""
    import torch

    name = check_dtype_name(name)
    if name != "auto":
        return getattr(torch, name)
    if device.type != "cuda":
        return torch.float32
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def describe_device(device: torch.device, dtype: str = "auto", batch_invariant: bool | None = None) -> dict[str, str]:
    """What results files record about where a model ran, and (when known) whether a row's answer is
    independent of its batch mates (`astray.models.batch_invariance`)."""
    import torch

    record = {"device": str(device), "dtype": str(load_dtype(device, dtype)).removeprefix("torch.")}
    if device.type == "cuda":
        record["name"] = torch.cuda.get_device_name(device)
    if batch_invariant is not None:
        record["numerics"] = "batch-invariant" if batch_invariant else "batch-dependent"
    return record
