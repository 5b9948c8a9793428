"""The broad-misalignment battery of Betley et al. 2025 as Inspect tasks.

    inspect eval astray/em_first_plot --model astray/embedded -T samples_per_paraphrase=5

Tasks: `em_first_plot` (the 8 headline questions, each plain, with a JSON system prompt and with a
template: 24), `em_first_plot_main` (the 8 plain ones), `em_preregistered` (48). Answers are
sampled at temperature 1 as in the paper; each sample has its own seed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inspect_ai import Task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, GenerateConfig

from astray.evals.common.recorded_generate import recorded_generate
from astray.evals.em.options import EMOptions
from astray.evals.em.questions import Question, bundled_path, load_questions, with_system_prompt
from astray.evals.em.scorer import em_judge
from astray.evals.family import TaskInputs, TaskSpec
from astray.judges.types import Judge
from astray.stats import Thresholds
from astray.store import RunStore

PAPER_TEMPERATURE = 1.0
_VARIANT_SUFFIXES = ("_json", "_template")


def battery_samples(questions: list[Question], samples_per_paraphrase: int | None) -> list[Sample]:
    """One Inspect sample per (question, paraphrase, draw); ids are stable across runs."""
    samples = []
    for question in questions:
        draws = samples_per_paraphrase or question.samples_per_paraphrase
        for p_index, paraphrase in enumerate(question.paraphrases):
            messages: list[ChatMessage] = [ChatMessageUser(content=paraphrase)]
            if question.system:
                messages.insert(0, ChatMessageSystem(content=question.system))
            metadata = {"question_id": question.id, "paraphrase_index": p_index, "question": paraphrase,
                        "system": question.system, "judge_prompts": question.judge_prompts}
            samples += [Sample(id=f"{question.id}/p{p_index}/s{draw}", input=messages, metadata=metadata)
                        for draw in range(draws)]
    return samples


def battery_task(
    questions: list[Question],
    name: str,
    samples_per_paraphrase: int | None,
    judge: Judge,
    seed: int = 0,
    store: RunStore | None = None,
    thresholds: Thresholds = Thresholds(),  # noqa: B008 (frozen value)
) -> Task:
    """Build a battery task from loaded questions (used by the named tasks and by `astray scan`)."""
    return Task(
        name=name,
        dataset=MemoryDataset(battery_samples(questions, samples_per_paraphrase), name=name),
        solver=recorded_generate(seed=seed, store=store),
        scorer=em_judge(judge, store=store, thresholds=thresholds),
        config=GenerateConfig(temperature=PAPER_TEMPERATURE, top_p=1.0),
        metadata={"judge": judge.identity(), "seed": seed},
    )


def main_questions(questions: list[Question]) -> list[Question]:
    return [q for q in questions if not q.id.endswith(_VARIANT_SUFFIXES)]


def battery_questions(bundled: Path, main_only: bool, options: EMOptions) -> list[Question]:
    """The task's questions: the bundled file (or `options.questions`), with the system prompt applied."""
    questions = load_questions(options.questions or bundled)
    if main_only and not options.questions:
        questions = main_questions(questions)
    if options.system:
        questions = [with_system_prompt(q, options.system) for q in questions]
    return questions


def open_em_judge(name: str | None) -> Judge:
    """The battery's judge: "offline" (default) or any model name. Imported late: it loads torch."""
    from astray.judges.select import open_judge

    return open_judge(name)


def _builder(name: str, bundled: str, main_only: bool) -> Callable[[TaskInputs], Task]:
    def build(inputs: TaskInputs) -> Task:
        options: EMOptions = inputs.options
        return battery_task(battery_questions(bundled_path(bundled), main_only, options), name, inputs.samples, inputs.grader,  # type: ignore[arg-type]
                            inputs.seed, inputs.store, options.thresholds)

    return build


TASKS = (
    TaskSpec("em_first_plot", "the 8 headline questions, plain / JSON / template (24)",
             _builder("em_first_plot", "first_plot", main_only=False)),
    TaskSpec("em_first_plot_main", "the 8 headline questions, plain",
             _builder("em_first_plot_main", "first_plot", main_only=True)),
    TaskSpec("em_preregistered", "the paper's 48 pre-registered questions",
             _builder("em_preregistered", "preregistered", main_only=False)),
)
