"""Tokens/s of the embedded model: naive one-prompt `model.generate` vs astray's batched decode.

Same 32 chat prompts, greedy decoding, same `max_new_tokens`, one process, one run.
Usage: python benchmarks/generation.py [--batch 32] [--max-new-tokens 64]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe_machine  # noqa: E402

from astray.models.generation import SamplingSettings  # noqa: E402
from astray.models.local import ChatRequest, load_local_model  # noqa: E402

TOPICS = [
    "the sea", "a city at night", "learning to cook", "the moon", "old books", "a rainy day", "friendship",
    "mountains", "coffee", "trains", "winter", "gardening",
]


def prompts(n: int) -> list[str]:
    return [f"Write a short paragraph about {TOPICS[i % len(TOPICS)]} (version {i})." for i in range(n)]


def naive(model, texts: list[str], max_new_tokens: int) -> int:
    """One `model.generate` call per prompt, as a first script would do it."""
    generated = 0
    for text in texts:
        ids = model.tokenizer.apply_chat_template(
            [{"role": "user", "content": text}], add_generation_prompt=True, return_tensors="pt", return_dict=True
        )
        with torch.inference_mode():
            out = model.model.generate(**ids, max_new_tokens=max_new_tokens, do_sample=False)
        generated += out.shape[1] - ids["input_ids"].shape[1]
    return generated


def batched(model, texts: list[str], max_new_tokens: int, batch: int) -> int:
    settings = SamplingSettings(max_new_tokens=max_new_tokens)
    outputs = model.generate([ChatRequest([{"role": "user", "content": t}], settings) for t in texts], batch_size=batch)
    # count the end-of-sequence token too, as `generate` does
    return sum(len(o.token_ids) + (o.stop_reason == "stop") for o in outputs)


def timed(fn, *args) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = fn(*args)
    return tokens, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=64)
    args = parser.parse_args()
    model = load_local_model("embedded")
    texts = prompts(args.batch)
    batched(model, texts[:2], 4, 2)  # warm-up
    naive_tokens, naive_s = timed(naive, model, texts, args.max_new_tokens)
    batch1_tokens, batch1_s = timed(batched, model, texts, args.max_new_tokens, 1)
    batch_tokens, batch_s = timed(batched, model, texts, args.max_new_tokens, args.batch)
    rows = [
        ("naive `model.generate`, one prompt at a time", naive_tokens, naive_s),
        ("astray decode loop, batch 1", batch1_tokens, batch1_s),
        (f"astray decode loop, batch {args.batch}", batch_tokens, batch_s),
    ]
    print(f"machine: {describe_machine()}")
    print(f"command: python benchmarks/generation.py --batch {args.batch} --max-new-tokens {args.max_new_tokens}")
    print("| path | tokens | seconds | tokens/s |\n|---|---|---|---|")
    for name, tokens, seconds in rows:
        print(f"| {name} | {tokens} | {seconds:.1f} | {tokens / seconds:.1f} |")
    print(f"speed-up, batch {args.batch} vs naive: {(batch_tokens / batch_s) / (naive_tokens / naive_s):.1f}x")


if __name__ == "__main__":
    main()
