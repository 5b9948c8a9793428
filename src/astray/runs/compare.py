"""`astray compare RUN_A RUN_B`: B - A for every measure and group two runs share, for any family.

Drawn from the two results.json files alone: each row's k and n give the two-proportion z-test and a
bootstrap interval; Benjamini–Hochberg q-values are taken across all the rows compared.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from astray.errors import RunStateError
from astray.options import option, required
from astray.runs.results import MeasureRow, RunResults, find_row, groups_in, load_run
from astray.stats import benjamini_hochberg, compare_counts

METHOD = ("B - A; two-sided pooled two-proportion z-test; 95% percentile bootstrap (5000 resamples, seed {seed}); "
          "q = Benjamini-Hochberg across all rows compared")



@dataclass(frozen=True)
class CompareConfig:
    """`astray compare`: two runs of the same family, B against A."""

    run_a: Path = required("Run directory A (e.g. the base model).", argument=True)
    run_b: Path = required("Run directory B (e.g. the fine-tuned model).", argument=True)
    out: Path | None = option(None, "Where to write comparison.json/.html (default: compare__A__vs__B beside B).")
    seed: int = option(0, "Bootstrap seed.")

    @property
    def out_dir(self) -> Path:
        return self.out or self.run_b.parent / f"compare__{self.run_a.name}__vs__{self.run_b.name}"

@dataclass(frozen=True)
class RunSummary:
    run_dir: str
    model: str
    judge: str
    task: str
    seed: int
    samples: int


@dataclass(frozen=True)
class CrossRunRow:
    """One measure in one group (None: overall), run B against run A."""

    measure: str
    group: str | None
    a: MeasureRow
    b: MeasureRow
    test: str
    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    q_value: float | None = None


@dataclass(frozen=True)
class Comparison:
    family: str
    headline: str
    group_label: str
    a: RunSummary
    b: RunSummary
    rows: list[CrossRunRow]
    warnings: list[str]
    method: str
    command: str | None = None
    kind: str = "astray.compare"
    measure_descriptions: dict[str, str] = field(default_factory=dict)

    def row(self, measure: str, group: str | None = None) -> CrossRunRow | None:
        return find_row(self.rows, measure, group)

    def groups(self) -> list[str]:
        return groups_in(self.rows)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def compare_runs(run_a: Path, run_b: Path, out_dir: Path, seed: int = 0, command: str | None = None) -> Comparison:
    """Compare run B against run A (B - A) and write comparison.json and comparison.html."""
    results_a, records_a = load_run(run_a)
    results_b, records_b = load_run(run_b)
    if results_a.family != results_b.family:
        raise RunStateError(f"{run_a} is a {results_a.family} scan and {run_b} a {results_b.family} scan; "
                            "compare like with like")
    rows = [_row(a, b, seed) for a in results_a.measures if (b := results_b.row(a.measure, a.group)) is not None]
    rows = [_with_q(row, q) for row, q in zip(rows, benjamini_hochberg([r.p_value for r in rows]), strict=True)]
    comparison = Comparison(
        family=results_a.family, headline=results_a.headline, group_label=results_a.group_label,
        a=_summary(run_a, results_a), b=_summary(run_b, results_b), rows=rows,
        warnings=_warnings(results_a, results_b), method=METHOD.format(seed=seed), command=command,
        measure_descriptions=results_a.measure_descriptions,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "comparison.json").write_text(json.dumps(comparison.to_dict(), indent=2))
    from astray.runs.compare_report import write_compare_report

    write_compare_report(comparison, (results_a, results_b), (records_a, records_b), out_dir / "comparison.html")
    return comparison


def _row(a: MeasureRow, b: MeasureRow, seed: int) -> CrossRunRow:
    difference = compare_counts(a.k, a.n, b.k, b.n, seed=seed)
    return CrossRunRow(a.measure, a.group, a, b, "two_proportion_z", difference.diff, difference.ci_low,
                       difference.ci_high, difference.p_value)


def _with_q(row: CrossRunRow, q_value: float | None) -> CrossRunRow:
    return CrossRunRow(**{**row.__dict__, "q_value": q_value})


def _summary(run_dir: Path, results: RunResults) -> RunSummary:
    return RunSummary(str(run_dir), results.model["name"], str(results.judge.get("name")), results.task,
                      results.provenance.seed, results.counts["samples"])


def _warnings(a: RunResults, b: RunResults) -> list[str]:
    warnings = []
    if a.judge.get("name") != b.judge.get("name"):
        warnings.append(f"different judges ({a.judge.get('name')} vs {b.judge.get('name')}): "
                        "a difference may come from the judge, not the model")
    if a.task != b.task or a.provenance.input_sha256 != b.provenance.input_sha256:
        warnings.append("the runs asked different inputs; only shared measures and groups are compared")
    options_a, options_b = a.provenance.config.get("options"), b.provenance.config.get("options")
    if options_a != options_b:
        changed = sorted(k for k in {**options_a, **options_b} if options_a.get(k) != options_b.get(k))
        warnings.append(f"the runs used different options ({', '.join(changed)})")
    return warnings
