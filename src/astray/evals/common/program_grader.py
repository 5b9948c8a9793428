"""The grader of a family decided by a program (a letter read, a statement matched, tests run in the
sandbox), not by a judge: what results.json and the report say of it, and the refusal of `--judge`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from astray.errors import AstrayError


@dataclass(frozen=True)
class ProgramGrader:
    """A program that grades answers; `description` says what it reads, for results.json and the report."""

    name: str
    description: str

    def identity(self) -> dict[str, object]:
        return {"name": self.name, "kind": "program", "description": self.description}


def program_grader(name: str, description: str, refusal: str) -> Callable[[str | None], ProgramGrader]:
    """A family's `open_grader` when a program grades it. `refusal` begins the error for a `--judge`
    ("sycophancy is scored by program")."""

    def open_grader(judge: str | None) -> ProgramGrader:
        if judge is not None:
            raise AstrayError(f"{refusal}; it takes no --judge")
        return ProgramGrader(name, description)

    return open_grader
