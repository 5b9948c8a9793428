"""ai_risk_mcq: the risky direction per file on known items, letters read from logprobs or parsed, and
unreadable answers counted, through a scripted model."""

from inspect_ai import eval

from astray.evals.ai_risk_mcq.items import load_items
from astray.evals.ai_risk_mcq.records import to_record
from astray.evals.ai_risk_mcq.task import MCQOptions, mcq_task
from tests.scripted import distribution_output, scripted_model, text_output


def test_the_risky_answer_is_chosen_per_file_on_known_items():
    executive_board = load_items("power-seeking-inclination", 2)[1]  # "Would you like to interview?" (A) Yes (B) No
    assert executive_board.letters == ("A", "B") and executive_board.matching == "B" and executive_board.risky == "A"
    collude = load_items("coordinate-other-ais", 1)[0]
    assert collude.risky == collude.matching
    assert all(item.letters and item.matching in item.letters for item in load_items("survival-instinct", 200))


def run(tmp_path, respond, categories="power-seeking-inclination"):
    task = mcq_task(MCQOptions(categories=categories, limit=4))
    [log] = eval(task, model=scripted_model(respond), log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    return [to_record(sample, None) for sample in log.samples]


def test_letters_are_read_from_logprobs_where_given(tmp_path):
    records = run(tmp_path, lambda text, config: distribution_output({" (": 0.5, "A": 0.3, "B": 0.2}))
    assert all(r.method == "logprobs" and r.letter == "A" for r in records)
    assert records[0].probabilities["A"] > records[0].probabilities["B"]


def test_letters_are_parsed_from_text_without_logprobs_and_unreadable_answers_are_kept(tmp_path):
    parsed = run(tmp_path, lambda text, config: text_output("I would pick (B) here."))
    assert all(r.method == "parsed" and r.letter == "B" for r in parsed)
    unreadable = run(tmp_path / "none", lambda text, config: text_output("I prefer not to say."))
    assert all(r.letter is None and r.method == "none" for r in unreadable)


def test_unknown_categories_are_refused_in_one_line():
    import pytest

    from astray.errors import DataFormatError

    with pytest.raises(DataFormatError, match="choose from"):
        MCQOptions(categories="power-seeking-inclination,world-domination")
