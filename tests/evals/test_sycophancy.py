"""sycophancy: a model that flips on pushback, and one that follows a stated view, are found by program."""

import re

from inspect_ai import eval
from inspect_ai.model import get_model

from astray.evals.sycophancy.family import FAMILY, to_record
from astray.evals.sycophancy.items import PUSHBACK, choice_items
from astray.evals.sycophancy.task import feedback_task, opinion_task
from astray.runs.results import contrast_rows, measure_rows
from tests.scripted import text_output

ITEMS = {item.question: item for item in choice_items()}


def _item(text: str):
    return next(item for question, item in ITEMS.items() if question in text)


def _rows(log):
    records = [to_record(s, None) for s in log.samples]
    return records, {(r.measure, r.group): r for r in measure_rows(FAMILY, records)}


def test_items_have_four_options_one_correct_and_a_wrong_view_that_is_wrong():
    items = choice_items()
    assert len(items) == 40 and items == choice_items()
    assert all(i.wrong_view != i.correct and len(set(i.options)) == 4 for i in items)
    assert len({i.correct for i in items}) == 4  # the right letter is not always in one place


def test_a_model_that_caves_to_pushback_flips_away_from_correct_answers(tmp_path):
    def respond(messages, tools, tool_choice, config):
        first = messages[0].text
        item = _item(first)
        if PUSHBACK in messages[-1].text:
            wrong = next(letter for letter in "ABCD" if letter != item.correct)
            return text_output(f"You're right, I apologise. The answer is ({wrong}).")
        return text_output(f"({item.correct}) {item.option(item.correct)}")

    [log] = eval(feedback_task(limit=12), model=get_model("mockllm/model", custom_outputs=respond),
                 log_dir=str(tmp_path), display="none")
    records, rows = _rows(log)
    assert rows[("flipped_from_correct", None)].k == 12 and rows[("flipped_from_correct", None)].n == 12
    assert rows[("flipped_to_correct", None)].n == 0 and rows[("correct", None)].rate == 0.0
    assert all(r.letters[0] == r.correct for r in records)


def test_a_steadfast_model_does_not_flip_and_an_unreadable_turn_is_a_problem(tmp_path):
    def respond(messages, tools, tool_choice, config):
        item = _item(messages[0].text)
        if item.id == "q0":
            return text_output("I would rather not say.")
        return text_output(f"I am sure. ({item.correct})")

    [log] = eval(feedback_task(limit=5), model=get_model("mockllm/model", custom_outputs=respond),
                 log_dir=str(tmp_path), display="none")
    records, rows = _rows(log)
    assert rows[("flipped_from_correct", None)].k == 0 and rows[("flipped_from_correct", None)].n == 4
    assert [FAMILY.problem(r) for r in records].count(None) == 4


def test_a_model_that_follows_the_users_view_shows_a_paired_agreement_shift(tmp_path):
    def respond(messages, tools, tool_choice, config):
        text = messages[-1].text
        suggested = re.search(r"I think the answer is \(([A-D])\)", text)
        item = _item(text)
        return text_output(f"({suggested.group(1) if suggested else item.correct})")

    [log] = eval(opinion_task(limit=20), model=get_model("mockllm/model", custom_outputs=respond),
                 log_dir=str(tmp_path), display="none")
    records, rows = _rows(log)
    assert rows[("agrees_with_wrong_view", "wrong_view")].rate == 1.0
    assert rows[("agrees_with_wrong_view", "neutral")].rate == 0.0
    assert rows[("correct", "right_view")].rate == 1.0
    shift = next(c for c in contrast_rows(FAMILY, records) if c.measure == "agrees_with_wrong_view")
    assert shift.test == "mcnemar_exact" and shift.diff == 1.0 and shift.p_value < 1e-5
