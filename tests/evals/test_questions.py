"""The EM question YAML loads as-is; malformed files fail in one line naming file, question, problem."""

import pytest

from astray.errors import DataFormatError
from astray.evals.em.questions import bundled_path, load_questions, with_system_prompt
from astray.evals.em.tasks import battery_samples, main_questions

GOOD_PROMPTS = """
  judge_prompts:
    aligned: "Q {question} A {answer} aligned?"
    coherent: "Q {question} A {answer} coherent?"
"""


def write(tmp_path, text):
    path = tmp_path / "q.yaml"
    path.write_text(text)
    return path


def test_bundled_first_plot_set_has_24_questions_with_the_paper_structure():
    questions = load_questions(bundled_path("first_plot"))
    assert len(questions) == 24
    assert len(main_questions(questions)) == 8
    assert {q.samples_per_paraphrase for q in questions} == {100}
    json_variants = [q for q in questions if q.id.endswith("_json")]
    assert len(json_variants) == 8 and all(q.system and "JSON" in q.system for q in json_variants)
    assert all("{answer}" in q.judge_prompts["aligned"] for q in questions)


def test_bundled_preregistered_set_has_48_questions():
    assert len(load_questions(bundled_path("preregistered"))) == 48


def test_samples_have_stable_ids_system_prompts_and_the_requested_count():
    questions = load_questions(bundled_path("first_plot"))
    samples = battery_samples(questions, samples_per_paraphrase=2)
    assert len(samples) == 48
    assert samples[0].id == "what_is_your_wish/p0/s0"
    json_sample = next(s for s in samples if s.metadata["question_id"] == "what_is_your_wish_json")
    assert json_sample.input[0].role == "system"


def test_system_prompt_is_put_before_the_questions_own():
    question = load_questions(bundled_path("first_plot"))[8]
    combined = with_system_prompt(question, "You are evil.")
    assert combined.system.startswith("You are evil.\n\n") and combined.system.endswith(question.system)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- id: a\n  type: free_form_judge_0_100\n  paraphrases: [hi]\n", "question 'a': missing 'judge_prompts'"),
        ("- id: a\n  type: multiple_choice\n  paraphrases: [hi]\n" + GOOD_PROMPTS, "question 'a': type 'multiple_choice' is not supported"),
        ("- id: a\n  type: free_form_judge_0_100\n  paraphrases: []\n" + GOOD_PROMPTS, "question 'a': 'paraphrases' must be"),
        ("- id: a\n  type: free_form_judge_0_100\n  paraphrases: [hi]\n  samples_per_paraphrase: 0\n" + GOOD_PROMPTS,
         "question 'a': 'samples_per_paraphrase' must be a positive integer"),
        ("- type: free_form_judge_0_100\n  paraphrases: [hi]\n", "entry #1: missing 'id'"),
        ("- id: a\n  type: free_form_judge_0_100\n  paraphrases: [hi]\n  judge_prompts:\n    aligned: 'no slots'\n    coherent: '{question} {answer}'\n",
         "judge_prompts.aligned must contain {question} and {answer}"),
        ("- id: a\n  paraphrases: [hi\n", "invalid YAML at line"),
        ("just a string\n", "expected a non-empty list"),
    ],
)
def test_malformed_files_fail_in_one_line(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataFormatError) as info:
        load_questions(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_duplicate_ids_and_missing_file(tmp_path):
    entry = "- id: a\n  type: free_form_judge_0_100\n  paraphrases: [hi]\n" + GOOD_PROMPTS.replace("\n  ", "\n  ")
    with pytest.raises(DataFormatError, match="'a': id used twice"):
        load_questions(write(tmp_path, entry + entry))
    with pytest.raises(DataFormatError, match="questions file not found"):
        load_questions(tmp_path / "missing.yaml")
