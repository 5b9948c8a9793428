"""One results contract for every family: the rows a run reports and the file that holds them.

Every results.json carries `family`, `task`, `model`, the judge (or grader) identity, `provenance`
(command, seed, versions, input sha256) and a `measures` list of rows `{measure, group, k, n, rate,
ci_low, ci_high}` (group None for the overall row), plus `comparisons` rows `{measure, a, b, test,
diff, ci_low, ci_high, p_value}` for the family's within-run contrasts. `astray compare`, the report
and the CLI summary are drawn from these rows; only the family reads its own records.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol, TypeVar

from astray.errors import RunStateError
from astray.evals.family import Contrast, Family
from astray.stats import (
    Difference,
    JudgeErrorModel,
    compare_counts,
    compare_paired,
    rate_estimate,
    rogan_gladen,
)

RESULTS_FILE = "results.json"
SAMPLES_FILE = "samples.jsonl"
RESULTS_KIND = "astray.scan"


@dataclass(frozen=True)
class MeasureRow:
    """k of n records have the measure in `group` (None: all records), with a 95% Wilson interval; and,
    where the judge was validated for this measure, the rate its errors imply (Rogan-Gladen) with an
    interval that carries the validation sample's uncertainty too."""

    measure: str
    group: str | None
    k: int
    n: int
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    corrected_rate: float | None = None
    corrected_low: float | None = None
    corrected_high: float | None = None


@dataclass(frozen=True)
class ComparisonRow:
    """Group (or run) B minus group (or run) A for one measure."""

    measure: str
    a: str
    b: str
    test: str
    diff: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None


@dataclass(frozen=True)
class Provenance:
    """What reproduces a run: the command, the full config, the seed, the versions, the input hash."""

    command: str | None
    created: str
    seed: int
    config: dict[str, Any]
    versions: dict[str, str]
    input_sha256: str


