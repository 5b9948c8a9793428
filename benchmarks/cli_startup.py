"""How long the `astray` command line takes to start: the cumulative import of `astray.cli` (what
`python -X importtime` reports for it) and the wall time of whole commands that run no model.

Each figure is the median of `--repeat` fresh processes (file caches warm after the first).

Usage: python benchmarks/cli_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _machine import describe_machine  # noqa: E402

COMMANDS = (["--help"], ["tasks"], ["datasets", "list"], ["scan", "--help"])


def import_seconds() -> float:
    """`import astray.cli`'s cumulative time from `python -X importtime`, in seconds."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import astray.cli"], capture_output=True,
                          text=True, check=True)
    line = next(x for x in reversed(done.stderr.splitlines()) if x.rstrip().endswith("| astray.cli"))
    return int(line.split("|")[1]) / 1e6


def command_seconds(args: list[str]) -> float:
    astray = shutil.which("astray") or str(Path(sys.executable).parent / "astray")
    started = time.perf_counter()
    subprocess.run([astray, *args], capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {describe_machine()}")
    print(f"command: python benchmarks/cli_startup.py --repeat {args.repeat}\n")
    print("| what | median of " + str(args.repeat) + " (s) |\n|---|---|")
    print(f"| `import astray.cli` (-X importtime, cumulative) | {statistics.median(import_seconds() for _ in range(args.repeat)):.3f} |")
    for command in COMMANDS:
        seconds = statistics.median(command_seconds(command) for _ in range(args.repeat))
        print(f"| `astray {' '.join(command)}` (wall, whole process) | {seconds:.2f} |")


if __name__ == "__main__":
    main()
