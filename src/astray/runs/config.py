"""What a scan is asked to do: `ScanConfig`, the single source of `astray scan`'s own flags (the CLI
generates them from its fields), and the default run directory a config names."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from astray.errors import AstrayError
from astray.evals.family import Family
from astray.evals.registry import TASKS
from astray.models.devices import check_device_name, check_dtype_name
from astray.options import check_minimums, option, option_fields, required


@dataclass(frozen=True)
class ScanConfig:
    """Everything that determines a scan's answers and scores. `options` is the task's family options
    dataclass (e.g. `EMOptions`); None gives that family's defaults."""

    model: str = required("Model to scan: embedded, a model/organism directory, or an Inspect model string.",
                          argument=True)
    task: str = option("em_first_plot", "Task to run; `astray tasks` lists them with their family.")
    judge: str | None = option(None, "Judge for judged families: 'offline' (default; no API, a screening judge) "
                                     "or any model name, e.g. openai/gpt-4o-2024-08-06.", rescore=True)
    samples: int | None = option(None, "Answers per item: per paraphrase for the battery (the paper: 100), per "
                                       "coding task for reward_hacking. Default: the task's.", minimum=1)
    seed: int = option(0, "Run seed; each answer's seed derives from it and the sample id.")
    max_tokens: int | None = option(None, "Answer length cap (default: the task's, or 256 for local models).", minimum=1)
    steer: str | None = option(None, "Steer a local model while it answers: VECTOR:COEF[@LAYER] adds COEF x the vector "
                                     "to block LAYER's output (default layer: the vector's chosen one); see "
                                     "`astray persona extract`.")
    device: str = option("auto", "Where a local model runs: auto (CUDA when present, bf16), cpu, cuda or cuda:N. "
                                 "Recorded in results.json; a resumed run keeps the answers it has.", rescore=True)
    dtype: str = option("auto", "Precision of a local model's weights: auto (float32 on CPU, where answers depend least on "
                                "their batch mates; bfloat16 on CUDA), float32, bfloat16 (~2.3x faster on CPUs with "
                                "AVX512-BF16/AMX; answers depend more on their batch mates) or float16. "
                                "Recorded in results.json.", rescore=True)
    batch_invariant: bool = option(False, "Make each answer of a local model independent of what shares its batch, so "
                                          "a rerun with the same seed gives the same answers (float32 on CPU only; "
                                          "the demo scan ~22% slower). Recorded in results.json.", rescore=True)
    max_retries: int | None = option(None, "Retries of a failing model call before its sample fails (default: Inspect's, "
                                           "unlimited with backoff up to 30 min). Rerunning the command redoes failed "
                                           "samples only.", rescore=True, minimum=0)
    options: Any = None

    def __post_init__(self) -> None:
        family = self.family
        check_minimums(self)
        check_device_name(self.device)
        check_dtype_name(self.dtype)
        if self.batch_invariant and (self.device.startswith("cuda") or check_dtype_name(self.dtype) not in ("auto", "float32")):
            raise AstrayError(f"--batch-invariant works on CPU in float32 only, not with --device {self.device} "
                              f"--dtype {self.dtype}")
        if self.steer is not None:
            from astray.models.steering import SteeringSpec  # torch: only when steering

            SteeringSpec.parse(self.steer)
        if self.options is None:
            object.__setattr__(self, "options", family.options())
        elif not isinstance(self.options, family.options):
            raise AstrayError(f"task {self.task} takes {family.options.__name__}, got {type(self.options).__name__}")

    @property
    def family(self) -> Family[Any]:
        return TASKS.get(self.task).family

    @staticmethod
    def from_flat(values: dict[str, Any]) -> ScanConfig:
        """A config from one flat mapping of option values (as the CLI has them): the task's family
        takes its options; a non-default option of another family is an error. None means "not given"
        (the CLI's value for an option that families declare with different defaults)."""
        own = {f.name for f in option_fields(ScanConfig)}
        family = TASKS.get(values.get("task") or "em_first_plot").family
        family_values = {k: v for k, v in values.items() if k not in own and v is not None}
        mine = {f.name: f for f in option_fields(family.options)}
        for name, value in family_values.items():
            if name not in mine and value not in _defaults_elsewhere(name):
                raise AstrayError(f"--{name.replace('_', '-')} does not apply to task {values.get('task')} "
                                  f"(family {family.name})")
        options = family.options(**{k: v for k, v in family_values.items() if k in mine})
        return ScanConfig(**{k: v for k, v in values.items() if k in own}, options=options)

    def as_dict(self) -> dict[str, Any]:
        return {**{f.name: getattr(self, f.name) for f in fields(self) if f.name != "options"},
                "options": asdict(self.options)}

    def answer_settings(self) -> dict[str, Any]:
        """The settings that determine answers (everything but re-scoring options)."""
        rescore = {f.name for f in option_fields(ScanConfig) if f.rescore}
        family_rescore = {f.name for f in option_fields(self.family.options) if f.rescore}
        settings = {k: v for k, v in self.as_dict().items() if k not in rescore}
        settings["options"] = {k: v for k, v in settings["options"].items() if k not in family_rescore}
        return settings


@dataclass(frozen=True)
class RunPlace:
    """Where a scan's run directory is and how its progress shows: nothing that changes what it computes."""

    out: Path | None = option(None, "Run directory (default: runs/<model>__<task>__n<samples>__seed<seed>).")
    display: str = option("rich", "Inspect progress display: rich, plain, full or none.")


def default_run_dir(config: ScanConfig) -> Path:
    """runs/<model>__<task>__n<samples>__seed<seed>, plus a hash of any non-default family option."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", config.model.strip("/")).strip("_")[-60:] or "model"
    defaults = asdict(config.family.options())
    changed = {k: v for k, v in asdict(config.options).items() if v != defaults[k]}
    suffix = f"__opt{hashlib.sha256(json.dumps(changed, sort_keys=True).encode()).hexdigest()[:8]}" if changed else ""
    if config.steer:
        suffix += f"__steer{hashlib.sha256(config.steer.encode()).hexdigest()[:8]}"
    return Path("runs") / f"{slug}__{config.task}__n{config.samples or 'default'}__seed{config.seed}{suffix}"


def _defaults_elsewhere(name: str) -> list[Any]:
    """The one default every family that has option `name` gives it; none when they disagree (then the
    CLI passes None unless the flag was given)."""
    from astray.evals.registry import FAMILIES

    defaults = [f.default for family in FAMILIES for f in option_fields(family.options) if f.name == name]
    return defaults[:1] if len({repr(d) for d in defaults}) == 1 else []
