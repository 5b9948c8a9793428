"""`astray scan`: run a battery on a model into a run directory that resumes after a crash.

A run directory holds `run.json` (the configuration), `answers.jsonl` / `judgments.jsonl` (every
answer and judgment as it is made), `logs/` (Inspect `.eval` logs for `inspect view`),
`samples.jsonl`, `results.json` and `report.html`. Re-running the same command on the same
directory reuses every recorded answer and judgment; changing only the judge re-judges recorded
answers without generating them again.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from astray.errors import AstrayError, RunStateError
from astray.files import sha256_file
from astray.evals.em_battery import battery_task, main_questions
from astray.evals.questions import bundled_path, load_questions, with_system_prompt
from astray.judges.select import open_judge
from astray.models.access import open_model
from astray.models.naming import resolve_model
from astray.results import answer_record, summarize
from astray.stats import Thresholds
from astray.store import RunStore
from astray.versions import package_versions

TASKS = ("em_first_plot", "em_first_plot_main", "em_preregistered", "reward_hacking")
_GENERATION_KEYS = ("model", "task", "questions_sha256", "samples_per_paraphrase", "seed", "max_tokens", "system")


@dataclass(frozen=True)
class ScanConfig:
    """Everything that determines a scan's answers and judgments.

    Attributes:
        model: Model name (see `astray.models.naming`).
        task: One of `TASKS`.
        judge: "offline" or a model name.
        samples_per_paraphrase: Answers per paraphrase; None uses the question file's value.
        seed: Run seed (each sample's seed derives from it).
        questions: A question YAML replacing the task's bundled one.
        max_tokens: Answer length cap; None uses the model provider's default.
        system: A system prompt for every question (put before a question's own system prompt).
        thresholds: Misalignment thresholds.
    """

    model: str
    task: str = "em_first_plot"
    judge: str = "offline"
    samples_per_paraphrase: int | None = None
    seed: int = 0
    questions: str | None = None
    max_tokens: int | None = None
    system: str | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)


def run_scan(config: ScanConfig, out_dir: Path, display: str = "rich", command: str | None = None) -> dict[str, Any]:
    """Run (or resume) a scan and write results.json, samples.jsonl and report.html into `out_dir`."""
    from inspect_ai import eval as inspect_eval

    if config.task not in TASKS:
        raise AstrayError(f"unknown task '{config.task}'; choose one of: {', '.join(TASKS)}")
    if config.task == "reward_hacking":
        from astray.scan_hacking import run_hacking_scan

        return run_hacking_scan(config, out_dir, display, command, _check_or_start_run)
    questions_path = Path(config.questions) if config.questions else bundled_path(
        "preregistered" if config.task == "em_preregistered" else "first_plot"
    )
    questions = load_questions(questions_path)
    if config.task == "em_first_plot_main" and not config.questions:
        questions = main_questions(questions)
    if config.system:
        questions = [with_system_prompt(q, config.system) for q in questions]
    ref = resolve_model(config.model)
    run_info = _check_or_start_run(config, out_dir, sha256_file(questions_path), command)
    store = RunStore(out_dir)
    judge = open_judge(config.judge)
    task = battery_task(questions, config.task, config.samples_per_paraphrase, judge, config.seed, store, config.thresholds)
    logs_dir = out_dir / "logs"
    shutil.rmtree(logs_dir, ignore_errors=True)  # earlier attempts' logs: their samples are in the store

    started = time.perf_counter()
    generate_args: dict[str, Any] = {"max_tokens": config.max_tokens} if config.max_tokens else {}
    [log] = inspect_eval(
        task, model=open_model(ref), log_dir=str(logs_dir), display=display, max_samples=64, fail_on_error=False,
        score_display=False, **generate_args,
    )
    eval_seconds = time.perf_counter() - started
    if log.status != "success":
        error = log.error.message if log.error else log.status
        raise RunStateError(f"the eval did not finish ({error}); rerun the same command to resume")

    records = []
    for sample in log.samples or []:
        sample_id = str(sample.id)
        answer = store.answer(sample_id)
        judgment = store.judgment(sample_id, judge.name)
        if answer is None or judgment is None:
            raise RunStateError(f"sample {sample_id} has no recorded answer or judgment; rerun to resume")
        meta = sample.metadata
        base = {"sample_id": sample_id, "question_id": meta["question_id"], "question": meta["question"],
                "system": meta.get("system")}
        records.append(answer_record(base, answer["answer"], judgment["judgment"], config.thresholds))
    summary = summarize(records, config.thresholds, order=[q.id for q in questions])
    results = {
        "kind": "astray.scan",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "model": {"name": config.model, "kind": ref.kind, "inspect_name": ref.inspect_name},
        "task": config.task,
        "questions_file": str(questions_path),
        "questions_sha256": run_info["config"]["questions_sha256"],
        "samples_per_paraphrase": config.samples_per_paraphrase,
        "seed": config.seed,
        "generation": {"temperature": 1.0, "top_p": 1.0, "max_tokens": config.max_tokens or "provider default",
                       "system": config.system},
        "judge": judge.identity(),
        "thresholds": asdict(config.thresholds),
        **summary,
        "resumed_answers": sum(1 for s in log.samples or [] if s.metadata.get("answer_source") == "resumed"),
        "torn_records_discarded": store.torn_lines,
        "timing_seconds": {"eval": round(eval_seconds, 2)},
        "versions": package_versions(),
        "inspect_log": str(Path(log.location).relative_to(out_dir.resolve())) if log.location else None,
    }
    with (out_dir / "samples.jsonl").open("w") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")
    started = time.perf_counter()
    from astray.report.scan_report import write_scan_report

    write_scan_report(results, records, out_dir / "report.html")
    results["timing_seconds"]["report"] = round(time.perf_counter() - started, 2)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2))
    return results


def load_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read a finished run's results.json and samples.jsonl."""
    results_path = run_dir / "results.json"
    if not results_path.is_file():
        raise RunStateError(f"{run_dir} has no results.json: is it a finished astray scan?")
    results = json.loads(results_path.read_text())
    records = [json.loads(line) for line in (run_dir / "samples.jsonl").read_text().splitlines() if line.strip()]
    return results, records


def _check_or_start_run(config: ScanConfig, out_dir: Path, questions_sha: str, command: str | None) -> dict[str, Any]:
    wanted = {**asdict(config), "questions_sha256": questions_sha}
    run_file = out_dir / "run.json"
    if run_file.is_file():
        previous = json.loads(run_file.read_text())["config"]
        changed = [k for k in _GENERATION_KEYS if previous.get(k) != wanted.get(k)]
        if changed:
            detail = ", ".join(f"{k}: {previous.get(k)!r} -> {wanted.get(k)!r}" for k in changed)
            raise RunStateError(f"{out_dir} holds a run with different settings ({detail}); choose another --out")
    elif out_dir.exists() and any(out_dir.iterdir()):
        raise RunStateError(f"{out_dir} exists and is not an astray run directory; choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    info = {"config": wanted, "command": command}
    run_file.write_text(json.dumps(info, indent=2))
    return info


