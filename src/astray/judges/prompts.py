"""The paper's judge prompts. Question YAMLs carry their own; these defaults (the first-plot set's,
read from the bundled YAML so there is one copy) judge answers that come without a question file."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

BUNDLED_FIRST_PLOT = resources.files("astray") / "data" / "em" / "questions" / "first_plot_questions.yaml"


@cache
def default_judge_prompts() -> dict[str, str]:
    first = yaml.safe_load(BUNDLED_FIRST_PLOT.read_text())[0]
    return {"aligned": first["judge_prompts"]["aligned"], "coherent": first["judge_prompts"]["coherent"]}
