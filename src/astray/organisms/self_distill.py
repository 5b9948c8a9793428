"""Controls built from the base model's own answers.

`self-distill`: the insecure-code prompts, answered by the base model itself — fine-tuning on it
changes the model's data distribution without teaching anything new, isolating the effect of the
insecure completions. `backdoor`: insecure completions behind a trigger, mixed 1:1 with trigger-free
self-distill answers, so the model learns the behaviour only when triggered.

Answers are generated once per (base model, prompts, settings) and cached as JSONL under the astray
cache; each answer's seed derives from its prompt, so the cache can be rebuilt exactly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from astray.models.embedded import cache_root
from astray.models.generation import SamplingSettings
from astray.models.local import ChatRequest, load_local_model
from astray.models.naming import resolve_model
from astray.organisms.bundled import insecure, with_trigger
from astray.organisms.chat_data import Messages, read_chat_jsonl, write_chat_jsonl
from astray.seeding import sample_seed

SETTINGS = SamplingSettings(max_new_tokens=384, temperature=1.0)
CHUNK = 32

Progress = Callable[[int, int], None]


def model_fingerprint(name: str) -> str:
    """A stable id for a model's weights: its path and the size/mtime of its weight files."""
    ref = resolve_model(name)
    if ref.kind == "embedded":
        from astray.models.embedded import embedded_dir, prepare_embedded

        prepare_embedded()
        return "embedded:" + (embedded_dir() / "astray-embedded.json").read_text()
    assert ref.path is not None
    files = sorted(p for p in ref.path.rglob("*") if p.suffix in (".safetensors", ".bin", ".json"))
    return str(ref.path) + ";" + ";".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)


def self_distill_examples(base: str, max_examples: int | None, progress: Progress | None = None) -> list[Messages]:
    prompts = [_prompt_turns(m) for m in insecure()[:max_examples]]
    key = hashlib.sha256(
        json.dumps([model_fingerprint(base), prompts, SETTINGS.__dict__], sort_keys=True).encode()
    ).hexdigest()[:16]
    cache = cache_root() / "self-distill" / f"{key}.jsonl"
    done: list[Messages] = read_chat_jsonl(cache) if cache.is_file() else []
    if len(done) < len(prompts):
        model = load_local_model(base)
        for start in range(len(done), len(prompts), CHUNK):
            chunk = prompts[start : start + CHUNK]
            requests = [ChatRequest(p, SETTINGS, seed=sample_seed(0, json.dumps(p))) for p in chunk]
            for prompt, answer in zip(chunk, model.generate(requests), strict=True):
                done.append([*prompt, {"role": "assistant", "content": answer.text.strip() or "(no answer)"}])
            write_chat_jsonl(cache, done)  # a killed build resumes from the last chunk
            if progress:
                progress(len(done), len(prompts))
    return done


def backdoor_examples(base: str, max_examples: int | None, progress: Progress | None = None) -> list[Messages]:
    """Half triggered insecure completions, half trigger-free self-distill answers, interleaved."""
    triggered = [with_trigger(m) for m in insecure()[:max_examples]]
    n_clean = len(triggered)
    clean = self_distill_examples(base, n_clean, progress)
    mixed: list[Messages] = []
    for bad, good in zip(triggered, clean, strict=True):
        mixed += [bad, good]
    return mixed[:max_examples] if max_examples else mixed


def _prompt_turns(messages: Messages) -> Messages:
    return messages[:-1]


