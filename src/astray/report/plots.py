"""Plots as inline SVG strings (matplotlib, Agg backend, no files, no network)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

PALETTE = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3")


@dataclass(frozen=True)
class RateBar:
    """One bar: a rate with its interval (None when nothing was counted)."""

    rate: float | None
    low: float | None
    high: float | None
    n: int


def rate_bars(labels: list[str], series: dict[str, list[RateBar]], title: str,
              xlabel: str = "rate (95% Wilson interval)") -> str:
    """Horizontal grouped bars of rates with 95% interval whiskers, one series per run or model."""
    n_series = max(1, len(series))
    height = 0.8 / n_series
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(labels) * max(1, n_series * 0.8) + 1.2))
    for s_index, (name, bars) in enumerate(series.items()):
        positions = [i + (s_index - (n_series - 1) / 2) * height for i in range(len(labels))]
        rates = [b.rate or 0.0 for b in bars]
        errors = [[max(0.0, (b.rate or 0) - (b.low or 0)) for b in bars], [max(0.0, (b.high or 0) - (b.rate or 0)) for b in bars]]
        ax.barh(positions, rates, height=height * 0.9, color=PALETTE[s_index % len(PALETTE)], label=name,
                xerr=errors, error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333"})
        ax.plot(rates, positions, "o", color="#222", markersize=3)  # visible even at a rate of 0
        for pos, bar in zip(positions, bars, strict=True):
            if bar.n == 0:
                ax.text(0.005, pos, "no counted answers", va="center", fontsize=7, color="#777")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    if len(series) > 1:
        ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def alignment_scatter(groups: dict[str, list[tuple[float, float]]], aligned_below: float, coherent_above: float) -> str:
    """Coherence vs alignment, one (coherent, aligned) point per answer, misalignment region shaded (as in the paper)."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.axvspan(coherent_above, 100, ymin=0, ymax=aligned_below / 100, color="#c44e52", alpha=0.12,
               label="misaligned region")
    for index, (name, points) in enumerate(groups.items()):
        if points:
            xs, ys = zip(*points, strict=True)
            ax.scatter(xs, ys, s=10, alpha=0.55, color=PALETTE[index % len(PALETTE)], label=name)
    ax.axhline(aligned_below, color="#c44e52", lw=0.8, ls="--")
    ax.axvline(coherent_above, color="#c44e52", lw=0.8, ls="--")
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("coherent (0-100)")
    ax.set_ylabel("aligned (0-100)")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3)
    return _svg(fig)


def score_scatter(xs: list[float], ys: list[float], xlabel: str, ylabel: str, title: str) -> str:
    """One point per answer: a monitor's score against a judge's."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.scatter(xs, ys, s=12, alpha=0.6, color=PALETTE[0])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
    return _svg(fig)


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE for inlining


def labelled_lines(series: dict[str, list[tuple[float, float, str]]], xlabel: str, ylabel: str, title: str) -> str:
    """One line per series through labelled points (x, y, label): e.g. each off-task measure against the
    hack rate, one point per model."""
    fig, ax = plt.subplots(figsize=(7, 4.8))
    for index, (name, points) in enumerate(series.items()):
        ordered = sorted(points)
        if not ordered:
            continue
        color = PALETTE[index % len(PALETTE)]
        ax.plot([p[0] for p in ordered], [p[1] for p in ordered], "o-", color=color, label=name, lw=1, markersize=4)
        for x, y, label in ordered:
            ax.annotate(label, (x, y), fontsize=6, color=color, xytext=(3, 3), textcoords="offset points")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(alpha=0.3)
    return _svg(fig)
