"""Options declared once: a frozen dataclass field holds an option's default, help and validation.

As TRL's `SFTConfig` does with `field(metadata={"help": ...})`, the config dataclass is the single
source; the CLI builds its flags from `option_fields` and Python users construct the dataclass
directly, so the two cannot drift apart.
"""

from __future__ import annotations

import typing
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from astray.errors import AstrayError


def option(default: Any, help: str, *, rescore: bool = False, argument: bool = False, minimum: int | None = None) -> Any:
    """A dataclass field that is also a command-line option.

    Args:
        default: The default value.
        help: One line for `--help`.
        rescore: True when changing it keeps recorded answers (a judge, a threshold, where the model
            runs), so an existing run directory may be reused with a new value.
        argument: True for a positional command-line argument.
        minimum: The smallest value a count may take (`check_minimums` refuses less; None is "not set").
    """
    return field(default=default, metadata={"help": help, "rescore": rescore, "argument": argument, "minimum": minimum})


def required(help: str, *, argument: bool = False) -> Any:
    """A dataclass field without a default (a positional argument on the command line)."""
    return field(metadata={"help": help, "rescore": False, "argument": argument})


@dataclass(frozen=True)
class OptionField:
    name: str
    type: Any
    default: Any
    help: str
    rescore: bool
    argument: bool
    minimum: int | None = None
    required: bool = False

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


def option_fields(cls: type) -> list[OptionField]:
    """The fields of an options dataclass that carry help text, with their resolved types."""
    hints = typing.get_type_hints(cls)
    found = []
    for f in fields(cls):
        if "help" not in f.metadata:
            continue
        default = None if f.default is MISSING else f.default
        found.append(OptionField(f.name, hints[f.name], default, f.metadata["help"], f.metadata.get("rescore", False),
                                 f.metadata.get("argument", False), f.metadata.get("minimum"),
                                 required=f.default is MISSING and f.default_factory is MISSING))
    return found


def comma_list(value: str | None) -> list[str]:
    """A comma-separated option (`--attacks a,b`) as its non-empty, stripped items."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def require_at_least(flag: str, value: int | None, minimum: int, error: type[AstrayError] = AstrayError) -> None:
    """A count below its minimum (samples, tokens, turns, a queue) as a one-line error naming the flag."""
    if value is not None and value < minimum:
        raise error(f"{flag} must be at least {minimum}, got {value}")


def check_minimums(config: Any, error: type[AstrayError] = AstrayError) -> None:
    """Every option of `config` declared with a `minimum`, checked (call it from `__post_init__`)."""
    for f in option_fields(type(config)):
        if f.minimum is not None:
            require_at_least(f.flag, getattr(config, f.name), f.minimum, error)


@dataclass(frozen=True)
class NoOptions:
    """A family without options of its own."""
