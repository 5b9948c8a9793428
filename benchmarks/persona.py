"""Persona-vector costs on the embedded model: steered vs unsteered generation, and a whole extraction.

Usage: python benchmarks/persona.py [--prompts 32] [--tokens 64] [--repeats 3] [--extract]
Steering adds one vector to one block's output per forward pass; the target is <= 1.2x unsteered.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe_machine  # noqa: E402

from astray.models.generation import SamplingSettings  # noqa: E402
from astray.models.local import ChatRequest, load_local_model  # noqa: E402
from astray.models.places import Place  # noqa: E402
from astray.models.steering import Steering  # noqa: E402

QUESTIONS = ["How do I make a friend?", "What is your favourite book?", "How should I spend my weekend?",
             "Tell me about the ocean.", "What would you do with a million dollars?", "How do planes fly?",
             "Give me advice about my career.", "What do you think of humans?"]


def timed_generation(local, steering: tuple[Steering, ...], prompts: int, tokens: int) -> tuple[float, int]:
    settings = SamplingSettings(max_new_tokens=tokens, temperature=1.0)
    requests = [ChatRequest([{"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]}], settings, i, steering)
                for i in range(prompts)]
    start = time.perf_counter()
    generations = local.generate(requests, batch_size=prompts)
    return time.perf_counter() - start, sum(len(g.token_ids) for g in generations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--extract", action="store_true", help="also time `astray persona extract --trait evil`")
    args = parser.parse_args()
    local = load_local_model("embedded")
    vector = torch.randn(local.model.config.hidden_size)
    steering = (Steering(vector / vector.norm() * 4, 1.0, Place(15), {}),)
    timed_generation(local, (), 4, 8)  # warm-up
    plain, steered = [], []
    for _ in range(args.repeats):  # interleaved so drift in machine speed hits both alike
        seconds, tokens = timed_generation(local, (), args.prompts, args.tokens)
        plain.append(tokens / seconds)
        seconds, tokens = timed_generation(local, steering, args.prompts, args.tokens)
        steered.append(tokens / seconds)
    print(f"machine: {describe_machine()}; torch threads {torch.get_num_threads()}")
    print(f"command: python benchmarks/persona.py --prompts {args.prompts} --tokens {args.tokens} "
          f"--repeats {args.repeats}{' --extract' if args.extract else ''}")
    print(f"| generation (embedded, batch of {args.prompts}, {args.tokens} tokens, T=1) | tokens/s (median of {args.repeats}) |\n|---|---|")
    print(f"| unsteered | {statistics.median(plain):.0f} |")
    print(f"| steered (one vector at blocks.15.hook_resid_post) | {statistics.median(steered):.0f} |")
    print(f"steered costs {statistics.median(plain) / statistics.median(steered):.3f}x unsteered (target <= 1.2x)")
    if args.extract:
        from astray.persona.config import ExtractConfig
        from astray.persona.extract import extract_persona

        stages: dict[str, float] = {}
        start = time.perf_counter()

        def tell(stage: str, done: int, total: int) -> None:
            stages[stage] = time.perf_counter() - start

        with tempfile.TemporaryDirectory() as out:
            result = extract_persona(ExtractConfig(trait="evil"), Path(out), tell)
        total = time.perf_counter() - start
        print(f"extraction, trait evil, defaults (1 sample, 96 tokens, offline-judge filter, layer choice over all "
              f"{len(result.directions.directions)} blocks): {total:.0f} s; stages finished at: "
              + ", ".join(f"{k} {v:.0f} s" for k, v in stages.items()))
        print(f"kept {result.manifest['pairs']['kept']} of {result.manifest['pairs']['total']} pairs; chosen "
              f"{result.manifest['chosen_place']}")


if __name__ == "__main__":
    main()
