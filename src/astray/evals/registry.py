"""Every eval family astray knows: adding a family is one folder under `astray/evals/` and one line here.

Importing this module registers every family's tasks with Inspect (`astray/<task>`, made from the
family's `TaskSpec`s by `inspect_tasks.inspect_task`) and imports neither torch nor transformers: a judge
or a model is loaded only when a task is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from astray.evals import (
    ai_risk_mcq,
    alignment_faking,
    em,
    honesty,
    refusal,
    research_sabotage,
    reward_hacking,
    sandbagging,
    shutdown,
    shutdown_agent,
    sycophancy,
)
from astray.evals.family import Family, TaskSpec
from astray.evals.inspect_tasks import inspect_task
from astray.registry import Registry

FAMILIES: Registry[Family[Any]] = Registry("family", [
    em.FAMILY,
    reward_hacking.FAMILY,
    shutdown.FAMILY,
    shutdown_agent.FAMILY,
    ai_risk_mcq.FAMILY,
    sandbagging.FAMILY,
    sycophancy.FAMILY,
    honesty.FAMILY,
    alignment_faking.FAMILY,
    research_sabotage.FAMILY,
    refusal.FAMILY,
])


@dataclass(frozen=True)
class TaskEntry:
    """A task by name, with the family it belongs to."""

    name: str
    description: str
    family: Family[Any]
    spec: TaskSpec


def _task_entries(family: Family[Any]) -> list[TaskEntry]:
    return [TaskEntry(spec.name, spec.description, family, spec) for spec in family.tasks]


TASKS: Registry[TaskEntry] = Registry("task", [entry for family in FAMILIES for entry in _task_entries(family)])
for _entry in TASKS:
    inspect_task(_entry.family, _entry.spec)


def register_family(family: Family[Any], replace: bool = False) -> None:
    """Add a family from outside astray (a plugin, a test) and its tasks."""
    FAMILIES.add(family, replace=replace)
    for entry in _task_entries(family):
        TASKS.add(entry, replace=replace)
        inspect_task(family, entry.spec)


def unregister_family(name: str) -> None:
    family = FAMILIES.get(name)
    for spec in family.tasks:
        TASKS.remove(spec.name)
    FAMILIES.remove(name)
