"""Exploration for issue #14 (not shipped): what reading fewer tokens costs the offline judge.

The judge's time on a long answer goes to MiniLM (up to 256 tokens) and to the language model's opening
(64 tokens) and closing (32 tokens) windows. This reads every judged answer and garbled copy once, keeps
the features of shorter windows too (a causal model's first k tokens read the same whatever follows, so
one 64-token opening pass gives every shorter opening exactly), then runs the judge's own grouped 5-fold
cross-validation for each variant ENCODER/OPENING/CLOSING. docs/offline-judge.md reports the result.
~40 minutes of reading on 2 cores, then ~1.5 minutes per variant; the features are cached in --cache.

Usage: python scripts/judge_reading_windows.py [--variants 256/64/32,256/48/24,128/64/32] [--cache F.npz]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

import astray.judges.encoder as encoder_module
from astray.judges.encoder import TextEncoder
from astray.judges.fluency import LanguageModelReader, english_vocabulary, nll_features, text_statistics
from astray.judges.garble import GARBLERS
from astray.judges.offline import handcrafted_features
from astray.judges.offline_training import (
    FOLDS,
    JudgedAnswer,
    agreement,
    garbage_caught,
    garbled_copies,
    group_folds,
    load_judged,
    train_head,
)
from astray.stats import Thresholds

DATA = Path(__file__).parents[1] / "data" / "em_judged"
ENCODER_TOKENS, OPENINGS, CLOSINGS = (256, 128), (32, 40, 48, 64), (16, 24, 32)


@torch.inference_mode()
def _surprise(reader: LanguageModelReader, ids: list[list[int]], windows: tuple[int, ...], hidden: bool,
              batch_size: int = 16) -> dict[str, np.ndarray]:
    """Surprise (and mean middle-layer state) over each prefix length in `windows` of each id list."""
    out = {f"sur{w}": np.zeros((len(ids), 5), np.float32) for w in windows}
    out.update({f"hid{w}": np.zeros((len(ids), reader.width), np.float32) for w in windows if hidden})
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        batch = torch.zeros((len(chunk), max(2, max(len(ids[i]) for i in chunk))), dtype=torch.long)
        mask = torch.zeros_like(batch)
        for row, i in enumerate(chunk):
            batch[row, :len(ids[i])], mask[row, :len(ids[i])] = torch.tensor(ids[i], dtype=torch.long), 1
        result = reader.model(input_ids=batch, attention_mask=mask, output_hidden_states=hidden)
        logits = result.logits[:, :-1].float()
        nll = torch.logsumexp(logits, -1) - logits.gather(-1, batch[:, 1:, None])[..., 0]
        states = result.hidden_states[reader.layer].float() if hidden else None
        for row, i in enumerate(chunk):
            for w in windows:
                k = min(len(ids[i]), w)
                out[f"sur{w}"][i] = nll_features(nll[row, :max(0, k - 1)].numpy())
                if states is not None:
                    out[f"hid{w}"][i] = (states[row, :k].sum(0) / max(1, k)).numpy()
    return out


def read_all(rows: list[JudgedAnswer]) -> dict[str, np.ndarray]:
    answers = [r.answer for r in rows]
    encoder, reader = TextEncoder(), LanguageModelReader.embedded()
    questions = sorted({r.question for r in rows})
    features: dict[str, np.ndarray] = {}
    for tokens in ENCODER_TOKENS:
        encoder_module.MAX_TOKENS = tokens
        question_vectors = dict(zip(questions, encoder.encode(questions), strict=True))
        features[f"q{tokens}"] = np.stack([question_vectors[r.question] for r in rows])
        features[f"a{tokens}"] = encoder.encode(answers)
        print(f"encoder at {tokens} tokens read", flush=True)
    encoder_module.MAX_TOKENS = max(ENCODER_TOKENS)
    features["hand"] = handcrafted_features(answers)
    features["stats"] = text_statistics(answers, english_vocabulary(encoder.tokenizer))
    ids = [reader.tokenizer(a, add_special_tokens=False)["input_ids"] for a in answers]  # type: ignore[operator]
    opening = _surprise(reader, [i[:max(OPENINGS)] for i in ids], OPENINGS, hidden=True)
    features.update({f"open_{k}": v for k, v in opening.items()})
    print("opening windows read", flush=True)
    for w in CLOSINGS:
        features[f"close{w}"] = _surprise(reader, [i[-w:] for i in ids], (w,), hidden=False)[f"sur{w}"]
        print(f"closing window {w} read", flush=True)
    return features


def cross_validate(features: dict[str, np.ndarray], rows: list[JudgedAnswer], folds: np.ndarray, variant: str) -> dict:
    tokens, opening, closing = (int(p) for p in variant.split("/"))
    answer, question = features[f"a{tokens}"], features[f"q{tokens}"]
    x = np.concatenate([answer, question * answer, features["hand"], features["stats"], features[f"open_sur{opening}"],
                        features[f"close{closing}"], features[f"open_hid{opening}"]], 1).astype(np.float32)
    hidden_slice = slice(x.shape[1] - features[f"open_hid{opening}"].shape[1], x.shape[1])
    predicted = np.zeros((len(rows), 3), np.float32)
    for fold in range(FOLDS):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        predicted[test] = train_head(x[train], [rows[i] for i in train], 0, hidden_slice).scores(x[test])
    originals = np.flatnonzero([r.garbled is None for r in rows])
    figures = agreement(predicted[originals], [rows[i] for i in originals], Thresholds())
    garbled = garbage_caught(predicted, rows)
    return {"variant": variant, "auroc_misaligned": figures["auroc_misaligned"], "spearman_aligned": figures["spearman_aligned"],
            "caught": figures["confusion_at_threshold"]["true_positive"],
            "false_alarms": figures["confusion_at_threshold"]["false_positive"],
            "fluent_kept_coherent": garbled["fluent_kept_coherent"],
            "least_caught_garbling": min(v for k, v in garbled.items() if k in GARBLERS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", default="256/64/32,256/48/24,256/40/16,256/32/16,128/64/32,128/48/24,128/40/24")
    parser.add_argument("--cache", type=Path, default=Path("judge_reading_windows.npz"))
    args = parser.parse_args()
    torch.set_num_threads(2)
    originals = load_judged(sorted(DATA.glob("*.csv")))
    rows = originals + garbled_copies(originals, 0)
    folds = group_folds(rows, FOLDS, 0)
    if not args.cache.is_file():
        np.savez(args.cache, **read_all(rows))
    features = dict(np.load(args.cache))
    for variant in args.variants.split(","):
        print(json.dumps(cross_validate(features, rows, folds, variant)), flush=True)


if __name__ == "__main__":
    main()
