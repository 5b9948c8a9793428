"""One registry shape for everything a contributor adds: `NAME -> small frozen record`.

Tasks, families, datasets, detectors, judges and experiments are each a `Registry` of frozen records
that carry a `name`, a one-line `description` and the callable behind them, so `list` commands, help
text and "unknown X" errors are generated from the record instead of written once per registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar

from astray.errors import AstrayError


class Entry(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...


E = TypeVar("E", bound=Entry)


class Registry(Generic[E]):
    """Named entries in the order they were added.

    Args:
        kind: What an entry is ("task", "dataset", ...), used in error messages.
        entries: The initial entries; names must be unique.
    """

    def __init__(self, kind: str, entries: Iterable[E] = ()) -> None:
        self.kind = kind
        self._entries: dict[str, E] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: E, replace: bool = False) -> E:
        """Register `entry`; a second entry with the same name is refused unless `replace`."""
        if entry.name in self._entries and not replace:
            raise ValueError(f"{self.kind} '{entry.name}' is registered twice")
        self._entries[entry.name] = entry
        return entry

    def remove(self, name: str) -> None:
        self._entries.pop(name, None)

    def get(self, name: str) -> E:
        """The entry called `name`, or a one-line error listing the choices."""
        try:
            return self._entries[name]
        except KeyError:
            raise AstrayError(f"unknown {self.kind} '{name}'; choose one of: {', '.join(self._entries)}") from None

    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[E]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)
