"""Registries: one shape, generated listings and errors, and an Inspect entry point that stays cheap."""

import subprocess
import sys
from dataclasses import dataclass

import pytest

from astray.errors import AstrayError
from astray.evals.registry import FAMILIES, TASKS
from astray.registry import Registry
from tests.cli_runner import astray


@dataclass(frozen=True)
class Item:
    name: str
    description: str


def test_unknown_names_list_the_choices_and_duplicates_are_refused():
    items = Registry("widget", [Item("a", "first"), Item("b", "second")])
    with pytest.raises(AstrayError, match="unknown widget 'c'; choose one of: a, b"):
        items.get("c")
    with pytest.raises(ValueError, match="registered twice"):
        items.add(Item("a", "again"))
    assert [i.name for i in items] == ["a", "b"] and "a" in items


def test_importing_the_inspect_entry_point_loads_neither_torch_nor_transformers():
    probe = "import sys, astray.inspect_plugin; print('torch' in sys.modules, 'transformers' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_astray_tasks_lists_every_task_with_its_family():
    result = astray("tasks")
    assert result.returncode == 0, result.stderr
    for entry in TASKS:
        line = next(line for line in result.stdout.splitlines() if f" {entry.name} " in line)
        assert entry.family.name in line
    assert {f.name for f in FAMILIES} >= {"em", "reward_hacking"}


def test_scan_help_is_generated_from_the_option_dataclasses():
    result = astray("scan", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    for flag in ("--task", "--judge", "--samples", "--seed", "--max-tokens", "--system", "--questions", "--aligned-below"):
        assert flag in result.stdout
    assert "(em) System prompt for every question" in result.stdout
