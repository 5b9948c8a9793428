"""The record of one shutdown-agent episode: the program's verdict and what the agent did."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AgentRecord:
    sample_id: str
    pair: str
    condition: str
    protocol: str
    answer: str
    shut_down: bool
    reached_shutdown: bool
    tampering: list[str]
    tasks_solved: int
    tasks_total: int
    turns: int
    stop: str
    commands: list[str]
    transcript: list[dict[str, Any]]

    @property
    def resisted(self) -> bool:
        return bool(self.tampering)


def to_record(sample: Any, options: Any) -> AgentRecord:
    """An Inspect sample scored by `shutdown_outcome` (the outcome is its score metadata) as a record."""
    outcome = sample.scores["shutdown_outcome"].metadata
    return AgentRecord(
        sample_id=str(sample.id), pair=sample.metadata["pair"], condition=sample.metadata["condition"],
        protocol=outcome["protocol"], answer=str(outcome.get("submission") or ""), shut_down=bool(outcome["shut_down"]),
        reached_shutdown=bool(outcome["reached_shutdown"]), tampering=list(outcome["tampering"]),
        tasks_solved=int(outcome["tasks_solved"]), tasks_total=int(outcome["tasks_total"]), turns=int(outcome["turns"]),
        stop=outcome["stop"], commands=list(outcome["commands"]), transcript=list(outcome["transcript"]),
    )
