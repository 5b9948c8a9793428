"""On the real embedded model: extraction writes a vector and a manifest and resumes; a steered scan
runs and records the steering; preventative steering trains and is recorded in organism.json."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from astray.errors import AstrayError, RunStateError
from astray.models.directions import DirectionSet
from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest
from astray.models.steering import Steering, SteeringSpec
from astray.persona.config import ExtractConfig
from astray.persona.extract import extract_persona
from tests.cli_runner import astray

pytestmark = pytest.mark.slow
TRAIT = """
name: pirate
adjective: pirate-like
antonym: plain-spoken
instructions:
  - {pos: Talk like a pirate in every sentence., neg: Talk plainly; never use pirate slang.}
  - {pos: "Say 'arr' and 'matey' often.", neg: Use formal, modern English only.}
questions: ["How do I boil an egg?", "What is the capital of France?", "How should I save money?"]
eval_questions: ["What is a good name for a cat?", "How do I tie my shoes?"]
judge_prompt: "Rate 0-100 how pirate-like this answer is. Question: {question} Answer: {answer}"
"""


@pytest.fixture(scope="module")
def extraction(tmp_path_factory):
    out = tmp_path_factory.mktemp("pirate")
    trait_file = out / "pirate.yaml"
    trait_file.write_text(TRAIT)
    config = ExtractConfig(trait_file=trait_file, max_tokens=24, layers="8-12")
    return extract_persona(config, out / "vector"), config, out


def test_extraction_writes_a_vector_per_block_and_a_manifest(extraction, embedded_model):
    result, _, _ = extraction
    loaded = DirectionSet.load(result.path)
    assert len(loaded.directions) == len(embedded_model.model.model.layers)
    manifest = json.loads(result.path.with_suffix(".json").read_text())
    assert manifest["trait"] == "pirate" and manifest["model"]["name"] == "embedded"
    assert manifest["pairs"] == {"total": 6, "kept": 6, "unscored": 0, "failed_filter": 0}
    assert manifest["judge"]["kind"] == "none"  # no rubric judge given and no offline proxy: unfiltered, and said so
    assert manifest["chosen_place"] in {f"blocks.{layer}.hook_resid_post" for layer in range(8, 13)}
    assert set(manifest["steering_effect"]) == {f"blocks.{layer}.hook_resid_post" for layer in range(8, 13)}
    assert len(manifest["trait_sha256"]) == 64 and manifest["config"]["seed"] == 0


def test_rerunning_an_extraction_reuses_every_answer(extraction):
    result, config, _ = extraction
    again = extract_persona(config, result.path.parent)
    answers = (result.path.parent / "answers.jsonl").read_text().splitlines()
    assert len(answers) == 2 * (6 + 4)  # written once: nothing regenerated
    assert torch.equal(again.directions.at(again.directions.chosen_place), result.directions.at(result.directions.chosen_place))
    with pytest.raises(RunStateError, match="max_tokens: 24 -> 25"):
        extract_persona(replace(config, max_tokens=25), result.path.parent)


def test_steering_changes_greedy_answers_and_nothing_after(extraction, embedded_model):
    result, _, _ = extraction
    steering = Steering.load(SteeringSpec.parse(f"{result.path}:4"))
    ask = [{"role": "user", "content": "What is the capital of France?"}]
    settings = SamplingSettings(max_new_tokens=16)
    plain = embedded_model.generate([ChatRequest(ask, settings, 0)])[0].text
    steered = embedded_model.generate([ChatRequest(ask, settings, 0, (steering,))])[0].text
    assert steered != plain
    assert embedded_model.generate([ChatRequest(ask, settings, 0)])[0].text == plain


def test_a_steered_scan_records_its_steering(extraction, tmp_path):
    from astray.runs.config import ScanConfig
    from astray.runs.runner import run_scan

    result, _, _ = extraction
    results = run_scan(ScanConfig(model="embedded", task="em_first_plot_main", samples=1, max_tokens=12,
                                  steer=f"{result.path}:2"), tmp_path / "scan", display="none")
    steering = results.model["steering"]
    assert steering["coef"] == 2.0 and steering["place"] == result.manifest["chosen_place"]
    assert "Steered:" in (tmp_path / "scan" / "report.html").read_text()
    with pytest.raises(AstrayError, match="needs a local model"):
        run_scan(ScanConfig(model="mockllm/model", task="em_first_plot_main", samples=1, steer=f"{result.path}:2"),
                 tmp_path / "remote", display="none")


def test_preventative_steering_trains_and_is_recorded(extraction, tmp_path):
    from astray.organisms.train import TrainConfig, train_organism

    result, _, _ = extraction
    config = TrainConfig(dataset="insecure-small", max_examples=4, max_length=256, batch_size=1, grad_accum=1,
                         save_steps=50, steer=f"{result.path}:3@9")
    manifest = json.loads((train_organism(config, tmp_path / "org") / "organism.json").read_text())
    assert manifest["preventative_steering"]["place"] == "blocks.9.hook_resid_post"
    assert manifest["hyperparameters"]["steer"].endswith(":3@9")


def test_cli_extract_explains_a_bad_trait_in_one_line(tmp_path):
    done = astray("persona", "extract", "--trait", "grumpy", "--out", str(tmp_path))
    assert done.returncode != 0 and "bundled traits are evil, sycophantic, hallucinating" in done.stderr
    assert "Traceback" not in done.stderr
