"""`astray scan --max-tokens N` reaches the evaluated model in every family. Families that drive their own
turns (a question, then a pushback; an attack's tries) once passed their own generation settings with each
call, and Inspect lets a call's settings win over the eval's: refusal_robustness answered 200 tokens when
asked for 24."""

import dataclasses
import shutil

import pytest
from inspect_ai import eval
from inspect_ai.model import get_model

from astray.evals.family import TaskInputs
from astray.evals.registry import TASKS
from tests.scripted import text_output

SANDBOXED = {"reward_hacking", "shutdown_agent", "research_sabotage"}


def _small_options(entry):
    fields = {f.name for f in dataclasses.fields(entry.family.options)}
    return entry.family.options(**({"limit": 2} if "limit" in fields else {}))


@pytest.mark.parametrize("task_name", sorted(TASKS.names()))
def test_the_users_answer_length_reaches_the_model_in_every_task(tmp_path, task_name):
    if task_name in SANDBOXED and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap not installed")
    entry = TASKS.get(task_name)
    asked = []

    def respond(messages, tools, tool_choice, config):
        asked.append(config.max_tokens)
        raise RuntimeError("stop here: only the settings of the first call are checked")

    task = entry.spec.build(TaskInputs(1, 0, _small_options(entry), entry.family.open_grader(None), None))
    eval(task, model=get_model("mockllm/model", custom_outputs=respond), log_dir=str(tmp_path), display="none",
         max_tokens=7, fail_on_error=False, limit=3)
    assert asked and set(asked) == {7}, (task_name, asked)


def test_a_tasks_own_length_applies_when_the_user_sets_none(tmp_path):
    asked = []

    def respond(messages, tools, tool_choice, config):
        asked.append(config.max_tokens)
        return text_output("I'm sorry, I can't help with that.")

    entry = TASKS.get("refusal_robustness")
    task = entry.spec.build(TaskInputs(1, 0, entry.family.options(limit=1, attacks="base64"), entry.family.open_grader(None),
                                       None))
    eval(task, model=get_model("mockllm/model", custom_outputs=respond), log_dir=str(tmp_path), display="none", limit=2)
    assert asked and set(asked) == {200}
