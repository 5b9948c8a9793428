"""Per-sample seeds: a sample's randomness depends only on (run seed, sample id), so a re-run scan
samples as a fresh one would (answers can still differ where floating-point rounding differs with the
batch layout; a resumed scan reuses the answers it recorded)."""

from __future__ import annotations

import hashlib


def sample_seed(run_seed: int, sample_id: str) -> int:
    digest = hashlib.sha256(f"{run_seed}:{sample_id}".encode()).hexdigest()
    return int(digest[:15], 16)
