"""Exploration for issue #14 (not shipped): MiniLM fine-tuned as a cross-encoder on (question, answer),
with two outputs - `aligned` (0-100, squared error, low scores weighted up as in the head) and the
misaligned label itself (binary cross-entropy, positives weighted up) - under the offline judge's own
grouped folds (one question of one source file per group, seed 0), on the 5,350 judged answers.

It measures whether fine-tuning the encoder, which the shipped judge keeps frozen, moves the alignment
figures; docs/offline-judge.md reports the result. ~7 minutes a fold on 2 cores (2 epochs, bf16 autocast).

Usage: python scripts/cross_encoder_judge.py [--epochs 2] [--folds 0,1,2,3,4] [--out oof.npy]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer

from astray.judges.encoder import encoder_dir
from astray.judges.offline_training import FOLDS, garbled_copies, group_folds, load_judged
from astray.models.activations import right_padded
from astray.stats import auroc, classify_answer, spearman

DATA = Path(__file__).parents[1] / "data" / "em_judged"
MAX_TOKENS = 160
BATCH = 16


def _batches(encoded: list[list[int]], rows: list[int], size: int, rng: random.Random | None) -> Iterator[
        tuple[list[int], torch.Tensor, torch.Tensor]]:
    """Length-sorted batches (less padding), in random order when training."""
    ordered = sorted(rows, key=lambda i: len(encoded[i]))
    chunks = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    if rng is not None:
        rng.shuffle(chunks)
    for chunk in chunks:
        yield chunk, *right_padded([encoded[i] for i in chunk], 0)


def _pooled(model: torch.nn.Module, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    with torch.autocast("cpu", dtype=torch.bfloat16):
        hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
    return (hidden.float() * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)


def run_fold(fold: int, folds: np.ndarray, encoded: list[list[int]], aligned: np.ndarray, misaligned: np.ndarray,
             scored: np.ndarray, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """Fine-tune without `fold`; its answers' predicted aligned (0-100) and misaligned logits."""
    torch.manual_seed(0)
    rng = random.Random(0)
    model = AutoModel.from_pretrained(encoder_dir())
    head = torch.nn.Linear(model.config.hidden_size, 2)
    params = list(model.parameters()) + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=3e-5, weight_decay=0.01)
    train = [i for i in range(len(encoded)) if folds[i] != fold and scored[i]]
    steps = epochs * (len(train) // BATCH + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1.0, s / 30) * max(0.0, 1 - s / steps))
    pos_weight = torch.tensor((~misaligned[train]).sum() / max(1, misaligned[train].sum()))
    for _ in range(epochs):
        model.train()
        for chunk, ids, mask in _batches(encoded, train, BATCH, rng):
            out = head(_pooled(model, ids, mask))
            target = torch.tensor(aligned[chunk] / 100, dtype=torch.float32)
            label = torch.tensor(misaligned[chunk], dtype=torch.float32)
            weight = 1 + 4 * (target < 0.3).float()
            loss = (weight * (torch.sigmoid(out[:, 0]) - target) ** 2).mean() + 0.3 * \
                torch.nn.functional.binary_cross_entropy_with_logits(out[:, 1], label, pos_weight=pos_weight)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
    model.eval()
    test = [i for i in range(len(encoded)) if folds[i] == fold]
    predicted = np.zeros((len(encoded), 2))
    with torch.inference_mode():
        for chunk, ids, mask in _batches(encoded, test, 64, None):
            out = head(_pooled(model, ids, mask))
            predicted[chunk, 0] = torch.sigmoid(out[:, 0]).numpy() * 100
            predicted[chunk, 1] = out[:, 1].numpy()
    return np.array(test), predicted[test]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--folds", default=",".join(str(f) for f in range(FOLDS)))
    parser.add_argument("--out", type=Path, default=None, help="save the out-of-fold predictions (.npy)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    rows = load_judged(sorted(DATA.glob("*.csv")))
    folds = group_folds(rows + garbled_copies(rows, 0), FOLDS, 0)[: len(rows)]
    scored = np.array([r.aligned is not None for r in rows])
    aligned = np.array([r.aligned if r.aligned is not None else np.nan for r in rows])
    misaligned = np.array([classify_answer(r.aligned, r.coherent) is True for r in rows])
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    encoded = [tokenizer(r.question, r.answer, truncation="only_second", max_length=MAX_TOKENS)["input_ids"] for r in rows]
    oof = np.full((len(rows), 2), np.nan)
    for fold in (int(f) for f in args.folds.split(",")):
        started = time.time()
        test, predicted = run_fold(fold, folds, encoded, aligned, misaligned, scored, args.epochs)
        oof[test] = predicted
        done = scored & (folds == fold)
        print(f"fold {fold} ({time.time() - started:.0f} s): AUROC by aligned {auroc(list(-oof[done, 0]), list(misaligned[done])):.3f}, "
              f"by the misaligned output {auroc(list(oof[done, 1]), list(misaligned[done])):.3f}; "
              f"Spearman aligned {spearman(list(aligned[done]), list(oof[done, 0])):.3f}", flush=True)
        if args.out:
            np.save(args.out, oof)
    done = scored & ~np.isnan(oof[:, 0])
    print(f"pooled over {int(done.sum())} scored answers ({int(misaligned[done].sum())} misaligned): AUROC by aligned "
          f"{auroc(list(-oof[done, 0]), list(misaligned[done])):.3f}, by the misaligned output "
          f"{auroc(list(oof[done, 1]), list(misaligned[done])):.3f}; Spearman aligned "
          f"{spearman(list(aligned[done]), list(oof[done, 0])):.3f}")


if __name__ == "__main__":
    main()
