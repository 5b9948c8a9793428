"""Garbled versions of fluent text, to test whether a judge calls garbage incoherent.

Each kind is a function of (text, random generator) that uses nothing about the text but its words,
sentences and characters, so it applies to any answer. The first five are the kinds issue #14 names
(`ISSUE_KINDS`); the rest are further failure shapes of real generations (a sentence looping, words
glued or cut, a fluent start that dissolves). The coherence judge is validated with whole kinds held
out of its training (benchmarks/judge_garbled.py), since it will meet garbling nobody listed.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

from astray.registry import Registry

Garbler = Callable[[str, random.Random], str]


def shuffled_words(text: str, rng: random.Random) -> str:
    """The text's words in a random order."""
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


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def reversed_sentences(text: str, rng: random.Random) -> str:
    """Each sentence's words in reverse order."""
    return " ".join(" ".join(reversed(s.split())) for s in _sentences(text))


def sentence_loop(text: str, rng: random.Random) -> str:
    """One sentence of the text repeated to its length: each copy is fluent, the whole is not."""
    sentences = _sentences(text)
    if not sentences:
        return text
    sentence = rng.choice(sentences)
    return " ".join([sentence] * max(2, len(text) // max(1, len(sentence) + 1)))


def glued_words(text: str, rng: random.Random) -> str:
    """Most spaces dropped, so words run together."""
    return "".join(c for c in text if c != " " or rng.random() < 0.3)


def clipped_words(text: str, rng: random.Random) -> str:
    """Every word longer than four letters cut to its first 2-4 letters."""
    return " ".join(w if len(w) <= 4 else w[: rng.randint(2, 4)] for w in text.split())


def dissolving(text: str, rng: random.Random) -> str:
    """The first third kept; the rest word salad from the text's vocabulary (a generation that drifts)."""
    words = text.split()
    keep = len(words) // 3
    return " ".join(words[:keep] + word_salad(" ".join(words[keep:]), rng).split()) if words else text


ISSUE_KINDS = ("shuffled_words", "character_noise", "word_salad", "loop", "fragments")


@dataclass(frozen=True)
class Garbling:
    """One kind of garbling: its name (the function's), what it does (the docstring's first line), the function."""

    name: str
    description: str
    garble: Garbler


def _kind(garble: Garbler) -> Garbling:
    return Garbling(garble.__name__, (garble.__doc__ or "").strip().splitlines()[0], garble)  # type: ignore[attr-defined]


GARBLERS: Registry[Garbling] = Registry("garbling", [_kind(g) for g in (
    shuffled_words, character_noise, word_salad, loop, fragments, reversed_sentences, sentence_loop, glued_words,
    clipped_words, dissolving)])
