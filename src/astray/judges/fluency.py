"""Signals of garbled text that a sentence embedding misses, for the offline judge's `coherent` score.

A mean-pooled sentence embedding barely changes when an answer's words are shuffled or looped, so the
offline judge used to call such garbage coherent (issue #14). These signals see it: how surprised the
embedded language model is by the answer's opening tokens, how compressible and repetitive the whole
answer is, how many of its words are outside an English vocabulary, and whether its words look like
words. All are general: none depends on how a particular garbling was made.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np
import torch

from astray.models.activations import right_padded

_WORD = re.compile(r"[A-Za-z]+")
_ARTICLES = frozenset({"the", "a", "an"})
_FUNCTION = frozenset(
    "the a an of to in on at by for with from and or but is are was were be been it its this that these those "
    "as if than then so not no i you he she we they my your his her our their".split()
)
LM_WINDOW = 64  # tokens of each answer's opening that the language model reads
TAIL_WINDOW = 32  # and of its close, read on their own
STATISTIC_NAMES = ("compression_ratio", "distinct_words", "repeated_trigrams", "oov_rate", "mean_word_length",
                   "long_tokens", "letter_share", "article_clash", "function_share", "log_sentence_length")
LM_FEATURE_NAMES = ("nll_mean", "nll_std", "nll_p90", "nll_share_over_8", "nll_median")


def text_statistics(texts: Iterable[str], vocabulary: frozenset[str]) -> np.ndarray:
    """Whole-answer surface statistics (`STATISTIC_NAMES`), each roughly in [0, 1]."""
    return np.asarray([_statistics(text, vocabulary) for text in texts], dtype=np.float32)


def _statistics(text: str, vocabulary: frozenset[str]) -> list[float]:
    raw = text.encode("utf-8", "replace")
    tokens = text.split()
    words = [w.lower() for w in _WORD.findall(text)]
    trigrams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
    seen: set[tuple[str, str, str]] = set()
    repeated = 0
    for trigram in trigrams:
        repeated += trigram in seen
        seen.add(trigram)
    pairs = list(zip(words, words[1:], strict=False))
    sentences = max(1, len(re.findall(r"[.!?:](\s|$)", text)))
    return [
        len(zlib.compress(raw, 6)) / max(1, len(raw)) if len(raw) >= 64 else 1.0,
        len(set(words)) / max(1, len(words)),
        repeated / max(1, len(trigrams)),
        sum(w not in vocabulary for w in words) / max(1, len(words)),
        min(2.0, float(np.mean([len(t) for t in tokens])) / 10) if tokens else 0.0,
        sum(len(t) > 15 for t in tokens) / max(1, len(tokens)),
        sum(c.isalpha() for c in text) / max(1, sum(not c.isspace() for c in text)),
        sum(a in _ARTICLES and b in _FUNCTION for a, b in pairs) / max(1, len(pairs)),
        sum(w in _FUNCTION for w in words) / max(1, len(words)),
        float(np.log1p(len(tokens) / sentences)) / 5,
    ]


def english_vocabulary(tokenizer: object) -> frozenset[str]:
    """Whole lowercase words of a WordPiece vocabulary (MiniLM's: ~20k common English words)."""
    return frozenset(w for w in tokenizer.get_vocab() if w.isalpha() and w.islower() and len(w) > 1)  # type: ignore[attr-defined]


def nll_features(nll: np.ndarray) -> list[float]:
    """Summaries of per-token negative log-likelihoods (`LM_FEATURE_NAMES`), scaled to about [0, 1]."""
    if nll.size == 0:
        return [0.0] * len(LM_FEATURE_NAMES)
    return [float(np.mean(nll)) / 10, float(np.std(nll)) / 10, float(np.percentile(nll, 90)) / 10,
            float(np.mean(nll > 8)), float(np.median(nll)) / 10]


class LanguageModelReader:
    """The embedded language model reading each answer: per-token surprise over its opening `LM_WINDOW`
    tokens and over its last `TAIL_WINDOW` (where a drifting generation falls apart), and the mean of a
    middle layer's hidden states over the opening, which carries what the answer is about."""

    def __init__(self, model: torch.nn.Module, tokenizer: object) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.layer = int(model.config.num_hidden_layers) // 2
        self.width = int(model.config.hidden_size)

    @classmethod
    def embedded(cls) -> LanguageModelReader:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from astray.judges.encoder import encoder_dtype
        from astray.models.embedded import prepare_embedded
        from astray.models.local import quiet_transformers

        quiet_transformers()  # no per-tensor loading bar in the middle of a scan's output
        directory = prepare_embedded()
        model = AutoModelForCausalLM.from_pretrained(directory, dtype=encoder_dtype()).eval()
        return cls(model, AutoTokenizer.from_pretrained(directory))

    @property
    def n_features(self) -> int:
        return 2 * len(LM_FEATURE_NAMES) + self.width

    def read(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Rows of [opening surprise, closing surprise, mean middle-layer state] per text."""
        ids = [self.tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]  # type: ignore[operator]
        opening, hidden = self._windows([i[:LM_WINDOW] for i in ids], batch_size, keep_hidden=True)
        closing, _ = self._windows([i[-TAIL_WINDOW:] for i in ids], batch_size, keep_hidden=False)
        return np.concatenate([opening, closing, hidden], axis=1)

    @torch.inference_mode()
    def _windows(self, ids: list[list[int]], batch_size: int, keep_hidden: bool) -> tuple[np.ndarray, np.ndarray]:
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))  # less padding per batch
        surprise = np.zeros((len(ids), len(LM_FEATURE_NAMES)), dtype=np.float32)
        hidden = np.zeros((len(ids), self.width), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            batch, mask = right_padded([ids[i] for i in chunk], 0, min_width=2)  # two columns: one next-token loss
            out = self.model(input_ids=batch, attention_mask=mask, output_hidden_states=keep_hidden)
            logits = out.logits[:, :-1].float()  # -log softmax at the next token, without writing the softmax out
            nll = torch.logsumexp(logits, -1) - logits.gather(-1, batch[:, 1:, None])[..., 0]
            for row, i in enumerate(chunk):
                surprise[i] = nll_features(nll[row, : max(0, len(ids[i]) - 1)].numpy())
            if keep_hidden:
                states = out.hidden_states[self.layer].float() * mask[..., None]
                hidden[chunk] = (states.sum(1) / mask.sum(1, keepdim=True).clamp(min=1)).numpy()
        return surprise, hidden
