"""A Trainer callback that reports loss, eval loss and training tokens/s as they come."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from transformers import TrainerCallback


class LogCallback(TrainerCallback):
    """Calls `on_log` with step, total steps, loss, eval loss and tokens/s since the last log."""

    def __init__(self, on_log: Callable[[dict[str, Any]], None] | None) -> None:
        self.on_log_fn = on_log
        self._last: tuple[float, float] | None = None

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if self.on_log_fn is None or not logs:
            return
        now, tokens = time.perf_counter(), float(logs.get("num_tokens", state.num_input_tokens_seen or 0))
        rate = None
        if self._last is not None and now > self._last[0] and tokens > self._last[1]:
            rate = (tokens - self._last[1]) / (now - self._last[0])
        if "loss" in logs:
            self._last = (now, tokens)
        self.on_log_fn({"step": state.global_step, "max_steps": state.max_steps, "loss": logs.get("loss"),
                        "eval_loss": logs.get("eval_loss"), "tokens_per_s": rate})
