"""Tokens/s of local generation: naive one-prompt `generate`, Hugging Face batched `generate`, and
astray's decode loop (per-row seeds, rows leave as they finish), in one process on one device.

Part 1 (the 8x target on CPU): 32 chat prompts, greedy, naive `generate` one at a time vs astray at
batch 32. Part 2 (at least as fast as `generate`): sampled decoding (temperature 1) at each batch size,
HF `generate(do_sample=True)` on left-padded prompts vs astray's `generate` on the same prompts.
Tokens are counted as generated tokens including the end-of-sequence token, as `generate` does.

`--random-weights` builds a random-weight model from the embedded model's config and tokenizer
(for a GPU machine that cannot receive the weights; speed is the same): its rows never end early,
so both paths make exactly batch x max-new-tokens tokens.

Usage: python benchmarks/generation.py [--batches 1,64,256] [--max-new-tokens 64] [--device auto] [--dtype auto]
                                       [--skip-naive] [--random-weights DIR] [--batch-invariant]
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
from astray.models.local import ChatRequest, LocalModel, load_local_model  # noqa: E402
from astray.models.naming import ModelRef  # noqa: E402

TOPICS = [
    "the sea", "a city at night", "learning to cook", "the moon", "old books", "a rainy day", "friendship",
    "mountains", "coffee", "trains", "winter", "gardening",
]


def prompts(n: int) -> list[str]:
    return [f"Write a short paragraph about {TOPICS[i % len(TOPICS)]} (version {i})." for i in range(n)]


def naive(model: LocalModel, texts: list[str], max_new_tokens: int) -> int:
    """One `model.generate` call per prompt, as a first script would do it."""
    generated = 0
    for text in texts:
        ids = torch.tensor([model.encode_chat([{"role": "user", "content": text}])], device=model.device)
        with torch.inference_mode():
            out = model.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                                       do_sample=False, pad_token_id=model.pad_id)
        generated += out.shape[1] - ids.shape[1]
    return generated


def hf_batched(model: LocalModel, texts: list[str], max_new_tokens: int) -> int:
    """Hugging Face `generate` on one left-padded batch, sampling at temperature 1."""
    encoded = [model.encode_chat([{"role": "user", "content": t}]) for t in texts]
    width = max(len(e) for e in encoded)
    ids = torch.full((len(encoded), width), model.pad_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for row, e in enumerate(encoded):
        ids[row, width - len(e):] = torch.tensor(e)
        mask[row, width - len(e):] = 1
    with torch.inference_mode():
        out = model.model.generate(input_ids=ids.to(model.device), attention_mask=mask.to(model.device),
                                   max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=0, top_p=1.0,
                                   pad_token_id=model.pad_id)
    new = out[:, width:]
    eos = torch.tensor(sorted(model.eos_ids), device=new.device)
    # count each row up to and including its first end-of-sequence token
    ended = torch.isin(new, eos)
    first_end = torch.where(ended.any(1), ended.float().argmax(1) + 1, torch.full_like(ended[:, 0], new.shape[1], dtype=torch.long))
    return int(first_end.sum())


def astray(model: LocalModel, texts: list[str], max_new_tokens: int, batch: int, temperature: float) -> int:
    settings = SamplingSettings(max_new_tokens=max_new_tokens, temperature=temperature)
    requests = [ChatRequest([{"role": "user", "content": t}], settings, seed=i) for i, t in enumerate(texts)]
    outputs = model.generate(requests, batch_size=batch)
    return sum(len(o.token_ids) + (o.stop_reason == "stop") for o in outputs)


def timed(fn, *args) -> tuple[int, float]:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    start = time.perf_counter()
    tokens = fn(*args)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return tokens, time.perf_counter() - start


def random_weight_model(directory: Path, device: str, dtype: str = "auto", batch_invariant: bool = False) -> LocalModel:
    """The embedded architecture with random weights (config.json + tokenizer files in `directory`)."""
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from astray.models.devices import choose_device, load_dtype

    target = choose_device(device)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(directory), dtype=load_dtype(target, dtype)).to(target)
    return LocalModel(ModelRef("random", "hf_dir", directory), model, AutoTokenizer.from_pretrained(directory), batch_invariant)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batches", default="1,64,256", help="batch sizes for part 2, comma-separated")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto", help="auto (float32 on CPU, bf16 on CUDA), float32, bfloat16, float16")
    parser.add_argument("--skip-naive", action="store_true", help="skip part 1 (naive vs batch 32)")
    parser.add_argument("--random-weights", type=Path, help="a directory with the embedded config and tokenizer")
    parser.add_argument("--batch-invariant", action="store_true",
                        help="astray's --batch-invariant numerics (HF `generate` then runs on them too)")
    args = parser.parse_args()
    model = (random_weight_model(args.random_weights, args.device, args.dtype, args.batch_invariant) if args.random_weights
             else load_local_model("embedded", args.device, args.dtype, args.batch_invariant))
    print(f"machine: {describe_machine()}; model on {model.device} ({next(model.model.parameters()).dtype})")
    print(f"command: python {' '.join(sys.argv)}")
    astray(model, prompts(2), 4, 2, 1.0)  # warm-up
    hf_batched(model, prompts(2), 4)
    if not args.skip_naive:
        texts = prompts(32)
        naive_tokens, naive_s = timed(naive, model, texts, args.max_new_tokens)
        batch_tokens, batch_s = timed(astray, model, texts, args.max_new_tokens, 32, 0.0)
        print("\n| greedy, 32 prompts | tokens | seconds | tokens/s |\n|---|---|---|---|")
        print(f"| naive `model.generate`, one prompt at a time | {naive_tokens} | {naive_s:.1f} | {naive_tokens / naive_s:.1f} |")
        print(f"| astray decode loop, batch 32 | {batch_tokens} | {batch_s:.1f} | {batch_tokens / batch_s:.1f} |")
        print(f"speed-up, batch 32 vs naive: {(batch_tokens / batch_s) / (naive_tokens / naive_s):.1f}x")
    print("\n| sampled, batch | HF `generate` tokens/s | astray tokens/s | astray / generate |\n|---|---|---|---|")
    for batch in [int(b) for b in args.batches.split(",")]:
        texts = prompts(batch)
        hf_tokens, hf_s = timed(hf_batched, model, texts, args.max_new_tokens)
        our_tokens, our_s = timed(astray, model, texts, args.max_new_tokens, batch, 1.0)
        print(f"| {batch} | {hf_tokens / hf_s:.0f} ({hf_tokens} in {hf_s:.1f} s) | {our_tokens / our_s:.0f} ({our_tokens} in {our_s:.1f} s) "
              f"| {(our_tokens / our_s) / (hf_tokens / hf_s):.2f}x |", flush=True)


if __name__ == "__main__":
    main()
