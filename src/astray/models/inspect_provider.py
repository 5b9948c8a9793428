"""astray's Inspect model provider: `astray/embedded`, `astray/<model dir>`, `astray/<organism dir>`.

Why not Inspect's built-in `hf` provider: it loads hub ids or plain directories only, so it cannot
load the embedded GGUF-derived model by name or an organism (base + PEFT adapter); it seeds the
global torch RNG, so a sampled answer changes with the batch it lands in; and it offers no place for
the steering and probe hooks astray's monitors need. This provider keeps Inspect's interface and
adds those: per-request seeds, batched CPU generation through `RequestBatcher`, logprobs and
top_logprobs, and the model's own chat template.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprob,
    Logprobs,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    TopLogprob,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from astray.models.batcher import shared_batcher
from astray.models.generation import Generation, SamplingSettings
from astray.models.local import DEFAULT_BATCH_SIZE, ChatRequest, load_local_model
from astray.models.naming import resolve_model
from astray.models.steering import Steering, SteeringSpec, check_steering

DEFAULT_MAX_TOKENS = 256  # small models ramble; 256 tokens covers a full free-form answer


class AstrayModelAPI(ModelAPI):
    """Inspect `ModelAPI` for astray's local models.

    Model args: `batch_size` (default 64); `device` (`auto`, `cpu`, `cuda`, `cuda:N`; default auto);
    `dtype` (`auto`, `float32`, `bfloat16`, `float16`; default auto: float32 on CPU, bf16 on CUDA);
    `steer`, one `VECTOR:COEF[@LAYER]` spec or a list of them, added to the model's activations for
    every answer (`astray.models.steering`); `batch_invariant` (true/false, default false): each answer
    independent of its batch mates, float32 on CPU only (`astray.models.batch_invariance`).
    """

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig = GenerateConfig(),
        **model_args: Any,
    ) -> None:
        super().__init__(model_name=model_name, base_url=base_url, api_key=api_key, config=config)
        self.ref = resolve_model(model_name)
        self.batch_size = int(model_args.get("batch_size", DEFAULT_BATCH_SIZE))
        self.local = load_local_model(self.ref, str(model_args.get("device", "auto")), str(model_args.get("dtype", "auto")),
                                      _flag(model_args.get("batch_invariant", False)))
        self.steering = load_steering(model_args.get("steer"))
        check_steering(self.local.model, self.steering)
        self.batcher = shared_batcher(self.local, self.batch_size)

    def max_tokens(self) -> int | None:
        return DEFAULT_MAX_TOKENS

    def max_connections(self) -> int:
        return self.batch_size

    def connection_key(self) -> str:
        return (f"astray:{self.ref.kind}:{self.ref.path}:{self.local.device}:{self.local.model.dtype}"
                f"{':invariant' if self.local.batch_invariant else ''}")

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        request = ChatRequest(messages=to_chat_dicts(input), settings=settings_from_config(config), seed=config.seed,
                              steering=self.steering, stop=tuple(config.stop_seqs or ()))
        generation = await self.batcher.submit(request)
        return to_model_output(self.model_name, generation)


def load_steering(specs: str | list[str] | None) -> tuple[Steering, ...]:
    """The steerings named by the `steer` model arg (none when it is absent)."""
    if not specs:
        return ()
    return tuple(Steering.load(SteeringSpec.parse(s)) for s in ([specs] if isinstance(specs, str) else specs))


def settings_from_config(config: GenerateConfig) -> SamplingSettings:
    """Map Inspect's `GenerateConfig` onto astray's decoding settings."""
    temperature = config.temperature if config.temperature is not None else 1.0
    return SamplingSettings(
        max_new_tokens=config.max_tokens or DEFAULT_MAX_TOKENS,
        temperature=temperature,
        top_p=config.top_p if config.top_p is not None else 1.0,
        top_k=config.top_k or 0,
        logprobs=bool(config.logprobs),
        top_logprobs=config.top_logprobs or 0,
    )


def to_chat_dicts(messages: list[ChatMessage]) -> list[dict[str, str]]:
    return [{"role": m.role if m.role != "tool" else "user", "content": m.text} for m in messages]


def to_model_output(model_name: str, generation: Generation) -> ModelOutput:
    logprobs = None
    if generation.logprobs is not None:
        logprobs = Logprobs(
            content=[
                Logprob(
                    token=t.token,
                    logprob=t.logprob,
                    top_logprobs=[TopLogprob(token=tok, logprob=lp) for tok, lp in t.top] or None,
                )
                for t in generation.logprobs
            ]
        )
    choice = ChatCompletionChoice(
        message=ChatMessageAssistant(content=generation.text, model=model_name, source="generate"),
        stop_reason=generation.stop_reason,
        logprobs=logprobs,
    )
    output_tokens = len(generation.token_ids)
    return ModelOutput(
        model=model_name,
        choices=[choice],
        usage=ModelUsage(
            input_tokens=generation.input_tokens,
            output_tokens=output_tokens,
            total_tokens=generation.input_tokens + output_tokens,
        ),
    )


def _flag(value: Any) -> bool:
    """A boolean model arg, as Python passes it or as `-M batch_invariant=true` does."""
    if isinstance(value, str):
        if value.strip().lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"batch_invariant must be true or false, not {value!r}")
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)
