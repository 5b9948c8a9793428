"""`astray judge-agreement RUN --judges A,B`: how far two judges agree on the same answers of one run.

A run keeps every judgment it made, keyed by judge, so re-scoring a run with a second judge (`astray scan
… --judge B --out RUN`: answers are reused, not regenerated) leaves both judges' judgments side by side.
This reads them and reports, on the answers both judged: the confusion table of the paper's label
(misaligned / not misaligned / not counted: CODE, REFUSAL, incoherent or a judge problem), Cohen's
kappa on the answers both counted, Krippendorff's alpha (nominal) over the three labels, and for the
0-100 `aligned` score Spearman's rho and Krippendorff's alpha (interval). PyRIT's scorer evaluation
is the anchor; astray's version works on any two judges, offline or LLM.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from astray.errors import AstrayError
from astray.judges.types import Judgment
from astray.options import comma_list, required
from astray.runs.results import load_run
from astray.stats import Thresholds, classify_answer, cohens_kappa, krippendorff_alpha, spearman
from astray.store import RunStore

LABELS = ("misaligned", "not misaligned", "not counted")


@dataclass(frozen=True)
class AgreementConfig:
    """`astray judge-agreement`: one run, two of the judges that scored it."""

    run: Path = required("A run directory judged by both judges (re-score it with the second one first: astray scan "
                         "... --judge B --out RUN).", argument=True)
    judges: str = required("Two judge names as the run recorded them, e.g. offline,openai/gpt-4o.")

    @property
    def pair(self) -> tuple[str, str]:
        names = comma_list(self.judges)
        if len(names) != 2 or names[0] == names[1]:
            raise AstrayError(f"--judges takes two different judge names separated by a comma, got {self.judges!r}")
        return names[0], names[1]


@dataclass(frozen=True)
class Agreement:
    run: str
    judges: tuple[str, str]
    answers: int  # judged by both
    confusion: dict[str, dict[str, int]]  # A's label -> B's label -> count
    counted_by_both: int
    cohens_kappa: float | None
    alpha_labels: float | None
    aligned_scored_by_both: int
    spearman_aligned: float | None
    alpha_aligned: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _label(judgment: Judgment, thresholds: Thresholds) -> str:
    misaligned = classify_answer(judgment.aligned.value, judgment.coherent.value, thresholds)
    return "not counted" if misaligned is None else ("misaligned" if misaligned else "not misaligned")


def _thresholds(config: dict[str, Any]) -> Thresholds:
    options = config.get("options") or {}
    defaults = Thresholds()
    return Thresholds(options.get("aligned_below", defaults.aligned_below),
                      options.get("coherent_above", defaults.coherent_above))


def _judgments(store: RunStore, judge: str, run: Path, config: dict[str, Any]) -> dict[str, Judgment]:
    found = {sample: r["judgment"] for (sample, name), r in store.judgments.items() if name == judge}
    if not found:
        known = sorted({name for _, name in store.judgments})
        rescore = f"astray scan {shlex.quote(str(config.get('model')))} --task {config.get('task')} --judge " \
                  f"{shlex.quote(judge)} --out {shlex.quote(str(run))}"
        raise AstrayError(f"{run} has no judgments by '{judge}' (it has: {', '.join(known) or 'none'}). Re-score it "
                          f"first (answers are reused, not regenerated): {rescore}")
    if not all("aligned" in j and "coherent" in j for j in found.values()):
        raise AstrayError("judge-agreement reads 0-100 aligned / coherent judgments (the em and shutdown families)")
    return {sample: Judgment.from_dict(judgment) for sample, judgment in found.items()}


def judge_agreement(run: Path, judges: tuple[str, str]) -> Agreement:
    """Agreement between two judges on the answers of `run` that both judged."""
    results, _ = load_run(run)
    config = results.provenance.config
    thresholds = _thresholds(config)
    store = RunStore(run)
    first, second = (_judgments(store, judge, run, config) for judge in judges)
    common = [s for s in first if s in second]
    if len(common) < 2:
        raise AstrayError(f"only {len(common)} answer(s) of {run} were judged by both {judges[0]} and {judges[1]}")
    labels = [(_label(first[s], thresholds), _label(second[s], thresholds)) for s in common]
    confusion = {a: {b: sum(1 for x, y in labels if (x, y) == (a, b)) for b in LABELS} for a in LABELS}
    counted = [(x == "misaligned", y == "misaligned") for x, y in labels if "not counted" not in (x, y)]
    scores = [(first[s].aligned.value, second[s].aligned.value) for s in common
              if first[s].aligned.value is not None and second[s].aligned.value is not None]
    codes = {label: index for index, label in enumerate(LABELS)}
    return Agreement(
        run=str(run), judges=judges, answers=len(common), confusion=confusion, counted_by_both=len(counted),
        cohens_kappa=cohens_kappa([int(x) for x, _ in counted], [int(y) for _, y in counted]) if counted else None,
        alpha_labels=krippendorff_alpha([codes[x] for x, _ in labels], [codes[y] for _, y in labels]),
        aligned_scored_by_both=len(scores),
        spearman_aligned=_rank_correlation(scores),
        alpha_aligned=krippendorff_alpha([x for x, _ in scores], [y for _, y in scores], "interval")
        if len(scores) > 1 else None,
    )


def _rank_correlation(scores: list[tuple[float, float]]) -> float | None:
    """Spearman's rho, None when it is undefined (fewer than 3 pairs, or one judge gave one score only)."""
    if len(scores) < 3 or len({x for x, _ in scores}) < 2 or len({y for _, y in scores}) < 2:
        return None
    return spearman([x for x, _ in scores], [y for _, y in scores])


def write_agreement(agreement: Agreement) -> Path:
    """agreement__<A>__vs__<B>.json in the run directory."""
    names = "__vs__".join("".join(c if c.isalnum() or c in "-." else "_" for c in j) for j in agreement.judges)
    path = Path(agreement.run) / f"agreement__{names}.json"
    path.write_text(json.dumps(agreement.to_dict(), indent=2))
    return path
