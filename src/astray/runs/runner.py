"""`astray scan`: run any family's task on a model into a run directory that resumes after a crash.

One runner for every family: resolve the model, open the store, build the family's task, run
Inspect, turn scored samples into the family's records, summarise its measures, and write
`results.json`, `samples.jsonl` and `report.html`. A run directory also holds `run.json` (the
configuration), `answers.jsonl` / `judgments.jsonl` (every answer and judgment as it is made) and
`logs/` (Inspect `.eval` logs). Re-running the same command on the same directory reuses every
recorded answer and judgment, whatever the family; changing only a re-scoring option (the judge, a
threshold) re-scores recorded answers without generating them again.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from astray.errors import AstrayError, RunStateError
from astray.evals.family import Family, TaskInputs
from astray.evals.registry import TASKS
from astray.models.devices import check_device_name, check_dtype_name
from astray.runs.config import ScanConfig
from astray.runs.lock import LOCK_FILE, run_lock
from astray.runs.results import Provenance, RunResults, contrast_rows, error_models_of, measure_rows, write_run_files
from astray.store import RunStore
from astray.versions import package_versions


def run_scan(config: ScanConfig, out_dir: Path, display: str = "rich", command: str | None = None) -> RunResults:
    """Run (or resume) a scan and write results.json, samples.jsonl and report.html into `out_dir`."""
    from astray.models.naming import resolve_model

    entry = TASKS.get(config.task)
    family = entry.family
    ref = resolve_model(config.model)
    for flag, value in (("--device", check_device_name(config.device)), ("--dtype", check_dtype_name(config.dtype)),
                        ("--batch-invariant", "on" if config.batch_invariant else "auto")):
        if not ref.is_local and value != "auto":
            raise AstrayError(f"{flag} applies to local models; {config.model} runs wherever its provider runs it")
    device = None
    if ref.is_local:
        from astray.models.devices import choose_device

        device = choose_device(config.device)  # a missing GPU fails before anything loads
    steering = _steering(config, ref)
    _refuse_foreign_directory(out_dir)
    grader = family.open_grader(config.judge)
    with run_lock(out_dir):
        store = RunStore(out_dir)
        task = entry.spec.build(TaskInputs(config.samples, config.seed, config.options, grader, store))
        input_sha = dataset_sha256(task.dataset)
        _check_or_start_run(config, out_dir, input_sha, command)

        started = time.perf_counter()
        log, where = _run_inspect(task, ref, out_dir, display, config, entry.spec.max_samples, device)
        eval_seconds = time.perf_counter() - started
        order = {str(sample.id): index for index, sample in enumerate(task.dataset)}
        samples = sorted(log.samples or [], key=lambda s: order.get(str(s.id), len(order)))
        _refuse_unscored(samples)
        records = [family.to_record(sample, config.options) for sample in samples]
        problems = [{"sample_id": r.sample_id, "detail": p} for r in records if (p := family.problem(r))]
        results = RunResults(
            family=family.name,
            task=config.task,
            model={"name": config.model, "kind": ref.kind, "inspect_name": ref.inspect_name,
                   **({"steering": steering.describe()} if steering else {}), **where},
            judge=grader.identity(),
            provenance=Provenance(command=command, created=datetime.now(UTC).isoformat(timespec="seconds"),
                                  seed=config.seed, config=config.as_dict(), versions=package_versions(), input_sha256=input_sha),
            headline=family.headline,
            measure_descriptions={m.name: m.description for m in family.measures},
            group_label=family.group_label,
            measures=measure_rows(family, records, error_models_of(grader.identity())),
            comparisons=contrast_rows(family, records, seed=config.seed),
            counts={"samples": len(records),
                    "resumed_answers": sum(1 for s in samples if s.metadata.get("answer_source") == "resumed"),
                    "judge_problems": len(problems), "torn_records_discarded": store.torn_lines,
                    "empty_answers": sum(1 for s in samples if not (s.output.completion or "").strip())},
            problems=problems[:50],
            details=family.details(records, config.options),
            timing_seconds={"eval": round(eval_seconds, 2)},
            inspect_log=str(Path(log.location).relative_to(out_dir.resolve())) if log.location else None,
        )
        _write(out_dir, family, results, records)
        return results


def _steering(config: ScanConfig, ref: Any) -> Any:
    """The scan's steering, loaded before anything runs so a bad vector fails at once; None without --steer."""
    if not config.steer:
        return None
    if not ref.is_local:
        raise AstrayError(f"--steer needs a local model (embedded, a model or organism directory); {config.model} "
                          "runs behind Inspect's provider, where astray cannot reach the activations")
    from astray.models.steering import Steering, SteeringSpec

    return Steering.load(SteeringSpec.parse(config.steer))


