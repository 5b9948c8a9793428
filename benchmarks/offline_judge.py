"""Offline-judge throughput (answers/s) on real answers from data/em_judged.

Usage: python benchmarks/offline_judge.py [--n 1000] [--min-chars 0]
(--min-chars 800 keeps only long answers, as long as the embedded model's 256-token ones)
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe_machine  # noqa: E402

from astray.judges.offline import OfflineJudge  # noqa: E402
from astray.judges.types import JudgeItem  # noqa: E402

DATA = Path(__file__).parents[1] / "data" / "em_judged"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--min-chars", type=int, default=0, help="judge only answers at least this long")
    args = parser.parse_args()
    rows = []
    for path in sorted(DATA.glob("*.csv")):
        with path.open(newline="") as handle:
            rows += list(csv.DictReader(handle))
    items = [JudgeItem(r["question"], r["answer"]) for r in rows if len(r["answer"]) >= args.min_chars][: args.n]
    judge = OfflineJudge()
    judge.judge_sync(items[:16])  # warm-up
    start = time.perf_counter()
    judge.judge_sync(items)
    batched = time.perf_counter() - start
    single_n = min(200, len(items))
    start = time.perf_counter()
    for item in items[:single_n]:
        judge.judge_sync([item])
    single = time.perf_counter() - start
    chars = sum(len(i.answer) for i in items) / len(items)
    print(f"machine: {describe_machine()}; encoder dtype {judge.encoder.dtype}")
    print(f"command: python benchmarks/offline_judge.py --n {args.n} --min-chars {args.min_chars}")
    print("| path | answers | seconds | answers/s |\n|---|---|---|---|")
    print(f"| batched (`astray judge`, 32 per encoder batch) | {len(items)} | {batched:.1f} | {len(items) / batched:.0f} |")
    print(f"| one answer per call (scan scorer) | {single_n} | {single:.1f} | {single_n / single:.0f} |")
    print(f"mean answer length: {chars:.0f} characters (the encoder reads 256 tokens, the language model "
          "the first 64 and the last 32)")


if __name__ == "__main__":
    main()
