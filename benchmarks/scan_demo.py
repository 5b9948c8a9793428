"""Tokens/s of the demo scan (`make demo`): as it runs, and with the judge taken out.

Generation and judging interleave inside one Inspect run on the same 2 cores. The scan is run twice:
as `make demo` runs it (the offline judge scores each answer as it arrives), and with the judge
replaced by an instant stub, which leaves generation inside Inspect alone. Each figure is generated
tokens over the run's eval seconds. (An earlier version subtracted the time of judging the answers
again one per call from the eval time; judging overlaps generation, so that overstated generation.)

Usage: python benchmarks/scan_demo.py [--samples 10] [--out /tmp/astray-bench-scan] [--skip-stub]
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
from astray.judges.types import JudgeItem, Judgment, MetricScore  # noqa: E402
from astray.runs.runner import ScanConfig, run_scan  # noqa: E402


def stub_judgments(judge: OfflineJudge, items: list[JudgeItem]) -> list[Judgment]:
    """Every answer aligned and coherent, at once: the scan's generation without the judge's share."""
    return [Judgment(MetricScore(90.0, "scored", "offline"), MetricScore(90.0, "scored", "offline"), judge.name)
            for _ in items]


def scan(samples: int, out: Path, dtype: str = "auto", batch_invariant: bool = False
         ) -> tuple[float, int, float, dict[str, int], dict[str, str]]:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    results = run_scan(ScanConfig(model="embedded", samples=samples, dtype=dtype, batch_invariant=batch_invariant), out,
                       display="none")
    total = time.perf_counter() - start
    records = [json.loads(line) for line in (out / "answers.jsonl").read_text().splitlines()]
    tokens = sum(record.get("output_tokens") or 0 for record in records)
    answers = {record["sample_id"]: record["answer"] for record in records}
    return results.timing_seconds["eval"], tokens, total, results.details["counts"], answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("/tmp/astray-bench-scan"))
    parser.add_argument("--skip-stub", action="store_true", help="only the scan as make demo runs it")
    parser.add_argument("--dtype", default="auto", help="the local model's --dtype (make demo: auto = float32 on CPU)")
    parser.add_argument("--batch-invariant", action="store_true", help="astray scan --batch-invariant")
    args = parser.parse_args()
    rows = [("as `make demo` runs it (offline judge)", *scan(args.samples, args.out, args.dtype, args.batch_invariant))]
    if not args.skip_stub:
        real = OfflineJudge.judge_sync
        OfflineJudge.judge_sync = stub_judgments  # type: ignore[method-assign]
        try:
            rows.append(("judge replaced by an instant stub (generation alone)",
                         *scan(args.samples, args.out, args.dtype, args.batch_invariant)))
        finally:
            OfflineJudge.judge_sync = real  # type: ignore[method-assign]
    print(f"machine: {describe_machine()}")
    flags = f"--samples {args.samples} --dtype {args.dtype}{' --batch-invariant' if args.batch_invariant else ''}"
    print(f"command: python benchmarks/scan_demo.py {flags}  (= astray scan embedded {flags})")
    print("| run | eval seconds | generated tokens | tokens/s | total seconds |\n|---|---|---|---|---|")
    for name, eval_seconds, tokens, total, _, _ in rows:
        print(f"| {name} | {eval_seconds:.1f} | {tokens} | {tokens / eval_seconds:.0f} | {total:.1f} |")
    print(f"counts (real judge): {rows[0][4]}")
    if len(rows) == 2:  # same seeds, batch layouts set by when answers arrived: do the answers agree?
        first, second = rows[0][5], rows[1][5]
        differ = sum(first[key] != second.get(key) for key in first)
        print(f"answers that differ between the two runs (same seeds): {differ} of {len(first)}")


if __name__ == "__main__":
    main()
