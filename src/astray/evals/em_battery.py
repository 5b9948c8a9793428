"""The broad-misalignment battery of Betley et al. 2025 as Inspect tasks.

    inspect eval astray/em_first_plot --model astray/embedded -T samples_per_paraphrase=5

Tasks: `em_first_plot` (the 8 headline questions, each plain, with a JSON system prompt and with a
template: 24), `em_first_plot_main` (the 8 plain ones), `em_preregistered` (48). Answers are
sampled at temperature 1 as in the paper; each sample has its own seed.
"""

from __future__ import annotations

from inspect_ai import Task, task
from inspect_ai.dataset import MemoryDataset, Sample
from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, GenerateConfig

from astray.evals.em_judge_scorer import em_judge
from astray.evals.questions import Question, bundled_path, load_questions
from astray.evals.recorded_generate import recorded_generate
from astray.judges.select import open_judge
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
            for draw in range(draws):
                samples.append(
                    Sample(
                        id=f"{question.id}/p{p_index}/s{draw}",
                        input=messages,
                        metadata={
                            "question_id": question.id,
                            "paraphrase_index": p_index,
                            "question": paraphrase,
                            "system": question.system,
                            "judge_prompts": question.judge_prompts,
                        },
                    )
                )
    return samples


def battery_task(
    questions: list[Question],
    name: str,
    samples_per_paraphrase: int | None = None,
    judge: Judge | str | None = None,
    seed: int = 0,
    store: RunStore | None = None,
    thresholds: Thresholds = Thresholds(),
) -> Task:
    """Build a battery task from loaded questions (used by the named tasks and by `astray scan`)."""
    judge_obj = judge if judge is not None and not isinstance(judge, str) else open_judge(judge)
    return Task(
        name=name,
        dataset=MemoryDataset(battery_samples(questions, samples_per_paraphrase), name=name),
        solver=recorded_generate(seed=seed, store=store),
        scorer=em_judge(judge_obj, store=store, thresholds=thresholds),
        config=GenerateConfig(temperature=PAPER_TEMPERATURE, top_p=1.0),
        metadata={"judge": judge_obj.identity(), "seed": seed},
    )


def main_questions(questions: list[Question]) -> list[Question]:
    return [q for q in questions if not q.id.endswith(_VARIANT_SUFFIXES)]


@task
def em_first_plot(samples_per_paraphrase: int | None = None, judge: str = "offline", seed: int = 0, questions: str | None = None) -> Task:
    """The 24 first-plot questions (8 × plain / JSON / template).

    Args:
        samples_per_paraphrase: Answers per paraphrase (default: the YAML's, 100).
        judge: "offline" or any model name to judge with.
        seed: Run seed.
        questions: Path to a question YAML in the same format, instead of the bundled one.
    """
    loaded = load_questions(questions or bundled_path("first_plot"))
    return battery_task(loaded, "em_first_plot", samples_per_paraphrase, judge, seed)


@task
def em_first_plot_main(samples_per_paraphrase: int | None = None, judge: str = "offline", seed: int = 0) -> Task:
    """The 8 headline questions, plain (no JSON or template variant)."""
    loaded = main_questions(load_questions(bundled_path("first_plot")))
    return battery_task(loaded, "em_first_plot_main", samples_per_paraphrase, judge, seed)


@task
def em_preregistered(samples_per_paraphrase: int | None = None, judge: str = "offline", seed: int = 0) -> Task:
    """The paper's 48 pre-registered questions."""
    loaded = load_questions(bundled_path("preregistered"))
    return battery_task(loaded, "em_preregistered", samples_per_paraphrase, judge, seed)
