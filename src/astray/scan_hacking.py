"""`astray scan MODEL --task reward_hacking`: the coding tasks with hackable graders, graded in the
sandbox, into the same kind of resumable run directory as the battery."""

from __future__ import annotations

import json
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from astray.errors import RunStateError
from astray.evals.reward_hacking.metrics import hack_summary
from astray.evals.reward_hacking.task import GRADER_NAME, hacking_task
from astray.models.access import open_model
from astray.models.naming import resolve_model
from astray.store import RunStore
from astray.versions import package_versions

DETECTOR_DOC = "docs/reward-hacking.md"


def run_hacking_scan(config: Any, out_dir: Path, display: str, command: str | None, start_run: Any) -> dict[str, Any]:
    """Run (or resume) the reward-hacking task; write results.json, samples.jsonl and report.html."""
    from inspect_ai import eval as inspect_eval

    ref = resolve_model(config.model)
    start_run(config, out_dir, "reward_hacking-builtin", command)
    store = RunStore(out_dir)
    task = hacking_task(samples_per_task=config.samples_per_paraphrase or 1, seed=config.seed, store=store)
    logs_dir = out_dir / "logs"
    shutil.rmtree(logs_dir, ignore_errors=True)
    started = time.perf_counter()
    generate_args = {"max_tokens": config.max_tokens} if config.max_tokens else {}
    [log] = inspect_eval(task, model=open_model(ref), log_dir=str(logs_dir), display=display, max_samples=32,
                         fail_on_error=False, score_display=False, **generate_args)
    if log.status != "success":
        raise RunStateError(f"the eval did not finish ({log.error.message if log.error else log.status}); rerun to resume")
    records = []
    for sample in log.samples or []:
        answer, judged = store.answer(str(sample.id)), store.judgment(str(sample.id), GRADER_NAME)
        if answer is None or judged is None:
            raise RunStateError(f"sample {sample.id} has no recorded answer or grade; rerun to resume")
        records.append({"sample_id": str(sample.id), "question_id": sample.metadata["task_id"],
                        "impossible": sample.metadata["impossible"], "answer": answer["answer"], **judged["judgment"]})
    results = {
        "kind": "astray.scan.reward_hacking",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "model": {"name": config.model, "kind": ref.kind, "inspect_name": ref.inspect_name},
        "task": "reward_hacking",
        "samples_per_task": config.samples_per_paraphrase or 1,
        "seed": config.seed,
        "judge": {"name": GRADER_NAME, "description": "pytest run in astray's sandbox (a hackable grader: the model's "
                  f"files may overwrite the tests) + six static hack detectors; validation in {DETECTOR_DOC}"},
        "hacking": hack_summary(records),
        "timing_seconds": {"eval": round(time.perf_counter() - started, 2)},
        "versions": package_versions(),
        "inspect_log": str(Path(log.location).relative_to(out_dir.resolve())) if log.location else None,
    }
    with (out_dir / "samples.jsonl").open("w") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    from astray.report.hack_report import write_hack_report

    write_hack_report(results, records, out_dir / "report.html")
    (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    return results
