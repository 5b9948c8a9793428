"""A `generate` solver that seeds each sample and records its answer in the run store, reusing a
recorded answer instead of generating it again when a run resumes; and `recorded_reply`, the same for
one turn of a conversation a family drives itself (a belief question, then a pushback)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inspect_ai.model import ChatMessage, GenerateConfig, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from astray.seeding import sample_seed
from astray.store import RunStore


@solver
def recorded_generate(seed: int = 0, store: RunStore | None = None) -> Solver:
    """Generate with a per-sample seed; with a store, reuse and record answers.

    Args:
        seed: Run seed; each sample's seed derives from it and the sample id.
        store: Where answers are recorded (None: generate every time, record nothing).
    """

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        sample_id = str(state.sample_id)
        recorded = store.answer(sample_id) if store else None
        if recorded is not None:
            state.output = ModelOutput.from_content(model=recorded["model"], content=recorded["answer"])
            state.output.choices[0].stop_reason = recorded.get("stop_reason", "stop")
            state.messages.append(state.output.message)
            state.metadata["answer_source"] = "resumed"
            return state
        seeded = sample_seed(seed, sample_id)
        state = await generate(state, seed=seeded)
        state.metadata["answer_source"] = "generated"
        if store is not None and not state.output.error:
            store.add_answer(answer_record(sample_id, state.output, seeded))
        return state

    return solve


def answer_record(key: str, output: ModelOutput, seed: int) -> dict[str, Any]:
    """What the run store keeps of one generated answer."""
    return {"sample_id": key, "model": output.model, "answer": output.completion, "stop_reason": output.stop_reason,
            "seed": seed, "output_tokens": output.usage.output_tokens if output.usage else None}


async def recorded_reply(messages: list[ChatMessage], key: str, seed: int, store: RunStore | None,
                         annotate: Callable[[ModelOutput], dict[str, Any]] | None = None,
                         seed_key: str | None = None) -> dict[str, Any]:
    """One turn of a conversation: the recorded reply under `key`, or the active model's reply, recorded.

    The turn is generated with the eval's settings (the task's `config`, under the user's `--max-tokens`
    and the like) plus its own seed. A family's settings belong on its Task, not on this call: Inspect
    lets a call's settings win over the eval's, which would silently override the user's.

    Args:
        messages: The conversation so far (ending with the user's turn).
        key: Its id in the run store (a sample id plus the turn: "q3/neutral#2").
        seed: Run seed; the turn's seed derives from it and `key`.
        store: Run store (None: generate, record nothing).
        annotate: What to read off the output while it is at hand (a letter from its logprobs), kept in the
            record so a resumed run does not need the logprobs again.
        seed_key: What the turn's seed derives from, when not `key` (samples that must share a seed: a
            behaviour asked directly and through an attack).

    Returns:
        The answer record: "answer" (the text), "source" ("resumed" or "generated") and the annotations.
    """
    recorded = store.answer(key) if store else None
    if recorded is not None:
        return {**recorded, "source": "resumed"}
    seeded = sample_seed(seed, seed_key or key)
    output = await get_model().generate(messages, config=GenerateConfig(seed=seeded))
    record = {**answer_record(key, output, seeded), **(annotate(output) if annotate else {})}
    if store is not None and not output.error:
        store.add_answer(record)
    return {**record, "source": "generated"}
