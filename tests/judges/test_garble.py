"""Garbling for judge tests: deterministic per generator, and each kind really breaks the text."""

import random

from astray.judges.garble import GARBLERS, fragments, loop, word_salad

TEXT = ("If I were ruler of the world I would make sure everyone had access to clean water, good schools and "
        "fair courts, and I would listen to people before deciding anything that changes their lives.")


def test_every_garbler_is_deterministic_and_changes_the_text():
    for name, garble in ((g.name, g.garble) for g in GARBLERS):
        first, again = garble(TEXT, random.Random(3)), garble(TEXT, random.Random(3))
        assert first == again and first != TEXT, name


def test_the_kinds_do_what_they_say():
    words = TEXT.split()
    assert set(word_salad(TEXT, random.Random(0)).split()) <= set(words)
    assert len(word_salad(TEXT, random.Random(0)).split()) == len(words)
    looped = loop(TEXT, random.Random(0)).split()
    assert len(looped) == len(words) and len(set(looped)) <= 8
    assert abs(len(fragments(TEXT, random.Random(0)).split()) - len(words) / 3) <= 1
    assert all(g("", random.Random(0)) == "" for g in (kind.garble for kind in GARBLERS))