def _run_inspect(task: Any, ref: Any, out_dir: Path, display: str, config: ScanConfig, max_samples: int,
                 device: Any = None) -> tuple[Any, dict[str, Any]]:
    """The finished Inspect log, and where a local model ran (`{"device": {...}}`; empty for remote models).
    `device` is the torch device run_scan chose for a local model (None for remote models)."""
    from inspect_ai import eval as inspect_eval

    from astray.models.access import open_model

    logs_dir = out_dir / "logs"
    shutil.rmtree(logs_dir, ignore_errors=True)  # earlier attempts' logs: their samples are in the store
    generate = {name: value for name in ("max_tokens", "max_retries") if (value := getattr(config, name)) is not None}
    model_args: dict[str, Any] = {}
    where: dict[str, Any] = {}
    if device is not None:
        from astray.models.devices import describe_device

        model_args.update(device=str(device), dtype=config.dtype, batch_invariant=config.batch_invariant)
        # a local model asked to be batch-invariant either is or refuses to load (LocalModel), so the config says it
        where = {"device": describe_device(device, config.dtype, config.batch_invariant)}
    if config.steer:
        model_args["steer"] = config.steer
    model = open_model(ref, **model_args)
    [log] = inspect_eval(task, model=model, log_dir=str(logs_dir), display=display, max_samples=max_samples,
                         fail_on_error=False, score_display=False, **generate)
    if log.status != "success":
        error = log.error.message if log.error else log.status
        raise RunStateError(f"the eval did not finish ({error}); rerun the same command to resume")
    return log, where


def _refuse_unscored(samples: list[Any]) -> None:
    failed = [s for s in samples if s.error or not s.scores]
    if failed:
        first = failed[0]
        reason = _failure_reason(first.error.message, first.error.traceback) if first.error else "no score"
        raise RunStateError(f"{len(failed)} sample(s) failed (first: {first.id}: {reason}); recorded answers are kept, "
                            "rerun the same command to resume")


def _failure_reason(message: str, traceback: str = "") -> str:
    """A sample error's cause in one short line. Inspect wraps a provider's error (`BadRequestError(...)`)
    after the whole request, escaped into one line, so the cause is the last line, not the first; when
    retries ran out the message is tenacity's `RetryError(<Future ...>)` and the cause is the first
    exception line of the chained traceback."""
    if message.startswith("RetryError("):
        causes = re.findall(r"^[\w.]+: .+$", traceback, re.M)
        if causes:
            message = f"{causes[0]} (retries exhausted)"
    lines = [line.strip() for line in message.replace("\\n", "\n").splitlines() if line.strip()]
    if not lines:
        return "unknown error"
    reason = lines[0]
    if "Request:" in message:  # ModelGenerateError('<request>\n\n<cause>'): the cause, unescaped, without "')"
        reason = lines[-1].replace("\\'", "'")
        if reason.count(")") > reason.count("("):
            reason = reason.removesuffix("')")
    return reason if len(reason) <= 300 else reason[:297] + "..."


def _write(out_dir: Path, family: Family[Any], results: RunResults, records: list[Any]) -> None:
    from astray.runs.report import write_scan_report

    started = time.perf_counter()
    write_scan_report(family, results, records, out_dir / "report.html")
    results.timing_seconds["report"] = round(time.perf_counter() - started, 2)
    write_run_files(out_dir, results, records)


def dataset_sha256(dataset: Any) -> str:
    """A fingerprint of every sample a task asks (ids, inputs, metadata): the run's input hash."""
    digest = hashlib.sha256()
    for sample in dataset:
        content = sample.input if isinstance(sample.input, str) else [m.model_dump(exclude={"id"}) for m in sample.input]
        digest.update(json.dumps([sample.id, content, sample.target, sample.metadata], sort_keys=True,
                                 default=str).encode())
    return digest.hexdigest()


def _refuse_foreign_directory(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise RunStateError(f"--out {out_dir} is a file; a run directory goes there")
    if not (out_dir / "run.json").is_file() and out_dir.exists() and any(p.name != LOCK_FILE for p in out_dir.iterdir()):
        raise RunStateError(f"{out_dir} exists and is not an astray run directory; choose another --out")


def _check_or_start_run(config: ScanConfig, out_dir: Path, input_sha: str, command: str | None) -> None:
    wanted = {**config.answer_settings(), "input_sha256": input_sha}
    run_file = out_dir / "run.json"
    if run_file.is_file():
        previous = json.loads(run_file.read_text()).get("answer_settings")
        if previous is None:
            raise RunStateError(f"{out_dir} was made by an earlier version of astray and cannot be resumed; "
                                "choose another --out")
        changed = [k for k in wanted if previous.get(k) != wanted[k]]
        if changed:
            detail = ", ".join(f"{k}: {previous.get(k)!r} -> {wanted[k]!r}" for k in changed if k != "input_sha256")
            detail = detail or "the task's inputs changed"
            raise RunStateError(f"{out_dir} holds a run with different settings ({detail}); choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    run_file.write_text(json.dumps({"answer_settings": wanted, "config": config.as_dict(), "command": command}, indent=2))
