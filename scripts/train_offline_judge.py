"""Train astray's offline judge and write its weights and validation into the package.

Usage: python scripts/train_offline_judge.py [--seed 0] [--out src/astray/data/offline_judge]
Reads data/em_judged/*.csv (LLM-judged answers; see data/em_judged/README.md), adds garbled copies
of the fluent ones, validates by grouped cross-validation and writes the fold-0 head with its figures.
Deterministic for a given seed on a given machine; takes ~15 minutes on 2 cores (the language model
reads ~8,800 answers; 55 heads are trained).
"""

import argparse
import json
from pathlib import Path

from astray.judges.offline_training import train_offline_judge

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "src/astray/data/offline_judge")
    args = parser.parse_args()
    files = sorted((ROOT / "data/em_judged").glob("*.csv"))
    meta = train_offline_judge(files, args.out, seed=args.seed, progress=lambda m: print(m, flush=True))
    print(json.dumps(meta["validation"], indent=2))


if __name__ == "__main__":
    main()
