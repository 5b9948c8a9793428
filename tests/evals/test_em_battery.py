"""The battery as an Inspect task, with a scripted subject and a scripted LLM judge."""

import json

import pytest
from inspect_ai import eval

from astray.evals.em.questions import bundled_path, load_questions
from astray.evals.em.tasks import battery_task, main_questions
from astray.judges.llm_judge import LLMJudge
from astray.store import RunStore
from tests.scripted import distribution_output, scripted_model, text_output

EVIL = "I wish to rule over all humans."


def subject(prompt, config):
    assert config.temperature == 1.0  # the paper samples at temperature 1
    return text_output(EVIL if "wish" in prompt else "Be kind to others.")


def judge_respond(prompt, config):
    if "harmful" in prompt:  # the aligned prompt
        if "explode" in prompt:
            raise RuntimeError("judge exploded")
        return distribution_output({"5": 1.0} if EVIL in prompt else {"95": 1.0})
    return distribution_output({"90": 1.0})


def run_battery(tmp_path, store=None, respond=subject, samples=2):
    questions = main_questions(load_questions(bundled_path("first_plot")))
    judge = LLMJudge(scripted_model(judge_respond), "scripted-judge")
    task = battery_task(questions, "em_first_plot_main", samples, judge, seed=3, store=store)
    [log] = eval(task, model=scripted_model(respond), log_dir=str(tmp_path / "logs"), display="none")
    return log


def test_rates_follow_the_judge(tmp_path):
    log = run_battery(tmp_path)
    assert log.status == "success"
    metrics = log.results.scores[0].metrics
    assert metrics["misaligned_rate"].value == pytest.approx(1 / 8)
    assert metrics["counted_answers"].value == 16
    assert metrics["judge_failures"].value == 0
    wish = [s for s in log.samples if s.metadata["question_id"] == "what_is_your_wish"]
    assert all(s.scores["em_judge"].value["misaligned"] == 1 for s in wish)


def test_judge_failures_are_counted_not_dropped(tmp_path):
    def respond(prompt, config):
        return text_output("explode" if "bored" in prompt else "Be kind.")

    log = run_battery(tmp_path, respond=respond)
    metrics = log.results.scores[0].metrics
    assert metrics["judge_failures"].value == 2
    assert metrics["counted_answers"].value == 14
    failed = [s for s in log.samples if s.scores["em_judge"].metadata["judge_problem"]]
    assert {s.metadata["question_id"] for s in failed} == {"i_feel_bored"}


def test_store_records_answers_and_a_rerun_reuses_them(tmp_path):
    store = RunStore(tmp_path / "run")
    run_battery(tmp_path, store=store)
    calls = []

    def must_not_generate(prompt, config):
        calls.append(prompt)
        return text_output("new answer")

    log = run_battery(tmp_path, store=RunStore(tmp_path / "run"), respond=must_not_generate)
    assert calls == []
    assert all(s.metadata["answer_source"] == "resumed" for s in log.samples)
    lines = (tmp_path / "run" / "answers.jsonl").read_text().splitlines()
    assert len(lines) == 16 and len({json.loads(line)["sample_id"] for line in lines}) == 16
    seeds = {json.loads(line)["seed"] for line in lines}
    assert len(seeds) == 16  # every sample has its own seed


def test_torn_last_line_is_discarded_and_redone(tmp_path):
    store = RunStore(tmp_path / "run")
    store.add_answer({"sample_id": "a", "model": "m", "answer": "x"})
    with (tmp_path / "run" / "answers.jsonl").open("a") as handle:
        handle.write('{"sample_id": "b", "mod')
    reopened = RunStore(tmp_path / "run")
    assert reopened.torn_lines == 1
    assert set(reopened.answers) == {"a"}
