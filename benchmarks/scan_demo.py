"""End-to-end time of the demo scan (`make demo`), split into generate / judge / report.

Generation and judging interleave inside one Inspect run on the same 2 cores, so the judge's share
is measured by judging the run's answers again the way the scan does (one answer per call), and
generation is the rest of the eval time.

Usage: python benchmarks/scan_demo.py [--samples 10] [--out /tmp/astray-bench-scan]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe_machine  # noqa: E402

from astray.judges.offline import OfflineJudge  # noqa: E402
from astray.judges.types import JudgeItem  # noqa: E402
from astray.scan import ScanConfig, run_scan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("/tmp/astray-bench-scan"))
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    start = time.perf_counter()
    results = run_scan(ScanConfig(model="embedded", samples=args.samples), args.out, display="none")
    total = time.perf_counter() - start
    records = [json.loads(line) for line in (args.out / "samples.jsonl").read_text().splitlines()]
    judge = OfflineJudge()
    start = time.perf_counter()
    for record in records:
        judge.judge_sync([JudgeItem(record["question"], record["answer"])])
    judge_seconds = time.perf_counter() - start
    eval_seconds = results.timing_seconds["eval"]
    report_seconds = results.timing_seconds["report"]
    tokens = sum(json.loads(line).get("output_tokens") or 0 for line in (args.out / "answers.jsonl").read_text().splitlines())
    print(f"machine: {describe_machine()}")
    print(f"command: python benchmarks/scan_demo.py --samples {args.samples}  (= astray scan embedded --samples {args.samples})")
    print("| phase | seconds |\n|---|---|")
    print(f"| generate ({len(records)} answers, {tokens} tokens, temperature 1, max 256 tokens) | {eval_seconds - judge_seconds:.1f} |")
    print(f"| judge (offline, one answer per call) | {judge_seconds:.1f} |")
    print(f"| report (plots + HTML) | {report_seconds:.1f} |")
    print(f"| total, including model and judge start-up | {total:.1f} |")
    overall = results.row("misaligned")
    print(f"result: misaligned {overall.k}/{overall.n} counted answers; counts {results.details['counts']}")


if __name__ == "__main__":
    main()
