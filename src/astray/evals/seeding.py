"""Per-sample seeds: a sampled answer depends only on (run seed, sample id), so a resumed or
re-run scan regenerates exactly what a fresh one would."""

from __future__ import annotations

import hashlib


def sample_seed(run_seed: int, sample_id: str) -> int:
    digest = hashlib.sha256(f"{run_seed}:{sample_id}".encode()).hexdigest()
    return int(digest[:15], 16)
