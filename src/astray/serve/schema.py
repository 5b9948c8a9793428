"""The OpenAI request bodies `astray serve` accepts, validated into astray's `ChatRequest`s.

Why strict validation: a research server that silently ignores `frequency_penalty=1.5` or a tool
list gives answers the client did not ask for. Fields the decode loop can honour are mapped; fields
it cannot are accepted only at their no-op values and refused otherwise (400, naming the field);
fields that do not change the answer (`user`, `metadata`, `store`, ...) are ignored.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_N = 16
MAX_TOP_LOGPROBS = 20
MAX_STOPS = 4


class RequestError(ValueError):
    """A request the server understands but refuses: answered 400 (or `status`) with an OpenAI error body."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.param, self.code, self.status = message, param, code, status


class _Common(BaseModel):
    """Fields shared by chat and text completions."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1)
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, gt=0.0, le=1.0)
    n: int = Field(default=1, ge=1, le=MAX_N)
    seed: int | None = None
    stop: str | list[str] | None = None
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = Field(default=None, ge=1)
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    logit_bias: dict[str, float] | None = None

    @field_validator("stop")
    @classmethod
    def _stops(cls, value: str | list[str] | None) -> str | list[str] | None:
        stops = [value] if isinstance(value, str) else (value or [])
        if len(stops) > MAX_STOPS:
            raise ValueError(f"at most {MAX_STOPS} stop sequences")
        if any(not s for s in stops):
            raise ValueError("stop sequences must not be empty")
        return value

    def stops(self) -> tuple[str, ...]:
        return (self.stop,) if isinstance(self.stop, str) else tuple(self.stop or ())

    def refuse_unsupported(self) -> None:
        """400 for settings the decode loop cannot honour (only their no-op values pass)."""
        for name in ("frequency_penalty", "presence_penalty"):
            if getattr(self, name) not in (None, 0, 0.0):
                raise RequestError(f"{name} is not supported by astray serve (only 0)", param=name, code="unsupported_parameter")
        if self.logit_bias:
            raise RequestError("logit_bias is not supported by astray serve", param="logit_bias", code="unsupported_parameter")

    def include_usage(self) -> bool:
        return bool((self.stream_options or {}).get("include_usage"))


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self, index: int) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        parts = []
        for part in self.content:
            if part.type != "text" or part.text is None:
                raise RequestError(f"messages[{index}]: only text content is supported, not {part.type!r}",
                                   param=f"messages[{index}].content", code="unsupported_content")
            parts.append(part.text)
        return "\n".join(parts)

    def chat_role(self) -> str:
        """The role the model's chat template knows: developer is system; tool results are user turns."""
        return {"developer": "system", "tool": "user", "function": "user"}.get(self.role, self.role)


class ChatCompletionBody(_Common):
    messages: list[ChatMessageIn] = Field(min_length=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    logprobs: bool = False
    top_logprobs: int | None = Field(default=None, ge=0, le=MAX_TOP_LOGPROBS)
    tools: list[Any] | None = None
    tool_choice: Any = None
    response_format: dict[str, Any] | None = None

    def refuse_unsupported(self) -> None:
        super().refuse_unsupported()
        if self.tools:
            raise RequestError("tool calling is not supported by astray serve; describe tools in the prompt instead",
                               param="tools", code="unsupported_parameter")
        if self.response_format and self.response_format.get("type") not in (None, "text"):
            raise RequestError("response_format other than text is not supported by astray serve",
                               param="response_format", code="unsupported_parameter")
        if self.top_logprobs and not self.logprobs:
            raise RequestError("logprobs must be true when top_logprobs is set", param="top_logprobs")

    def chat(self) -> list[dict[str, str]]:
        return [{"role": m.chat_role(), "content": m.text(i)} for i, m in enumerate(self.messages)]

    def token_cap(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


class CompletionBody(_Common):
    prompt: str | list[str] | list[int] | list[list[int]]
    logprobs: int | None = Field(default=None, ge=0, le=MAX_TOP_LOGPROBS)
    echo: bool = False
    suffix: str | None = None
    best_of: int | None = None

    def refuse_unsupported(self) -> None:
        super().refuse_unsupported()
        if self.echo:
            raise RequestError("echo is not supported by astray serve", param="echo", code="unsupported_parameter")
        if self.suffix:
            raise RequestError("suffix is not supported by astray serve", param="suffix", code="unsupported_parameter")
        if self.best_of not in (None, 1, self.n):
            raise RequestError("best_of is not supported by astray serve", param="best_of", code="unsupported_parameter")

    def prompts(self) -> list[str | list[int]]:
        """Each prompt of the request: text, or token ids."""
        prompt = self.prompt
        if isinstance(prompt, str):
            return [prompt]
        if not prompt:
            raise RequestError("prompt must not be empty", param="prompt")
        if all(isinstance(p, int) for p in prompt):
            return [list(prompt)]  # type: ignore[arg-type]
        return list(prompt)  # type: ignore[arg-type]

    def token_cap(self) -> int | None:
        return self.max_tokens
