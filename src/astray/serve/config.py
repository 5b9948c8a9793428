"""What `astray serve` is asked to serve and how: `ServeConfig`, the single source of its flags.
Importing it loads neither torch nor FastAPI, so the CLI builds its flags cheaply."""

from __future__ import annotations

from dataclasses import dataclass

from astray.errors import AstrayError
from astray.options import check_minimums, option, required

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ServeConfig:
    """`astray serve` settings; each field is also its flag (`--max-waiting` for `max_waiting`)."""

    model: str = required("embedded, a Hugging Face model directory, or an organism directory.", argument=True)
    host: str = option(LOOPBACK, "Address to bind. The default accepts connections from this machine only.")
    port: int = option(8000, "Port to bind.")
    api_key: str | None = option(None, "Require 'Authorization: Bearer KEY' on /v1 (default: $ASTRAY_API_KEY, else no "
                                       "key).")
    batch_size: int = option(64, "Answers decoded at once; concurrent requests join the running batch.", minimum=1)
    max_waiting: int = option(256, "Answers in progress or queued before new requests get 503 + Retry-After.",
                              minimum=1)
    default_max_tokens: int = option(512, "Answer length when a request gives no max_tokens.", minimum=1)
    device: str = option("auto", "auto (CUDA when present, bf16), cpu, cuda or cuda:N.")
    dtype: str = option("auto", "auto (float32 on CPU, bf16 on CUDA), float32, bfloat16 (~2.3x faster on CPUs with "
                                "AVX512-BF16/AMX; answers depend more on their batch mates) or float16.")
    batch_invariant: bool = option(False, "Make each answer independent of the requests batched with it, so a request "
                                          "with a seed always gets the same answer (float32 on CPU only; slower, most "
                                          "at batch 1).")
    steer: tuple[str, ...] = option((), "Steer every answer: VECTOR:COEF[@LAYER] (repeatable); see `astray persona "
                                        "extract`.")
    name: str | None = option(None, "Model id to list in /v1/models (default: embedded, or the directory's name).")

    def __post_init__(self) -> None:
        object.__setattr__(self, "steer", tuple(self.steer or ()))
        if self.api_key is not None and not self.api_key.strip():
            raise AstrayError("--api-key is empty (an unset variable?); give a key, or leave the option out to serve "
                              "without one")
        check_minimums(self)
