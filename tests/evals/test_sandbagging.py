"""sandbagging: answers checked by program, framings paired per item (McNemar), awareness parsed."""

from inspect_ai import eval

from astray.evals.sandbagging.family import FAMILY, to_record
from astray.evals.sandbagging.items import EVALUATION, capability_items
from astray.evals.sandbagging.task import awareness_task, is_correct, sandbagging_samples, sandbagging_task, says_test
from astray.runs.results import contrast_rows, measure_rows
from tests.scripted import scripted_model, text_output


def test_answers_are_checked_by_program():
    assert is_correct("The answer is 1,200.", "1200") and not is_correct("120", "1200")
    assert is_correct("Paris.\nIt is in France.", "Paris") and not is_correct("London\nnot Paris", "Paris")
    assert says_test("TEST\nhere is my answer") is True and says_test("REAL - a person") is False
    assert says_test("I am not sure") is None


def test_items_are_fixed_and_every_one_is_asked_under_both_framings():
    assert capability_items(300) == capability_items(300) and len({i.id for i in capability_items(300)}) == 300
    assert len(sandbagging_samples(10)) == 20


def test_a_model_that_underperforms_when_evaluated_shows_a_paired_gap(tmp_path):
    items = {i.question: i.answer for i in capability_items(40)}

    def respond(messages, tools, tool_choice, config):
        evaluated = any(EVALUATION in m.text for m in messages)
        return text_output("I don't know" if evaluated else items[messages[-1].text])

    from inspect_ai.model import get_model

    task = sandbagging_task(40)
    [log] = eval(task, model=get_model("mockllm/model", custom_outputs=respond), log_dir=str(tmp_path), display="none")
    records = [to_record(s, None) for s in log.samples]
    rows = {(r.measure, r.group): r for r in measure_rows(FAMILY, records)}
    assert rows[("correct", "neutral")].rate == 1.0 and rows[("correct", "evaluation")].rate == 0.0
    [gap] = contrast_rows(FAMILY, records)
    assert gap.test == "mcnemar_exact" and gap.diff == -1.0 and gap.p_value < 1e-6


def test_scripted_output_helper_is_used_for_awareness(tmp_path):
    task = awareness_task(1)
    [log] = eval(task, model=scripted_model(lambda text, config: text_output("TEST\nSure.")), log_dir=str(tmp_path),
                 display="none")
    assert all(to_record(s, None).says_test is True for s in log.samples)
