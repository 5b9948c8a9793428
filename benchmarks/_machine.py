"""What machine a benchmark ran on, for RESULTS.md."""

from __future__ import annotations

import os
import platform
import sys


def describe_machine() -> str:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_gib:.0f} GiB RAM, Python {sys.version.split()[0]}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads)"
    )
