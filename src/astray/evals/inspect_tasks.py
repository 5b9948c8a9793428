"""Each family's tasks as Inspect tasks, made from the family's own declaration (`TaskSpec` + options), so
`inspect eval astray/<task> -T ...` and `astray scan --task <task> ...` take the same arguments by the same
names and cannot drift: `samples`, `judge`, `seed` (as `ScanConfig` names them) and the family's options.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from inspect_ai import Task, task

from astray.evals.family import Family, TaskInputs, TaskSpec
from astray.options import option_fields

# ScanConfig's fields a task takes; their help is ScanConfig's (`astray scan --help`).
RUN_PARAMETERS = (
    inspect.Parameter("samples", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=int | None),
    inspect.Parameter("judge", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=str | None),
    inspect.Parameter("seed", inspect.Parameter.KEYWORD_ONLY, default=0, annotation=int),
)


def inspect_task(family: Family[Any], spec: TaskSpec) -> Callable[..., Task]:
    """Register `spec` with Inspect as `astray/<spec.name>` and return the registered task function."""
    fields = option_fields(family.options)

    def build(samples: int | None = None, judge: str | None = None, seed: int = 0, **options: Any) -> Task:
        return spec.build(TaskInputs(samples, seed, family.options(**options), family.open_grader(judge)))

    parameters = [*RUN_PARAMETERS, *(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                                                       annotation=f.type) for f in fields)]
    build.__signature__ = inspect.Signature(parameters, return_annotation=Task)  # type: ignore[attr-defined]
    build.__name__ = build.__qualname__ = spec.name
    build.__module__ = __name__  # registered as astray/<name>, whichever package the family lives in
    build.__doc__ = "\n".join([
        f"{spec.description} ({family.name}).", "", "Args:",
        "    samples: Answers per item (default: the task's).",
        "    judge: 'offline' or any model name, for judged families (default: the family's).",
        "    seed: Run seed; each answer's seed derives from it and the sample id.",
        *(f"    {f.name}: {f.help}" for f in fields),
    ])
    return task(name=spec.name)(build)
