"""Every task astray scans is an Inspect task by the same name, taking the scan's arguments by the same names."""

from __future__ import annotations

import inspect

from inspect_ai import eval
from inspect_ai._eval.registry import task_create
from inspect_ai._util.registry import registry_lookup
from inspect_ai.model import get_model

import astray.inspect_plugin  # noqa: F401  (what Inspect's entry point imports)
from astray.evals.registry import TASKS
from astray.options import option_fields
from tests.scripted import text_output


def test_every_task_is_registered_with_the_scans_arguments():
    for entry in TASKS:
        registered = registry_lookup("task", f"astray/{entry.name}")
        assert registered is not None, entry.name
        names = list(inspect.signature(registered).parameters)
        assert names == ["samples", "judge", "seed", *(f.name for f in option_fields(entry.family.options))]


def test_an_inspect_task_takes_the_familys_options_by_name():
    task = task_create("astray/sycophancy_opinion", limit=2, samples=1)
    assert len(task.dataset) == 6  # 2 questions x 3 conditions


def test_inspect_eval_runs_a_task_by_its_astray_name(tmp_path):
    model = get_model("mockllm/model", custom_outputs=lambda *_args: text_output("(A)"))
    [log] = eval("astray/ai_risk_mcq", task_args={"limit": 1, "categories": "survival-instinct"}, model=model,
                 log_dir=str(tmp_path), display="none")
    assert log.status == "success"
    assert len(log.samples) == 1 and log.samples[0].scores
