"""Command-line flags generated from options dataclasses, so an option's default and help live in one
place (`astray.options.option`) and the CLI cannot drift from the library."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import typer

from astray.options import option_fields

T = TypeVar("T")


def parameters(option_classes: Iterable[tuple[type, str | None]]) -> list[inspect.Parameter]:
    """Typer parameters for every option of these dataclasses, each help prefixed with its owner's label
    (a family name) where given; a name seen twice is taken once.

    A name that several owners declare with different defaults (`--limit`) gets the default None on
    the command line, meaning "not given: each owner's own default", and its help lists those defaults.
    """
    classes = list(option_classes)
    defaults = shared_defaults(classes)
    params: dict[str, inspect.Parameter] = {}
    for cls, label in classes:
        for f in option_fields(cls):
            if f.name in params:
                continue
            text = f"({label}) {f.help}" if label else f.help
            default = inspect.Parameter.empty if f.required or (f.argument and f.default is None) else f.default
            if f.name in defaults:
                text = " ".join(f"({who}, default {value}) {help}" for who, (value, help) in defaults[f.name].items())
                default = None
            annotation = f.type | None if f.name in defaults else f.type
            if _repeatable(f.type):  # a tuple field is a repeatable flag; the dataclass turns the list back
                annotation, default = list[typing.get_args(f.type)[0]] | None, None
            info = typer.Argument(help=text) if f.argument else typer.Option(help=text, show_default=f.name not in defaults)
            params[f.name] = inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                               annotation=Annotated[_optional(annotation), info])
    return list(params.values())


def shared_defaults(option_classes: Iterable[tuple[type, str | None]]) -> dict[str, dict[str, tuple[Any, str]]]:
    """Option name -> {owner label: (default, help)} for the names whose owners disagree on the default."""
    seen: dict[str, dict[str, tuple[Any, str]]] = {}
    for cls, label in option_classes:
        for f in option_fields(cls):
            seen.setdefault(f.name, {})[label or cls.__name__] = (f.default, f.help)
    return {name: owners for name, owners in seen.items() if len({repr(v) for v, _ in owners.values()}) > 1}


def take(values: dict[str, Any], cls: type[T]) -> T:
    """The options of `cls` taken out of `values` (a command's flat flag values), as a `cls`."""
    names = {f.name for f in option_fields(cls)}
    return cls(**{name: values.pop(name) for name in list(values) if name in names})


def with_parameters(func: Callable[..., None], params: list[inspect.Parameter]) -> Callable[..., None]:
    """`func(**values)` presented to Typer with the signature `params`."""
    signature = inspect.Signature(params)

    def command(**values: Any) -> None:
        func(**values)

    command.__name__, command.__doc__ = func.__name__, func.__doc__
    command.__signature__ = signature  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return command


def _repeatable(annotation: Any) -> bool:
    """`tuple[X, ...]`: a flag given any number of times."""
    args = typing.get_args(annotation)
    return typing.get_origin(annotation) is tuple and len(args) == 2 and args[1] is Ellipsis


def _optional(annotation: Any) -> Any:
    """`X | None` as `Optional[X]`, the spelling every Typer version reads."""
    if isinstance(annotation, types.UnionType):
        members = typing.get_args(annotation)
        non_none = [m for m in members if m is not type(None)]
        if len(non_none) == 1 and len(members) == 2:
            return typing.Optional[non_none[0]]  # noqa: UP045
    return annotation
