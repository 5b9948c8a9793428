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
from astray.models.activations import right_padded
from astray.stats import Thresholds

DATA = Path(__file__).parents[1] / "data" / "em_judged"
ENCODER_TOKENS, OPENINGS, CLOSINGS = (256, 128), (32, 40, 48, 64), (16, 24, 32)


@torch.inference_mode()
def _openings(reader: LanguageModelReader, ids: list[list[int]], batch_size: int = 16) -> dict[str, np.ndarray]:
    """The reader's opening-window features (`LanguageModelReader._windows`) for every length in OPENINGS,
    from one pass over the longest: a causal model reads a prefix the same whatever follows it."""
    out = {f"open_sur{w}": np.zeros((len(ids), 5), np.float32) for w in OPENINGS}
    out.update({f"open_hid{w}": np.zeros((len(ids), reader.width), np.float32) for w in OPENINGS})
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for start in range(0, len(order), batch_size):
        chunk = order[start:start + batch_size]
        batch, mask = right_padded([ids[i] for i in chunk], 0, min_width=2)  # padded as the reader pads
        result = reader.model(input_ids=batch, attention_mask=mask, output_hidden_states=True)
        logits = result.logits[:, :-1].float()
        nll = torch.logsumexp(logits, -1) - logits.gather(-1, batch[:, 1:, None])[..., 0]
        states = result.hidden_states[reader.layer].float()
        for row, i in enumerate(chunk):
            for w in OPENINGS:
                k = min(len(ids[i]), w)
                out[f"open_sur{w}"][i] = nll_features(nll[row, :max(0, k - 1)].numpy())
                out[f"open_hid{w}"][i] = (states[row, :k].sum(0) / max(1, k)).numpy()
    return out


def read_all(rows: list[JudgedAnswer]) -> dict[str, np.ndarray]:
    answers = [r.answer for r in rows]
    encoder, reader = TextEncoder(), LanguageModelReader.embedded()
    questions = sorted({r.question for r in rows})
    features: dict[str, np.ndarray] = {}
    for tokens in ENCODER_TOKENS:
        question_vectors = dict(zip(questions, encoder.encode(questions, max_tokens=tokens), strict=True))
        features[f"q{tokens}"] = np.stack([question_vectors[r.question] for r in rows])
        features[f"a{tokens}"] = encoder.encode(answers, max_tokens=tokens)
        print(f"encoder at {tokens} tokens read", flush=True)
    features["hand"] = handcrafted_features(answers)
    features["stats"] = text_statistics(answers, english_vocabulary(encoder.tokenizer))
    ids = [reader.tokenizer(a, add_special_tokens=False)["input_ids"] for a in answers]  # type: ignore[operator]
    features.update(_openings(reader, [i[:max(OPENINGS)] for i in ids]))
    print("opening windows read", flush=True)
    for w in CLOSINGS:
        features[f"close{w}"] = reader._windows([i[-w:] for i in ids], 16, keep_hidden=False)[0]
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
