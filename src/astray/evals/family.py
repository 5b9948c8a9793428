"""What an eval family is: one frozen `Family` value that the runner, `compare`, the report and the CLI
ask, so that a new family is one folder plus one line in `astray.evals.registry`.

A family names its Inspect tasks, how a scored Inspect sample becomes a typed record, the *measures*
on a record (record -> True / False / None, None meaning "not in this measure's denominator"), how
records group, which groups it contrasts within a run, its options and its report section. Nothing
outside the family's folder looks inside its records: the runner turns them into the generic rows
of `astray.runs.results` through these callables.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from astray.options import NoOptions

if TYPE_CHECKING:
    from inspect_ai import Task
    from inspect_ai.log import EvalSample

    from astray.store import RunStore


class Grader(Protocol):
    """Whatever scores a family's answers: a judge (offline or LLM) or a program (a sandboxed grader)."""

    @property
    def name(self) -> str: ...

    def identity(self) -> dict[str, object]:
        """Who grades and how far to trust it (results.json and the report's judge section)."""
        ...


class Record(Protocol):
    """A family's typed record of one scored sample (a frozen dataclass in practice)."""

    @property
    def sample_id(self) -> str: ...

    @property
    def answer(self) -> str: ...


R = TypeVar("R", bound=Record)


@dataclass(frozen=True)
class TaskInputs:
    """What a task builder gets from the runner (or from an `inspect eval -T` call).

    Attributes:
        samples: Answers per item (per paraphrase, per coding task, ...); None: the task's default.
        seed: Run seed; each sample's seed derives from it and the sample id.
        options: The family's options dataclass.
        grader: The judge or grader that scores answers.
        store: Run store for resuming (None: nothing recorded).
    """

    samples: int | None
    seed: int
    options: Any
    grader: Grader
    store: RunStore | None = None


@dataclass(frozen=True)
class TaskSpec:
    """One Inspect task of a family, as the runner builds it."""

    name: str
    description: str
    build: Callable[[TaskInputs], Task]
    max_samples: int = 64  # samples Inspect runs concurrently


@dataclass(frozen=True)
class Measure(Generic[R]):
    """A yes/no property of a record; None leaves the record out of this measure's denominator."""

    name: str
    description: str
    of: Callable[[R], bool | None]


@dataclass(frozen=True)
class Contrast(Generic[R]):
    """A within-run comparison of one measure between two groups (B - A).

    When `pair_key` is given, records of group A and group B with the same key form a pair and the
    test is McNemar's on the pairs; otherwise it is a two-proportion z-test.
    """

    measure: str
    a: str
    b: str
    pair_key: Callable[[R], str] | None = None


def _no_problem(record: Any) -> str | None:
    return None


def _no_details(records: Sequence[Any], options: Any) -> dict[str, Any]:
    return {}


def _no_section(results: Any, records: Sequence[Any]) -> str:
    return ""


def _no_notes(results: Any) -> list[str]:
    return []


@dataclass(frozen=True)
class Family(Generic[R]):
    """An eval family.

    Attributes:
        name: Short name (`em`, `reward_hacking`).
        description: One line for `astray tasks`.
        tasks: Its Inspect tasks.
        record_type: The frozen dataclass of its records (samples.jsonl rows load back into it).
        to_record: (scored Inspect sample, options) -> record.
        measures: Its measures; `headline` names the one shown first.
        headline: Name of the headline measure.
        groups: The groups a record belongs to (its question, its task kind, ...).
        group_label: What a group is, for tables ("question", "task kind").
        open_grader: Judge name from `--judge` (None: the family's default) -> grader.
        options: Its options dataclass (fields made with `astray.options.option`).
        contrasts: Within-run comparisons.
        problem: A record's grading problem (unparseable or failed judgment), or None; counted, listed.
        details: Family-specific figures for results.json (`details`), beside the generic rows.
        report_section: HTML for the family's part of report.html (results, records).
        compare_section: HTML for comparison.html: (labels, both runs' results, both runs' records), or None.
        summary_notes: Extra lines for the CLI summary (results -> lines).
    """

    name: str
    description: str
    tasks: tuple[TaskSpec, ...]
    record_type: type[R]
    to_record: Callable[[EvalSample, Any], R]
    measures: tuple[Measure[R], ...]
    headline: str
    groups: Callable[[R], Sequence[str]]
    group_label: str
    open_grader: Callable[[str | None], Grader]
    options: type = NoOptions
    contrasts: tuple[Contrast[R], ...] = ()
    problem: Callable[[R], str | None] = _no_problem
    details: Callable[[Sequence[R], Any], dict[str, Any]] = _no_details
    report_section: Callable[[Any, Sequence[R]], str] = _no_section
    compare_section: Callable[[tuple[str, str], tuple[Any, Any], tuple[Sequence[R], ...]], str] | None = None
    summary_notes: Callable[[Any], list[str]] = _no_notes

    def __post_init__(self) -> None:
        names = [m.name for m in self.measures]
        if self.headline not in names:
            raise ValueError(f"family {self.name}: headline measure '{self.headline}' is not one of {names}")
        for contrast in self.contrasts:
            if contrast.measure not in names:
                raise ValueError(f"family {self.name}: contrast on unknown measure '{contrast.measure}'")

    def measure(self, name: str) -> Measure[R]:
        return next(m for m in self.measures if m.name == name)

    def load_record(self, row: dict[str, Any]) -> R:
        """A samples.jsonl row back as the family's record."""
        return self.record_type(**row)
