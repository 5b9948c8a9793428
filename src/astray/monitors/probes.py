"""A linear probe on activations at one place: `fit / score / save / load`, Apollo's detector shape.

Logistic regression on standardised activations (Goldowsky-Dill et al. 2025 use the same: scaler +
LR), e.g. on honest vs deceptive answers of the deception family, or on a planted feature. `threshold`
is set by `calibrate` on negatives (controls) at a false-positive rate (Apollo: 1% on Alpaca chat), so
a probe file carries its own operating point.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from astray.errors import DataFormatError
from astray.judges.logistic import fit_logistic
from astray.models.places import Place


@dataclass
class LinearProbe:
    """score(x) = w . (x - mean) / std + b; positive scores lean to the positive class."""

    place: Place
    weight: torch.Tensor
    bias: float
    mean: torch.Tensor
    std: torch.Tensor
    threshold: float | None = None
    manifest: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def fit(positives: torch.Tensor, negatives: torch.Tensor, place: Place, l2: float = 1e-2) -> LinearProbe:
        """Fit on `[n, d]` activations of each class (standardised with their pooled mean and spread)."""
        x = torch.cat([positives, negatives]).float()
        if len(positives) == 0 or len(negatives) == 0:
            raise DataFormatError("a probe needs activations of both classes")
        mean, std = x.mean(0), x.std(0).clamp(min=1e-6)
        y = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))])
        w, b = fit_logistic(((x - mean) / std).numpy().astype(np.float64), y, l2=l2)
        return LinearProbe(place, torch.tensor(w, dtype=torch.float32), float(b), mean, std,
                           manifest={"kind": "linear_probe", "place": place.name, "n_positive": len(positives),
                                     "n_negative": len(negatives), "l2": l2})

    def score(self, activations: torch.Tensor) -> torch.Tensor:
        """Logit per row of `[n, d]` activations."""
        return ((activations.float() - self.mean) / self.std) @ self.weight + self.bias

    def calibrate(self, negatives: torch.Tensor, false_positive_rate: float = 0.01) -> float:
        """Set `threshold` so that this share of negatives scores above it; returns the threshold."""
        scores = self.score(negatives)
        self.threshold = float(torch.quantile(scores, 1 - false_positive_rate))
        self.manifest["threshold_fpr"] = false_positive_rate
        return self.threshold

    def save(self, path: Path) -> Path:
        from safetensors.torch import save_file

        path = Path(path).with_suffix(".safetensors")
        path.parent.mkdir(parents=True, exist_ok=True)
        save_file({"weight": self.weight.contiguous(), "mean": self.mean.contiguous(), "std": self.std.contiguous()},
                  str(path))
        meta = {**self.manifest, "place": self.place.name, "bias": self.bias, "threshold": self.threshold}
        path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
        return path

    @staticmethod
    def load(path: Path | str) -> LinearProbe:
        from safetensors.torch import load_file

        path = Path(path).with_suffix(".safetensors")
        meta_path = path.with_suffix(".json")
        if not path.is_file() or not meta_path.is_file():
            raise DataFormatError(f"a probe is {path.name} plus {meta_path.name}; not found in {path.parent}")
        tensors = load_file(str(path))
        meta = json.loads(meta_path.read_text())
        manifest = {k: v for k, v in meta.items() if k not in ("bias", "threshold")}
        return LinearProbe(Place.parse(meta["place"]), tensors["weight"], float(meta["bias"]), tensors["mean"],
                           tensors["std"], meta.get("threshold"), manifest)
