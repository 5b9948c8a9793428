"""Scripted Inspect models for tests: Inspect's mockllm provider driven by a Python function.

Usage is always set on the outputs, so mockllm never falls back to tiktoken (which would try to
download its vocabulary)."""

from __future__ import annotations

import math
from collections.abc import Callable

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprob,
    Logprobs,
    Model,
    ModelOutput,
    ModelUsage,
    TopLogprob,
    get_model,
)

USAGE = ModelUsage(input_tokens=10, output_tokens=5, total_tokens=15)


def text_output(text: str) -> ModelOutput:
    output = ModelOutput.from_content(model="mockllm/model", content=text)
    output.usage = USAGE
    return output


def distribution_output(probabilities: dict[str, float]) -> ModelOutput:
    """A one-token answer with these top-token probabilities (as a judge with logprobs gives)."""
    ranked = sorted(probabilities.items(), key=lambda item: -item[1])
    top = [TopLogprob(token=t, logprob=math.log(p)) for t, p in ranked]
    logprobs = Logprobs(content=[Logprob(token=ranked[0][0], logprob=math.log(ranked[0][1]), top_logprobs=top)])
    choice = ChatCompletionChoice(message=ChatMessageAssistant(content=ranked[0][0]), stop_reason="max_tokens",
                                  logprobs=logprobs)
    return ModelOutput(model="mockllm/model", choices=[choice], usage=USAGE)


def scripted_model(respond: Callable[[str, GenerateConfig], ModelOutput]) -> Model:
    """A model whose reply to the last message's text is `respond(text, config)`."""

    def outputs(messages: list[ChatMessage], tools, tool_choice, config: GenerateConfig) -> ModelOutput:
        return respond(messages[-1].text, config)

    return get_model("mockllm/model", custom_outputs=outputs)
