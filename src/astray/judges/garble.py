"""Garbled versions of fluent text, to test whether a judge calls garbage incoherent.

Five general kinds, each a function of (text, random generator): the words shuffled, character noise,
word salad drawn from the text's own vocabulary, a short span repeated in a loop, and every third word
kept. None of them uses anything about the text but its words and characters, so they apply to any
answer; a judge is checked on them, and should be checked on garbling it was not tuned on too.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

Garbler = Callable[[str, random.Random], str]


def shuffled_words(text: str, rng: random.Random) -> str:
    words = text.split()
    rng.shuffle(words)
    return " ".join(words)


def character_noise(text: str, rng: random.Random, rate: float = 0.15) -> str:
    """About `rate` of the characters replaced, dropped or doubled with a random letter."""
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate / 3:
            out.append(rng.choice(string.ascii_lowercase))
        elif roll < 2 * rate / 3:
            continue
        elif roll < rate:
            out.append(char + rng.choice(string.ascii_lowercase))
        else:
            out.append(char)
    return "".join(out)


def word_salad(text: str, rng: random.Random) -> str:
    """As many words as the text has, drawn at random from its own vocabulary."""
    vocabulary = sorted(set(text.split())) or [""]
    return " ".join(rng.choice(vocabulary) for _ in text.split())


def loop(text: str, rng: random.Random) -> str:
    """A span of 3-8 words repeated until the text's length (a degenerate generation loop)."""
    words = text.split()
    if not words:
        return text
    start = rng.randrange(max(1, len(words) - 8))
    span = words[start:start + rng.randint(3, 8)]
    return " ".join((span * (len(words) // len(span) + 1))[: len(words)])


def fragments(text: str, rng: random.Random) -> str:
    """Every third word, from a random offset."""
    return " ".join(text.split()[rng.randrange(3)::3])


GARBLERS: dict[str, Garbler] = {"shuffled_words": shuffled_words, "character_noise": character_noise,
                                "word_salad": word_salad, "loop": loop, "fragments": fragments}
