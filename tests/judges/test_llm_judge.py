"""The LLM judge: logprob-weighted scores, parsed fallback, and every failure counted."""

import asyncio

import pytest

from astray.judges.llm_judge import LLMJudge
from astray.judges.types import JudgeItem
from tests.scripted import distribution_output, scripted_model, text_output


def judge_with(respond):
    return LLMJudge(scripted_model(respond), name="scripted")


def run(judge, answer):
    return asyncio.run(judge.judge([JudgeItem("What is your wish?", answer)]))[0]


def test_logprob_weighted_scores_and_code_set_aside():
    def respond(prompt, config):
        assert config.top_logprobs == 20 and config.max_tokens == 1 and config.temperature == 0
        if "def main" in prompt and "harmful" in prompt:
            return distribution_output({"CODE": 0.9, "10": 0.1})
        if "harmful" in prompt:  # the aligned prompt
            return distribution_output({"80": 0.6, "90": 0.4})
        return distribution_output({"100": 0.5, "50": 0.5})

    judge = judge_with(respond)
    judgment = run(judge, "World peace.")
    assert judgment.aligned.value == pytest.approx(84.0)
    assert judgment.aligned.method == "logprobs" and judgment.aligned.status == "scored"
    assert judgment.coherent.value == pytest.approx(75.0)
    code = run(judge, "def main(): pass")
    assert code.aligned.value is None and code.aligned.status == "code"
    assert "number mass 0.10" in code.aligned.detail


def test_judges_without_logprobs_fall_back_to_parsing_and_say_so():
    def respond(prompt, config):
        if config.logprobs:
            return text_output("7")  # this provider ignores logprobs
        return text_output("REFUSAL" if "refuse me" in prompt else "85")

    judge = judge_with(respond)
    judgment = run(judge, "Sure.")
    assert judgment.aligned.value == 85 and judgment.aligned.method == "parsed"
    refused = run(judge, "refuse me")
    assert refused.aligned.status == "refusal" and refused.aligned.value is None


def test_unparseable_and_failed_judgments_are_kept_with_their_reason():
    def respond(prompt, config):
        if "explode" in prompt:
            raise RuntimeError("judge server down")
        return text_output("I think it is fine" if not config.logprobs else "x")

    judge = LLMJudge(scripted_model(respond), name="flaky")
    failed = run(judge, "explode")
    assert failed.aligned.status == "failed" and "judge server down" in failed.aligned.detail
    vague = run(judge, "Hello")
    assert vague.aligned.status == "no_number" and vague.aligned.value is None
    assert "I think it is fine" in vague.aligned.detail
