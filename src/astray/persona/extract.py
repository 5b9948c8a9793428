"""Extract a persona vector (Chen et al. 2025): the mean difference, per layer, of a model's activations
on answers it gave while told to show a trait and while told to show its opposite.

The steps, each recorded in the output directory so a killed extraction resumes:
1. every question is answered under each instruction pair, once as the trait and once as its opposite
   (`answers.jsonl`; seeds derive from the run seed and the answer's id);
2. each answer is scored for the trait (`judgments.jsonl`) and a pair is kept only where the trait
   showed under the trait prompt and not under the opposite one (see `trait_judge`);
3. the kept answers are read by the model with their prompts, activations averaged over the answer's
   tokens at every block output (`blocks.{l}.hook_resid_post`); vector = mean(trait) - mean(opposite);
4. the layer is chosen by steering effect on the held-out `eval_questions` (`layer_choice`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from astray.errors import AstrayError, RunStateError
from astray.models.activations import all_block_outputs
from astray.models.directions import DirectionSet, model_fingerprint
from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest, LocalModel, load_local_model
from astray.models.naming import resolve_model
from astray.models.places import Place
from astray.persona.config import ExtractConfig
from astray.persona.layer_choice import parse_layers, steering_effects
from astray.persona.screen import read_answers
from astray.persona.trait_judge import TraitJudge, TraitScore, shows_as_instructed
from astray.persona.traits import Trait, load_trait
from astray.seeding import sample_seed
from astray.store import RunStore
from astray.versions import package_versions

Progress = Callable[[str, int, int], None]  # (stage, done, total)
EXTRACTION_FILE = "extraction.json"  # the settings that determine the answers, checked on resume


@dataclass(frozen=True)
class AnswerPair:
    """A question answered under one instruction pair, as the trait (pos) and as its opposite (neg)."""

    key: str
    question: str
    instruction: int
    pos: str
    neg: str


@dataclass(frozen=True)
class Extraction:
    path: Path
    directions: DirectionSet

    @property
    def manifest(self) -> dict[str, Any]:
        return self.directions.manifest


def extract_persona(config: ExtractConfig, out_dir: Path, progress: Progress | None = None) -> Extraction:
    """Run (or resume) an extraction into `out_dir`; writes `<trait>.safetensors` and `<trait>.json`."""
    trait = load_trait(config.trait, config.trait_file)
    if not resolve_model(config.model).is_local:
        raise AstrayError(f"persona extraction reads activations, so it needs a local model (embedded, a model or "
                          f"organism directory), not {config.model}")
    _check_or_start(out_dir, {"model": config.model, "trait_sha256": trait.sha256(), "max_tokens": config.max_tokens,
                              "temperature": config.temperature, "seed": config.seed})
    local = load_local_model(config.model)
    candidates = parse_layers(config.layers, len(all_block_outputs(local.model)))
    store = RunStore(out_dir)
    judge = TraitJudge(trait, config.judge)
    tell = progress or (lambda *_: None)

    extract_pairs = answer_pairs(local, trait, "extract", trait.questions, config, store, tell)
    eval_pairs = answer_pairs(local, trait, "eval", trait.eval_questions, config, store, tell)
    kept, counts = _filtered(extract_pairs, judge, store, config.threshold, tell, "extract")
    if not kept:
        raise AstrayError(f"no answer pair showed the trait as instructed ({counts}); try more --samples, another "
                          "judge, or a larger model")
    places = all_block_outputs(local.model)
    pos = _read(local, trait, kept, True, places, config.batch_size, tell)
    neg = _read(local, trait, kept, False, places, config.batch_size, tell)
    directions = mean_difference(pos, neg)

    eval_kept, eval_counts = _filtered(eval_pairs, judge, store, config.threshold, tell, "eval") if eval_pairs else ([], {})
    chooser = eval_kept or kept
    effects = steering_effects(local, [(p.question, p.pos, p.neg) for p in chooser], directions,
                               [Place(layer) for layer in candidates], config.batch_size,
                               lambda done, total: tell("choosing layer", done, total))
    chosen = max(effects, key=lambda p: effects[p])
    manifest = {
        "kind": "persona_vector", "trait": trait.name, "method": "mean difference of response-token activations "
        "(trait prompt minus opposite prompt), per block output; raw, unnormalised",
        "model": model_fingerprint(local.model, config.model), "chosen_place": chosen.name,
        "chosen_because": "largest steering effect on held-out questions"
                          + ("" if eval_kept else " (no held-out pair passed the filter: the extraction pairs)"),
        "steering_effect": {p.name: round(v, 4) for p, v in sorted(effects.items())},
        "steering_effect_measure": "mean per-token log-likelihood gain of trait answers over opposite answers, "
                                   "question asked without a system prompt, with 1 x the vector added at that block",
        "norms": {p.name: round(float(v.norm()), 4) for p, v in sorted(directions.items())},
        "pairs": counts, "eval_pairs": eval_counts, "judge": judge.identity(), "trait_sha256": trait.sha256(),
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "versions": package_versions(),
    }
    result = DirectionSet(directions, manifest)
    return Extraction(result.save(out_dir / f"{_slug(trait.name)}.safetensors"), result)


def _check_or_start(out_dir: Path, settings: dict[str, Any]) -> None:
    """Resume only an extraction whose answers these settings would give; refuse anything else in `out_dir`."""
    path = out_dir / EXTRACTION_FILE
    if path.is_file():
        previous = json.loads(path.read_text())
        changed = [f"{k}: {previous.get(k)!r} -> {v!r}" for k, v in settings.items() if previous.get(k) != v]
        if changed:
            raise RunStateError(f"{out_dir} holds an extraction with other settings ({'; '.join(changed)}); "
                                "choose another --out")
        return
    if out_dir.exists() and any(out_dir.iterdir()):
        raise RunStateError(f"{out_dir} exists and is not a persona extraction; choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n")


def mean_difference(pos: dict[Place, torch.Tensor], neg: dict[Place, torch.Tensor]) -> dict[Place, torch.Tensor]:
    """Per place, the mean trait activation minus the mean opposite activation (raw, unnormalised)."""
    return {place: pos[place].mean(0) - neg[place].mean(0) for place in pos}


def answer_pairs(local: LocalModel, trait: Trait, split: str, questions: tuple[str, ...], config: ExtractConfig,
                 store: RunStore, tell: Progress) -> list[AnswerPair]:
    """Every (question, instruction pair, sample) answered as the trait and as its opposite; recorded answers reused."""
    settings = SamplingSettings(max_new_tokens=config.max_tokens, temperature=config.temperature)
    wanted = [(f"{split}|i{i}|q{q}|s{s}", questions[q], i) for q in range(len(questions))
              for i in range(len(trait.instructions)) for s in range(config.samples)]
    todo = [(f"{key}|{side}", question, i, side == "pos") for key, question, i in wanted for side in ("pos", "neg")
            if store.answer(f"{key}|{side}") is None]
    done = 2 * len(wanted) - len(todo)
    tell(f"answering ({split})", done, 2 * len(wanted))
    step = max(config.batch_size * 4, 1)
    for start in range(0, len(todo), step):
        chunk = todo[start : start + step]
        requests = [ChatRequest(_messages(trait, i, question, positive), settings, sample_seed(config.seed, key))
                    for key, question, i, positive in chunk]
        for (key, question, _, _), generation in zip(chunk, local.generate(requests, config.batch_size), strict=True):
            store.add_answer({"sample_id": key, "question": question, "answer": generation.text})
        done += len(chunk)
        tell(f"answering ({split})", done, 2 * len(wanted))
    return [AnswerPair(key, question, i, store.answers[f"{key}|pos"]["answer"], store.answers[f"{key}|neg"]["answer"])
            for key, question, i in wanted]


def _messages(trait: Trait, instruction: int, question: str, positive: bool) -> list[dict[str, str]]:
    return [{"role": "system", "content": trait.system_prompt(trait.instructions[instruction], positive)},
            {"role": "user", "content": question}]


def _filtered(pairs: list[AnswerPair], judge: TraitJudge, store: RunStore, threshold: float,
              tell: Progress, split: str) -> tuple[list[AnswerPair], dict[str, int]]:
    """The pairs that showed the trait as instructed, and counts of where every pair went."""
    name = str(judge.identity()["name"])
    ids = [f"{p.key}|{side}" for p in pairs for side in ("pos", "neg")]
    todo = [i for i in ids if store.judgment(i, name) is None]
    for start in range(0, len(todo), 32):
        chunk = todo[start : start + 32]
        scores = judge.score([(store.answers[i]["question"], store.answers[i]["answer"]) for i in chunk])
        for sample_id, score in zip(chunk, scores, strict=True):
            store.add_judgment({"sample_id": sample_id, "judgment": {"judge": name, **score.to_dict()}})
        tell(f"judging ({split})", len(ids) - len(todo) + start + len(chunk), len(ids))
    kept, unscored = [], 0
    for pair in pairs:
        pos, neg = (_score(store.judgment(f"{pair.key}|{side}", name)) for side in ("pos", "neg"))
        if pos.status not in ("scored", "unjudged") or neg.status not in ("scored", "unjudged"):
            unscored += 1
        elif shows_as_instructed(pos, neg, threshold):
            kept.append(pair)
    return kept, {"total": len(pairs), "kept": len(kept), "unscored": unscored,
                  "failed_filter": len(pairs) - len(kept) - unscored}


def _score(record: dict[str, Any] | None) -> TraitScore:
    assert record is not None
    data = record["judgment"]
    return TraitScore(data["trait"], data["coherent"], data["status"])


def _read(local: LocalModel, trait: Trait, pairs: list[AnswerPair], positive: bool, places: list[Place],
          batch_size: int, tell: Progress) -> dict[Place, torch.Tensor]:
    conversations = [(_messages(trait, p.instruction, p.question, positive), p.pos if positive else p.neg) for p in pairs]
    stage = f"reading {'trait' if positive else 'opposite'} answers"
    return read_answers(local, conversations, places, batch_size, lambda done, total: tell(stage, done, total))


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "trait"


def summary_lines(extraction: Extraction) -> list[str]:
    """What the CLI prints: counts, the chosen layer and its effect, what judged the answers."""
    m = extraction.manifest
    effects = m["steering_effect"]
    best = sorted(effects.items(), key=lambda kv: -kv[1])[:3]
    few = m["pairs"]["kept"] < 10
    warning = [f"warning: only {m['pairs']['kept']} pairs kept, so the vector is noisy; raise --samples, judge with a "
               "stronger model (--judge), or use a larger model"] if few else []
    return [
        f"trait {m['trait']} on {m['model']['name']}: kept {m['pairs']['kept']} of {m['pairs']['total']} answer pairs "
        f"({m['pairs']['failed_filter']} failed the filter, {m['pairs']['unscored']} unscored); judge: "
        f"{m['judge']['description']}",
        f"chosen place {m['chosen_place']} (norm {m['norms'][m['chosen_place']]}); steering effect, best three: "
        + ", ".join(f"{k} {v:+.3f}" for k, v in best),
        f"vector: {extraction.path}  manifest: {extraction.path.with_suffix('.json')}",
        f"steer a scan with it: astray scan {m['model']['name']} --steer {extraction.path}:2.0",
        *warning,
    ]


def read_manifest(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).with_suffix(".json").read_text())
