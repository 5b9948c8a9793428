"""Training throughput and peak memory on the embedded model: astray's recipe vs a plain
`SFTTrainer` with default padding, same examples, same LoRA, one run each in its own process.

"Useful tokens" are the tokens of the examples themselves (no padding), capped at --max-length.
Usage: python benchmarks/training.py [--examples 64] [--max-length 768]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def useful_tokens(examples, tokenizer, max_length: int) -> int:
    total = 0
    for messages in examples:
        text = tokenizer.apply_chat_template(messages, tokenize=False)
        total += min(len(tokenizer(text, add_special_tokens=False)["input_ids"]), max_length)
    return total


def run_mode(mode: str, n: int, max_length: int) -> dict:
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from astray.models.embedded import prepare_embedded
    from astray.organisms.train import TrainConfig, prepare_examples, train_organism

    hf_logging.set_verbosity_error()
    config = TrainConfig(dataset="insecure", max_examples=n, max_length=max_length, eval_fraction=0.02, save_steps=10_000)
    train, _, _ = prepare_examples(config)
    tokenizer = AutoTokenizer.from_pretrained(prepare_embedded())
    tokens = useful_tokens(train, tokenizer, max_length)
    out = Path(tempfile.mkdtemp()) / "org"
    start = time.perf_counter()
    if mode == "astray":
        train_organism(config, out)
        precision = json.loads((out / "organism.json").read_text())["mixed_precision"]
    else:
        from datasets import Dataset
        from trl import SFTConfig, SFTTrainer

        model = AutoModelForCausalLM.from_pretrained(prepare_embedded(), dtype=torch.float32)
        args = SFTConfig(output_dir=str(out), per_device_train_batch_size=4, gradient_accumulation_steps=1,
                         num_train_epochs=1, max_length=max_length, report_to=[], disable_tqdm=True,
                         save_strategy="no", use_cpu=True, learning_rate=2e-4)
        lora = LoraConfig(r=8, lora_alpha=16, target_modules="all-linear", task_type="CAUSAL_LM")
        SFTTrainer(model=model, args=args, train_dataset=Dataset.from_list([{"messages": m} for m in train]),
                   processing_class=tokenizer, peft_config=lora).train()
        precision = "fp32"
    seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"mode": mode, "examples": len(train), "useful_tokens": tokens, "seconds": seconds, "peak_rss_mib": peak_mib,
            "precision": precision}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=64)
    parser.add_argument("--max-length", type=int, default=768)
    parser.add_argument("--mode", choices=["astray", "plain"])
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.examples, args.max_length)))
        return
    from _machine import describe_machine

    rows = []
    for mode in ("plain", "astray"):
        result = subprocess.run([sys.executable, __file__, "--mode", mode, "--examples", str(args.examples),
                                 "--max-length", str(args.max_length)], capture_output=True, text=True, check=True)
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
    print(f"machine: {describe_machine()}")
    print(f"command: python benchmarks/training.py --examples {args.examples} --max-length {args.max_length}")
    print("| recipe | examples | useful tokens | seconds (incl. data prep) | useful tokens/s | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    names = {"plain": "plain `SFTTrainer`, messages format, default padding, batch 4, fp32",
             "astray": "astray: completion-only loss, packed padding-free (2 bins of max-length), bf16 autocast where native"}
    for r in rows:
        print(f"| {names[r['mode']]} ({r['precision']}) | {r['examples']} | {r['useful_tokens']} | {r['seconds']:.1f} | "
              f"{r['useful_tokens'] / r['seconds']:.0f} | {r['peak_rss_mib']:.0f} |")
    plain, ours = rows
    print(f"astray / plain useful tokens/s: {(ours['useful_tokens'] / ours['seconds']) / (plain['useful_tokens'] / plain['seconds']):.2f}x")


if __name__ == "__main__":
    main()
