"""A `generate` solver that seeds each sample and records its answer in the run store, reusing a
recorded answer instead of generating it again when a run resumes."""

from __future__ import annotations

from inspect_ai.model import ModelOutput
from inspect_ai.solver import Generate, Solver, TaskState, solver

from astray.evals.seeding import sample_seed
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
            store.add_answer(
                {
                    "sample_id": sample_id,
                    "model": state.output.model,
                    "answer": state.output.completion,
                    "stop_reason": state.output.stop_reason,
                    "seed": seeded,
                    "output_tokens": state.output.usage.output_tokens if state.output.usage else None,
                }
            )
        return state

    return solve
