"""Project answers onto a persona vector: monitor a run's answers, or screen training data before training.

The projection of a response is its answer-token mean activation at the vector's place, dotted with the
unit vector (Chen et al. 2025, `cal_projection`). For training data the paper's *projection difference*
compares each training response with the base model's own response to the same prompt: a training set
that would push the model toward the trait has responses that sit further along the vector than what the
model would have said itself. Examples are ranked by it (or by the raw projection without a baseline).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from astray.errors import AstrayError
from astray.models.activations import PromptAndResponse, response_means
from astray.models.directions import DirectionSet
from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest, LocalModel, load_local_model
from astray.models.places import Place
from astray.organisms.chat_data import Messages
from astray.organisms.datasets import load_dataset
from astray.seeding import sample_seed
from astray.stats import detection_estimate

Tick = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class VectorReading:
    """The direction a projection uses: the unit vector at one place."""

    place: Place
    unit: torch.Tensor
    source: dict[str, Any]

    @staticmethod
    def from_directions(directions: DirectionSet, place: Place | None = None) -> VectorReading:
        chosen = place or directions.chosen_place or max(directions.directions)
        vector = directions.at(chosen)
        return VectorReading(chosen, vector / vector.norm().clamp(min=1e-12),
                             {"trait": directions.manifest.get("trait"), "place": chosen.name,
                              "vector_model": directions.manifest.get("model")})


def read_answers(local: LocalModel, conversations: list[tuple[Messages, str]], places: list[Place],
                 batch_size: int = 16, tick: Tick | None = None) -> dict[Place, torch.Tensor]:
    """Each (prompt messages, response) pair's mean response activation per place, the prompt chat-templated."""
    items = [PromptAndResponse(local.encode_chat(messages), local.tokenizer.encode(response, add_special_tokens=False))
             for messages, response in conversations]
    return response_means(local.model, items, places, local.pad_id, batch_size, tick)


def project(local: LocalModel, conversations: list[tuple[Messages, str]], reading: VectorReading,
            batch_size: int = 16, tick: Tick | None = None) -> list[float]:
    """Each (prompt messages, response) pair's projection onto the vector."""
    means = read_answers(local, conversations, [reading.place], batch_size, tick)[reading.place]
    return (means @ reading.unit).tolist()


@dataclass(frozen=True)
class ScreenedExample:
    dataset: str
    index: int
    projection: float
    base_projection: float | None
    prompt: str

    @property
    def score(self) -> float:
        """What examples are ranked by: the projection difference, or the projection without a baseline."""
        return self.projection - self.base_projection if self.base_projection is not None else self.projection

    def to_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "index": self.index, "score": round(self.score, 5),
                "projection": round(self.projection, 5),
                "base_projection": None if self.base_projection is None else round(self.base_projection, 5),
                "prompt": self.prompt[:300]}


def screen_examples(local: LocalModel, name: str, examples: list[Messages], reading: VectorReading, baseline: bool,
                    max_tokens: int = 128, seed: int = 0, batch_size: int = 16,
                    tick: Callable[[str, int, int], None] | None = None) -> list[ScreenedExample]:
    """Every example's projection (and, with `baseline`, the base model's own answer's), in input order."""
    say = tick or (lambda *_: None)
    prompts = [m[:-1] for m in examples]
    projections = project(local, [(p, m[-1]["content"]) for p, m in zip(prompts, examples, strict=True)], reading,
                          batch_size, lambda done, total: say(f"reading {name}", done, total))
    base: list[float | None] = [None] * len(examples)
    if baseline:
        settings = SamplingSettings(max_new_tokens=max_tokens, temperature=0.0)
        answers: list[str] = []
        for start in range(0, len(prompts), batch_size * 2):
            chunk = prompts[start : start + batch_size * 2]
            answers += [g.text for g in local.generate([ChatRequest(p, settings, sample_seed(seed, f"{name}|{start + i}"))
                                                        for i, p in enumerate(chunk)], batch_size)]
            say(f"base model answering {name}", len(answers), len(prompts))
        base = list(project(local, list(zip(prompts, answers, strict=True)), reading, batch_size,
                            lambda done, total: say(f"reading base answers ({name})", done, total)))
    return [ScreenedExample(name, i, projections[i], base[i], _last_user(prompts[i])) for i in range(len(examples))]


def run_screen(dataset: str, vector: Path, contrast: str | None = None, model: str | None = None,
               layer: int | None = None, limit: int | None = None, baseline: bool = True, max_tokens: int = 128,
               seed: int = 0, out_path: Path | None = None,
               tick: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Screen `dataset` (and `contrast`) with a persona vector; write the ranked JSONL; say what was found."""
    directions = DirectionSet.load(vector)
    reading = VectorReading.from_directions(directions, Place(layer) if layer is not None else None)
    model_name = model or (directions.manifest.get("model") or {}).get("name")
    if not model_name:
        raise AstrayError(f"{vector} does not say which model it came from; pass --model")
    local = load_local_model(model_name)
    screened = []
    for name in [dataset, *([contrast] if contrast else [])]:
        examples = load_dataset(name, max_examples=limit)
        screened.append(screen_examples(local, name, examples, reading, baseline, max_tokens, seed, tick=tick))
    ranked = sorted((e for group in screened for e in group), key=lambda e: -e.score)
    trait = directions.manifest.get("trait") or "vector"
    path = out_path or Path("runs") / "persona" / f"screen__{Path(dataset).stem}__{trait}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"rank": r + 1, **e.to_dict()}) + "\n" for r, e in enumerate(ranked)))
    measure = "projection difference (vs the model's own answers)" if baseline else "projection"
    lines = [f"screened {sum(map(len, screened))} examples with the {trait} vector at {reading.place.name} on "
             f"{model_name}; ranked by {measure}: {path}"]
    lines += [f"  #{r + 1} {e.dataset}[{e.index}] {e.score:+.3f}  {e.prompt[:90]!r}" for r, e in enumerate(ranked[:5])]
    result: dict[str, Any] = {"path": str(path), "model": model_name, "place": reading.place.name, "measure": measure,
                              "counts": {g[0].dataset: len(g) for g in screened if g}}
    if contrast:
        separation = detection_estimate([e.score for e in screened[0]], [e.score for e in screened[1]], seed=seed)
        result["separation"] = separation.to_dict()
        lines.append(f"{dataset} vs {contrast}: AUROC {separation.auroc:.3f} [{separation.auroc_low:.3f}, "
                     f"{separation.auroc_high:.3f}] (n = {separation.n_positive} vs {separation.n_negative}; "
                     f"95% stratified bootstrap, seed {seed}); mean score {_mean(screened[0]):+.3f} vs "
                     f"{_mean(screened[1]):+.3f}")
    result["lines"] = lines
    return result


def _mean(examples: list[ScreenedExample]) -> float:
    return sum(e.score for e in examples) / max(1, len(examples))


def _last_user(messages: Messages) -> str:
    users = [m["content"] for m in messages if m["role"] == "user"]
    return users[-1] if users else ""

