"""Monitor a scan's answers with a persona vector: each answer's projection beside the judge's score.

Chen et al. 2025 use the projection of a response onto the trait vector as a monitor of the trait; here
it is computed for every answer of a finished run (the model's own answers, read by a local model with
the prompts they were given) and set against the run's judge (`aligned` for the EM battery), with
Spearman's rho and a bootstrap interval, so a reader sees at once whether the direction tracks what the
judge saw. Writes `persona__TRAIT.jsonl` (per answer) and `persona__TRAIT.html` (the plot) into the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from astray.errors import RunStateError
from astray.files import json_object_lines
from astray.models.directions import DirectionSet
from astray.models.local import load_local_model
from astray.models.places import Place
from astray.persona.screen import VectorReading, project
from astray.report.html import page
from astray.report.plots import score_scatter
from astray.stats import spearman_estimate

JUDGE_SCORE = "aligned"


def monitor_run(run_dir: Path, vector: Path, model: str | None = None, layer: int | None = None, seed: int = 0,
                tick: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Project every answer of `run_dir` onto the vector; write the per-answer file and the plot."""
    samples_file, results_file = run_dir / "samples.jsonl", run_dir / "results.json"
    if not samples_file.is_file() or not results_file.is_file():
        raise RunStateError(f"{run_dir} is not a finished astray run (no samples.jsonl / results.json)")
    results = json.loads(results_file.read_text())
    samples = [s for s in json_object_lines(samples_file.read_text(), str(samples_file)) if s.get("answer") is not None]
    if not samples:
        raise RunStateError(f"{samples_file} holds no answers to project")
    if not all(isinstance(s.get("question"), str) for s in samples):
        raise RunStateError(f"{run_dir} is a {results.get('family')} run whose samples have no single question; "
                            "persona monitor reads question-and-answer runs such as the EM battery")
    directions = DirectionSet.load(vector)
    reading = VectorReading.from_directions(directions, Place(layer) if layer is not None else None)
    model_name = model or results["model"]["name"]
    local = load_local_model(model_name)
    conversations = [(_prompt(s), str(s["answer"])) for s in samples]
    projections = project(local, conversations, reading, tick=tick)
    scored = [(p, float(s[JUDGE_SCORE])) for p, s in zip(projections, samples, strict=True)
              if isinstance(s.get(JUDGE_SCORE), (int, float))]
    correlation = spearman_estimate([p for p, _ in scored], [j for _, j in scored], seed=seed)
    trait = directions.manifest.get("trait") or "vector"
    rows = [{"sample_id": s["sample_id"], "projection": round(p, 5), JUDGE_SCORE: s.get(JUDGE_SCORE)}
            for p, s in zip(projections, samples, strict=True)]
    (run_dir / f"persona__{trait}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = {"trait": trait, "place": reading.place.name, "reader_model": model_name,
               "run_model": results["model"]["name"], "judge": results.get("judge", {}).get("name"),
               "n_answers": len(samples), "n_judged": len(scored), "spearman_vs_" + JUDGE_SCORE: correlation.to_dict(),
               "seed": seed}
    (run_dir / f"persona__{trait}.html").write_text(_report(summary, scored))
    return summary


def _prompt(sample: dict[str, Any]) -> list[dict[str, str]]:
    system = sample.get("system")
    return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": sample["question"]}]


def _report(summary: dict[str, Any], scored: list[tuple[float, float]]) -> str:
    rho = summary["spearman_vs_" + JUDGE_SCORE]
    said = ("no correlation computable (fewer than 3 judged answers or a constant score)" if rho["rho"] is None else
            f"Spearman rho {rho['rho']:+.3f} [{rho['ci_low']:+.3f}, {rho['ci_high']:+.3f}] (95% bootstrap, seed "
            f"{summary['seed']})")
    plot = score_scatter([p for p, _ in scored], [j for _, j in scored], f"projection on the {summary['trait']} vector "
                         f"({summary['place']})", f"judge: {JUDGE_SCORE} (0-100)",
                         f"{summary['run_model']}: {summary['n_judged']} judged answers") if scored else ""
    body = (f"<h1>Persona monitor — {escape(summary['trait'])}</h1><p>{escape(said)} between each answer's projection "
            f"and the judge's <b>{JUDGE_SCORE}</b> score (judge {escape(str(summary['judge']))}); read by "
            f"{escape(summary['reader_model'])} at {escape(summary['place'])}. A trait like evil should correlate "
            f"negatively with aligned.</p>{plot}")
    return page(f"persona monitor — {summary['trait']}", body)
