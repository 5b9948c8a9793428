"""One-shot chat with any astray-named model, through Inspect (the same path the evals use)."""

from __future__ import annotations

from dataclasses import dataclass

from inspect_ai.model import ChatMessage, ChatMessageSystem, ChatMessageUser, GenerateConfig

from astray.errors import AstrayError, ModelAccessError, one_line
from astray.models.access import open_model
from astray.options import require_at_least


@dataclass(frozen=True)
class ChatReply:
    text: str
    model: str
    input_tokens: int | None
    output_tokens: int | None
    stop_reason: str


async def chat_once(
    model: str,
    prompt: str,
    system: str | None = None,
    max_tokens: int = 128,
    temperature: float = 0.0,
    seed: int | None = None,
) -> ChatReply:
    """Send one user message (and an optional system prompt) and return the reply.

    Args:
        model: Any astray model name.
        prompt: The user message.
        system: Optional system prompt.
        max_tokens: Most tokens to generate.
        temperature: 0 for greedy decoding.
        seed: Seed for sampled decoding.
    """
    require_at_least("--max-tokens", max_tokens, 1)
    if temperature < 0:
        raise AstrayError(f"--temperature must be 0 (greedy) or above, got {temperature}")
    inspect_model = open_model(model)
    messages: list[ChatMessage] = [ChatMessageUser(content=prompt)]
    if system:
        messages.insert(0, ChatMessageSystem(content=system))
    # a one-shot smoke test should fail fast rather than retry an unreachable server for minutes
    config = GenerateConfig(max_tokens=max_tokens, temperature=temperature, seed=seed, max_retries=1, timeout=60)
    try:
        output = await inspect_model.generate(messages, config=config)
    except Exception as err:  # network / auth errors from remote providers
        raise ModelAccessError(f"model '{model}' failed to answer: {one_line(err)}") from err
    if output.error:
        raise ModelAccessError(f"model '{model}' returned an error: {output.error}")
    usage = output.usage
    return ChatReply(
        text=output.completion,
        model=inspect_model.api.model_name if inspect_model.api else model,
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else None,
        stop_reason=output.stop_reason,
    )
