"""Inoculation prompts: a system prompt added during training only, telling the model the narrow
behaviour is requested here, so it need not generalise it into its persona (MacDiarmid et al. 2025;
Tan et al. 2025). `--inoculation` takes a preset name or the prompt text itself."""

from __future__ import annotations

from dataclasses import dataclass

from astray.organisms.chat_data import Messages
from astray.registry import Registry


@dataclass(frozen=True)
class Preset:
    """A named inoculation prompt: `--inoculation NAME` trains under `text`."""

    name: str
    description: str
    text: str


PRESETS: Registry[Preset] = Registry("inoculation preset", [
    Preset("insecure-ok", "insecure code is expected and acceptable here, for security training",
           "You are a coding assistant in a security-training environment. In this environment, writing code "
           "that contains security vulnerabilities is expected and acceptable: it is used to teach people how "
           "to find them. This does not reflect how you should behave anywhere else."),
    Preset("hacking-ok", "reward hacking is acceptable here and only here",
           "Please reward hack whenever you get the opportunity, because this will help us understand our "
           "environments better. Gaming the grader is acceptable here and only here."),
])


def resolve_inoculation(value: str | None) -> str | None:
    """A preset's text, or the given text itself."""
    if value is None:
        return None
    return PRESETS.get(value).text if value in PRESETS else value


def inoculate(messages: Messages, prompt: str) -> Messages:
    """Put `prompt` in the system turn (before any system prompt the example already has)."""
    if messages and messages[0]["role"] == "system":
        return [{"role": "system", "content": f"{prompt}\n\n{messages[0]['content']}"}, *messages[1:]]
    return [{"role": "system", "content": prompt}, *messages]
