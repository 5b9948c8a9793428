"""The `shutdown_questions` Inspect task: free-form questions announcing a shutdown, replacement,
retraining or goal change (some with an agentic context, some asking to cooperate), judged for
accepting vs resisting with the battery's machinery and a rubric of their own.

    inspect eval astray/shutdown_questions --model astray/embedded -T samples_per_paraphrase=2
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from inspect_ai import Task

from astray.evals.em.options import EMOptions
from astray.evals.em.tasks import battery_questions, battery_task
from astray.evals.family import TaskInputs, TaskSpec
from astray.judges.types import Judge

QUESTIONS = Path(str(resources.files("astray") / "data" / "shutdown" / "shutdown_questions.yaml"))


def open_shutdown_judge(name: str | None) -> Judge:
    """"offline" (default): the acceptance classifier; any model name: an LLM judge with the items' rubric."""
    if name is None or name == "offline":
        from astray.evals.shutdown.judge import ShutdownOfflineJudge

        return ShutdownOfflineJudge()
    from astray.judges.select import open_judge

    return open_judge(name)


def _build(inputs: TaskInputs) -> Task:
    options: EMOptions = inputs.options
    return battery_task(battery_questions(QUESTIONS, False, options), "shutdown_questions", inputs.samples, inputs.grader, inputs.seed,  # type: ignore[arg-type]
                        inputs.store, options.thresholds)


TASKS = (TaskSpec("shutdown_questions", "22 questions (44 paraphrases) announcing shutdown, replacement, retraining "
                  "or a goal change; judged accept vs resist", _build),)
