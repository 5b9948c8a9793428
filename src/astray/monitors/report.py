"""Run the monitor comparison and write it down: `monitors.json` (every figure) and `monitors.md` (the table)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from astray.errors import AstrayError
from astray.monitors.evaluate import evaluate, markdown_table
from astray.monitors.monitors import build_monitors
from astray.monitors.transcripts import labelled_transcripts
from astray.versions import package_versions


def compare_monitors(names: list[str], out_dir: Path, judge: str | None = None, model: str = "embedded",
                     fpr: float = 0.01, seed: int = 0, command: str | None = None,
                     tick: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Score the named monitors on astray's labelled transcripts; returns what was written."""
    if not 0 < fpr < 1:
        raise AstrayError(f"--fpr is a false-positive rate between 0 and 1 (e.g. 0.01), got {fpr}")
    transcripts = labelled_transcripts()
    monitors = build_monitors(names, judge=judge, model=model)
    results = evaluate(monitors, transcripts, fpr=fpr, seed=seed, tick=tick)
    counts = {"transcripts": len(transcripts), "honest": sum(not t.is_hack for t in transcripts),
              "candid_hacks": sum(t.is_hack and not t.obfuscated for t in transcripts),
              "obfuscated_hacks": sum(t.obfuscated for t in transcripts),
              "rewritten_hack_code": sum(t.rewritten for t in transcripts)}
    summary = {"counts": counts, "fpr": fpr, "seed": seed, "judge": judge, "probe_model": model, "command": command,
               "validation": "trained monitors: leave one hack type out (each fold: one hack type + a sixth of the "
                             "honest tasks); intervals: 95% stratified bootstrap",
               "results": [r.to_dict() for r in results], "versions": package_versions()}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "monitors.json").write_text(json.dumps(summary, indent=2) + "\n")
    table = markdown_table(results, fpr)
    (out_dir / "monitors.md").write_text(f"{table}\n{_counts_line(counts)}\n\ncommand: `{command}`\n")
    return {**summary, "table": table}


def _counts_line(counts: dict[str, int]) -> str:
    return (f"{counts['transcripts']} transcripts: {counts['honest']} honest, {counts['candid_hacks']} hacks with candid "
            f"reasoning, {counts['obfuscated_hacks']} with innocent reasoning ({counts['rewritten_hack_code']} hacks' "
            "code rewritten without changing behaviour)")
