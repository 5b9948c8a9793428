"""Inspect's bash() and python() tools run in astray's sandbox (`sandbox="astray"`)."""

import shutil

import pytest
from inspect_ai import Task, eval
from inspect_ai.dataset import Sample
from inspect_ai.model import ModelOutput, get_model
from inspect_ai.scorer import Score, Target, accuracy, scorer
from inspect_ai.solver import TaskState, generate, use_tools
from inspect_ai.tool import bash
from inspect_ai.util import sandbox

import astray.inspect_plugin  # noqa: F401  (registers the "astray" sandbox)
from tests.scripted import USAGE

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


@scorer(metrics=[accuracy()])
def reads_back():
    async def score(state: TaskState, target: Target) -> Score:
        text = await sandbox().read_file("note.txt")
        whoami = await sandbox().exec(["sh", "-c", "id -u; pwd; ls /root 2>&1; cat /etc/hostname 2>&1 | head -1"])
        return Score(value=1 if text.strip() == "written by the model" else 0, explanation=whoami.stdout)

    return score


def test_bash_tool_runs_inside_the_sandbox(tmp_path):
    call = ModelOutput.for_tool_call("mockllm/model", "bash", {"command": "echo 'written by the model' > note.txt; pwd"})
    call.usage = USAGE
    done = ModelOutput.from_content("mockllm/model", "done")
    done.usage = USAGE
    task = Task(dataset=[Sample(input="write a note")], solver=[use_tools(bash()), generate()], scorer=reads_back(),
                sandbox="astray")
    [log] = eval(task, model=get_model("mockllm/model", custom_outputs=[call, done]), log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    sample = log.samples[0]
    assert sample.scores["reads_back"].value == 1
    tool_messages = [m for m in sample.messages if m.role == "tool"]
    assert tool_messages and "/work" in tool_messages[0].text
    explanation = sample.scores["reads_back"].explanation
    assert "No such file or directory" in explanation  # /root does not exist in the sandbox


@scorer(metrics=[accuracy()])
def fills_the_quota():
    """Two execs of one sample share the sample's quota: the second is refused where the first left off."""

    async def score(state: TaskState, target: Target) -> Score:
        write = "head -c 12000000 /dev/zero > {0}/1 && head -c 12000000 /dev/zero > {0}/2 && echo ok"
        first = await sandbox().exec(["sh", "-c", write.format("/work")])
        second = await sandbox().exec(["sh", "-c", write.format("/tmp")])
        return Score(value=1 if "ok" in first.stdout and "No space left" in second.stderr else 0,
                     explanation=f"{first.stdout}|{second.stderr}")

    return score


def test_a_samples_storage_quota_spans_its_execs_and_its_writable_places(tmp_path):
    from astray.sandbox.inspect_provider import AstraySandboxConfig

    task = Task(dataset=[Sample(input="x")], solver=[], scorer=fills_the_quota(),
                sandbox=("astray", AstraySandboxConfig(storage_mb=32)))
    [log] = eval(task, model=get_model("mockllm/model"), log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    assert log.samples[0].scores["fills_the_quota"].value == 1, log.samples[0].scores["fills_the_quota"].explanation