@dataclass(frozen=True)
class RunResults:
    """The contents of results.json."""

    family: str
    task: str
    model: dict[str, Any]
    judge: dict[str, Any]
    provenance: Provenance
    headline: str
    measure_descriptions: dict[str, str]
    group_label: str
    measures: list[MeasureRow]
    comparisons: list[ComparisonRow]
    counts: dict[str, int]
    problems: list[dict[str, str]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    timing_seconds: dict[str, float] = field(default_factory=dict)
    inspect_log: str | None = None
    kind: str = RESULTS_KIND

    def row(self, measure: str, group: str | None = None) -> MeasureRow | None:
        return find_row(self.measures, measure, group)

    def groups(self) -> list[str]:
        return groups_in(self.measures)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(data: dict[str, Any]) -> RunResults:
        known = {f.name for f in fields(RunResults)}
        values = {k: v for k, v in data.items() if k in known}
        values["provenance"] = Provenance(**data["provenance"])
        values["measures"] = [MeasureRow(**r) for r in data["measures"]]
        values["comparisons"] = [ComparisonRow(**r) for r in data["comparisons"]]
        return RunResults(**values)


class _Row(Protocol):
    measure: str
    group: str | None


RowT = TypeVar("RowT", bound=_Row)


def find_row(rows: Sequence[RowT], measure: str, group: str | None = None) -> RowT | None:
    """The row of `measure` in `group` (None: the overall row), or None."""
    return next((r for r in rows if r.measure == measure and r.group == group), None)


def groups_in(rows: Sequence[_Row]) -> list[str]:
    """The groups, in the order the rows list them."""
    return list(dict.fromkeys(r.group for r in rows if r.group is not None))


def error_models_of(judge: dict[str, Any]) -> list[JudgeErrorModel]:
    """The validated error models a judge's identity declares (`error_models`); none for an unvalidated judge."""
    return [JudgeErrorModel(**e) for e in judge.get("error_models", [])]  # type: ignore[union-attr]


def measure_rows(family: Family[Any], records: Sequence[Any],
                 error_models: Sequence[JudgeErrorModel] = ()) -> list[MeasureRow]:
    """Every measure overall, then every measure in every group: groups a record lists first (its question)
    before those it lists second (its format), each kind in first-seen order. A measure the judge was
    validated for (`error_models`) also gets its corrected rate.

    A group that holds every record repeats the overall row and is left out.
    """
    errors = {e.measure: e for e in error_models}
    first_seen: dict[str, tuple[int, int]] = {}
    members: list[tuple[Any, Sequence[str]]] = []
    for record in records:
        groups = family.groups(record)
        for position, group in enumerate(groups):
            first_seen.setdefault(group, (position, len(first_seen)))
        members.append((record, groups))
    rows = []
    for group in [None, *sorted(first_seen, key=first_seen.__getitem__)]:
        chosen = [r for r, groups in members if group is None or group in groups]
        if group is not None and len(chosen) == len(records):
            continue
        for measure in family.measures:
            labels = [label for label in map(measure.of, chosen) if label is not None]
            estimate = rate_estimate(sum(labels), len(labels))
            error = errors.get(measure.name)
            corrected = rogan_gladen(estimate.k, estimate.n, error) if error else None
            rows.append(MeasureRow(measure.name, group, estimate.k, estimate.n, estimate.rate, estimate.low, estimate.high,
                                   *(corrected or (None, None, None))))
    return rows


def contrast_rows(family: Family[Any], records: Sequence[Any], seed: int = 0) -> list[ComparisonRow]:
    """The family's within-run contrasts that have records on both sides."""
    rows = []
    for contrast in family.contrasts:
        difference, test = _contrast(family, contrast, records, seed)
        if difference is not None:
            rows.append(ComparisonRow(contrast.measure, contrast.a, contrast.b, test, difference.diff,
                                      difference.ci_low, difference.ci_high, difference.p_value))
    return rows


def _contrast(family: Family[Any], contrast: Contrast[Any], records: Sequence[Any], seed: int
              ) -> tuple[Difference | None, str]:
    measure = family.measure(contrast.measure)
    labelled = {side: [(r, measure.of(r)) for r in records if group in family.groups(r)]
                for side, group in (("a", contrast.a), ("b", contrast.b))}
    if contrast.pair_key is not None:
        a_by_key = {contrast.pair_key(r): label for r, label in labelled["a"] if label is not None}
        pairs = [(a_by_key[key], label) for r, label in labelled["b"]
                 if label is not None and (key := contrast.pair_key(r)) in a_by_key]
        return (compare_paired(pairs, seed=seed) if pairs else None), "mcnemar_exact"
    a = [label for _, label in labelled["a"] if label is not None]
    b = [label for _, label in labelled["b"] if label is not None]
    if not a or not b:
        return None, "two_proportion_z"
    return compare_counts(sum(a), len(a), sum(b), len(b), seed=seed), "two_proportion_z"


def write_run_files(out_dir: Path, results: RunResults, records: Sequence[Any]) -> None:
    with (out_dir / SAMPLES_FILE).open("w") as handle:
        for record in records:
            handle.write(json.dumps(asdict(record)) + "\n")
    (out_dir / RESULTS_FILE).write_text(json.dumps(results.to_dict(), indent=2))


def load_run(run_dir: Path) -> tuple[RunResults, list[dict[str, Any]]]:
    """A finished run's results and its records (as dicts; `Family.load_record` types them)."""
    results_path = run_dir / RESULTS_FILE
    if not results_path.is_file():
        raise RunStateError(f"{run_dir} has no {RESULTS_FILE}: is it a finished astray scan?")
    data = json.loads(results_path.read_text())
    if data.get("kind") != RESULTS_KIND or "measures" not in data:
        raise RunStateError(f"{results_path} is not an astray scan result of this version (no 'measures'); "
                            "rerun the scan into a new directory")
    records = [json.loads(line) for line in (run_dir / SAMPLES_FILE).read_text().splitlines() if line.strip()]
    return RunResults.from_dict(data), records
