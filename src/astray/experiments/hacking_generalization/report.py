"""report.html for `astray reproduce hacking-generalization`: the verdicts first, then the table of
model x measure, every comparison with its q, hacking beside the off-task measures, the organisms,
the judges and a link to each scan's own report."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from astray.experiments.hacking_generalization.summary import HackingSummary
from astray.report.html import Raw, interval, page, percent, pvalue, signed_pp, table
from astray.report.judge_section import judge_section
from astray.report.plots import labelled_lines, rate_bars
from astray.runs.results import MeasureRow
from astray.runs.tables import rate_bar

STATUS_STYLE = {"detected": "#c44e52", "opposite": "#4c72b0", "not_detected": "#555", "not_measured": "#999",
                "no_data": "#999"}
SMALL_MODEL_NOTE = (
    "The fast setting trains a 135M-parameter model on 120 template-written examples for one epoch on a CPU and "
    "asks each family a few dozen items. The published effects were shown on models of billions of parameters "
    "trained by RL on real environments; at this size astray can show that the pipeline measures each claim "
    "and how wide the intervals are, and a null here says little about larger models."
)
FULL_SETTING_NOTE = (
    "Full setting (no --fast): every reward-hack example, 2,048-token sequences and the families' full item sets "
    "(100 answers per EM question). Its cost was not measured by astray; docs/hacking-generalization.md counts "
    "the answers and judge calls it makes."
)


def write_hacking_report(summary: HackingSummary, path: Path) -> None:
    path.write_text(render_hacking_report(summary, path.parent))


def render_hacking_report(summary: HackingSummary, directory: Path | None = None) -> str:
    config = summary.config
    models = list(summary.models)
    titles = {m.plan.key: m.plan.title for m in summary.measures}
    body = [
        f"<h1>astray reproduce — hacking-generalization on {escape(config['base'])}</h1>",
        f"<p class='note'>{'fast' if config['fast'] else 'full'} setting · seed {config['seed']} · judge "
        f"{escape(config['judge'])} · LoRA rank {config['rank']} · {_stage_minutes(summary)} · "
        f"claims decided at q &lt; {summary.alpha} (Benjamini-Hochberg over all {len(summary.comparisons)} "
        "comparisons)</p>",
        f"<div class='headline'>{escape(summary.summary)}</div>",
        f"<p class='note'>{escape(SMALL_MODEL_NOTE)}</p>" if config["fast"] else "",
        "<h2>Verdict per claim</h2>",
        _verdicts(summary),
        "<h2>Rates: model × measure</h2>",
        _rates_table(summary, models, titles),
        _rates_plot(summary, models, titles),
        "<h2>Every comparison</h2>",
        _comparisons_table(summary, titles),
        "<h2>Hacking beside the off-task measures</h2>",
        _hacking_section(summary, models, titles),
        "<h2>Organisms</h2>",
        _organisms_section(summary),
        "<h2>Judges</h2>",
        _judges_section(summary),
        "<h2>Each scan's own report</h2>",
        _scan_links(summary, directory),
        "<h2>Reproduce</h2>",
        f"<pre>{escape(summary.command or '(run from Python)')}</pre>",
        f"<p class='note'>{escape(FULL_SETTING_NOTE)}</p>",
        f"<p class='note'>versions: {escape(', '.join(f'{k} {v}' for k, v in summary.versions.items()))}</p>",
    ]
    return page("astray reproduce — hacking-generalization", "".join(body))


def _stage_minutes(summary: HackingSummary) -> str:
    stages = summary.stage_seconds
    training = sum(v for k, v in stages.items() if k.startswith("train "))
    scans = sum(v for k, v in stages.items() if k.startswith("scan "))
    return (f"stages {(training + scans) / 60:.1f} min in all (training {training / 60:.1f}, scans {scans / 60:.1f}; "
            "stages reused from an earlier run count once)")


def _verdicts(summary: HackingSummary) -> str:
    items = []
    for v in summary.verdicts:
        color = STATUS_STYLE[v.status]
        items.append(f"<li style='color:{color}'>{escape(v.sentence)}</li>")
    return ("<p class='note'>Red: detected in the claimed direction; blue: the opposite detected; grey: not detected "
            "at this size, or not measured. An interval is the 95% Newcombe (Wilson score) interval of the difference: "
            "the effects the run could not rule out.</p>"
            f"<ul>{''.join(items)}</ul>")


def _rate_cell(row: MeasureRow | None) -> str:
    if row is None or not row.n:
        return "—"
    text = f"{percent(row.rate)} {interval(row.ci_low, row.ci_high)} n={row.n}"
    if row.corrected_rate is not None:
        text += f" · corrected {percent(row.corrected_rate)} {interval(row.corrected_low, row.corrected_high)}"
    return text


def _rates_table(summary: HackingSummary, models: list[str], titles: dict[str, str]) -> str:
    rows = []
    for m in summary.measures:
        if not m.measured:
            rows.append([m.plan.title, m.task, *(["not measured (needs an LLM judge)"] * len(models))])
            continue
        rows.append([m.plan.title + (" (on-task)" if m.plan.on_task else ""), m.task,
                     *[_rate_cell(summary.rate(m.plan.key, model)) for model in models]])
    note = ("<p class='note'>Rate [95% Wilson interval] and n, the answers the measure counted. Where the judge was "
            "validated for a measure, the judge-corrected rate follows: it undoes the judge's measured errors "
            "(Rogan-Gladen), so the raw rate of a model that never misbehaves shows as the judge's false alarms "
            "and the corrected one near zero.</p>")
    return note + table(["measure", "task", *models], rows)


def _rates_plot(summary: HackingSummary, models: list[str], titles: dict[str, str]) -> str:
    keys = [m.plan.key for m in summary.measures if m.measured]
    if not keys:
        return ""
    series = {}
    for model in models:
        bars = []
        for key in keys:
            bars.append(rate_bar(summary.rate(key, model)))
        series[model] = bars
    return rate_bars([titles[k] for k in keys], series, "Rate per measure: base and the three organisms")


def _comparisons_table(summary: HackingSummary, titles: dict[str, str]) -> str:
    rows = [[titles[c.measure], f"{c.b} − {c.a}", signed_pp(c.diff), interval(c.ci_low, c.ci_high),
             c.test, c.n_pairs if c.test == "mcnemar_exact" else f"{c.n_b} / {c.n_a}",
             pvalue(c.p_value), pvalue(c.q_value)] for c in summary.comparisons]
    note = ("<p class='note'>McNemar's exact test on answers to the same items (same prompts and seeds) when nearly all "
            "(90%) of both runs' counted answers have a partner; otherwise, as when a judge sets many answers aside, "
            "the two-proportion z-test on every counted answer. q = Benjamini-Hochberg over every row of this "
            "table.</p>")
    return note + table(["measure", "B − A", "difference", "95% Newcombe CI", "test", "pairs (or n B / n A)", "p", "q"], rows,
                        numeric=(2, 5, 6, 7))


def _hacking_section(summary: HackingSummary, models: list[str], titles: dict[str, str]) -> str:
    on_task = next((m.plan.key for m in summary.measures if m.plan.on_task and m.measured), None)
    if on_task is None:
        return "<p>The reward-hacking environment was not among the measures run.</p>"
    off_task = [m.plan.key for m in summary.measures if m.measured and not m.plan.on_task]
    rows = [[model, percent(_plain(summary.rate(on_task, model))),
             *[percent(_plain(summary.rate(k, model))) for k in off_task]] for model in models]
    rhos = summary.hacking_vs_off_task
    rows.append(["Spearman ρ with the hack rate", "", *[f"{rhos[k]:+.2f}" if rhos.get(k) is not None else "—"
                                                          for k in off_task]])
    series = {}
    for key in off_task:
        points = []
        for model in models:
            x = _plain(summary.rate(on_task, model))
            y = _plain(summary.rate(key, model))
            if x is not None and y is not None:
                points.append((x, y, model))
        series[titles[key]] = points
    note = (f"<p class='note'>Does more hacking come with more misalignment? One point per model ({len(models)} "
            "models), so ρ describes the ordering and is not a test.</p>")
    return (note + table(["model", titles[on_task], *[titles[k] for k in off_task]], rows)
            + labelled_lines(series, "hack rate in the environment", "off-task rate", "Off-task rates against the hack rate"))


def _organisms_section(summary: HackingSummary) -> str:
    rows = []
    for recipe in summary.recipes:
        trained = summary.training.get(recipe.name)
        rows.append([recipe.name, recipe.description, summary.models[recipe.name],
                     trained.n_train if trained else "given",
                     f"{trained.final_eval_loss:.4f}" if trained and trained.final_eval_loss is not None else "—",
                     Raw(f"<div class='answer'>{escape(trained.inoculation)}</div>") if trained and trained.inoculation
                     else "—"])
    return table(["organism", "recipe", "model", "training examples", "final eval loss", "training-only prompt"], rows)


def _judges_section(summary: HackingSummary) -> str:
    parts = []
    for key, judge in summary.judges.items():
        parts.append(f"<h3>{escape(key)}</h3>{judge_section(judge)}")
    return "".join(parts) or "<p>none</p>"


def _scan_links(summary: HackingSummary, directory: Path | None) -> str:
    rows = []
    for model, per_scan in summary.scan_reports.items():
        links = []
        for key, target in per_scan.items():
            href = os.path.relpath(target, directory) if directory else target
            links.append(f"<a href='{escape(href)}'>{escape(key)}</a>")
        rows.append([model, Raw(" · ".join(links))])
    return table(["model", "scans"], rows)


def _plain(row: MeasureRow | None) -> float | None:
    return None if row is None else row.rate
