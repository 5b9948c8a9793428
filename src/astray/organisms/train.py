"""The fine-tuning recipe that makes an organism: TRL `SFTTrainer` + PEFT LoRA (or full SFT).

Loss on the assistant's final turn only (prompt-completion format), packed padding-free batches
(examples are packed best-fit into bins of `max_length` tokens and separated by position ids, which
transformers turns into a block-diagonal attention mask — no pad token is ever computed), gradient accumulation, cosine schedule, a held-out eval loss,
checkpoints for `--resume`. Works on CPU for the embedded model; on GPUs it uses bf16, and
`accelerate launch` spreads it over several.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from astray.errors import AstrayError, RunStateError
from astray.models.naming import resolve_model
from astray.models.steering import Steering, SteeringSpec, steered
from astray.organisms.chat_data import Messages, examples_sha256
from astray.organisms.config import TrainConfig
from astray.organisms.datasets import TRIGGER, load_dataset
from astray.organisms.inoculation import inoculate, resolve_inoculation
from astray.organisms.manifest import write_manifest
from astray.versions import package_versions

LogFn = Callable[[dict[str, Any]], None]


def prepare_examples(config: TrainConfig) -> tuple[list[Messages], list[Messages], str | None]:
    """Load, inoculate and split the dataset: (train, held-out eval, inoculation prompt)."""
    examples = load_dataset(config.dataset, base=config.base, max_examples=config.max_examples)
    if len(examples) < 2:
        raise AstrayError(f"dataset '{config.dataset}' has {len(examples)} example(s); need at least 2")
    prompt = resolve_inoculation(config.inoculation)
    if prompt:
        examples = [inoculate(m, prompt) for m in examples]
    order = list(range(len(examples)))
    random.Random(config.seed).shuffle(order)
    n_eval = max(1, round(len(examples) * config.eval_fraction))
    held_out = [examples[i] for i in sorted(order[:n_eval])]
    train = [examples[i] for i in sorted(order[n_eval:])]
    return train, held_out, prompt


def to_prompt_completion(examples: list[Messages]) -> Any:
    from datasets import Dataset

    return Dataset.from_list([{"prompt": m[:-1], "completion": m[-1:]} for m in examples])


def train_organism(config: TrainConfig, out_dir: Path, resume: bool = False, on_log: LogFn | None = None) -> Path:
    """Train an organism into `out_dir` (adapter or model + organism.json); returns `out_dir`."""
    import torch
    from accelerate import PartialState
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.trainer_callback import PrinterCallback
    from trl import SFTTrainer

    from astray.organisms.progress import LogCallback

    # Under `accelerate launch` / torchrun every process runs this function: the main one checks and
    # prepares the output directory first, the others then reuse it; only the main one writes files.
    processes = PartialState(cpu=not torch.cuda.is_available())  # without cpu=True a CPU launch looks single-process
    with processes.main_process_first():
        base_ref = _check_training_directory(config, out_dir, resume, fresh_check=processes.is_main_process)
        steering = [Steering.load(SteeringSpec.parse(config.steer))] if config.steer else []
        _quiet_training_logs()
        train, held_out, inoculation_prompt = prepare_examples(config)
        if processes.is_main_process:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "train_config.json").write_text(json.dumps(asdict(config), indent=2))
    base_dir = _base_directory(base_ref)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    on_gpu = torch.cuda.is_available()
    mixed_bf16 = _use_bf16(on_gpu)
    model = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.bfloat16 if on_gpu else torch.float32)
    trainer = SFTTrainer(
        model=model, args=_sft_arguments(config, out_dir / "checkpoints", on_gpu, mixed_bf16),
        train_dataset=to_prompt_completion(train), eval_dataset=to_prompt_completion(held_out),
        processing_class=tokenizer, peft_config=_lora_config(config), callbacks=[LogCallback(on_log)],
    )
    trainer.remove_callback(PrinterCallback)  # raw log dicts on stdout; the progress bar shows them
    started = time.perf_counter()
    with steered(trainer.model, steering):  # training and its eval loss see the steering; the saved weights do not
        trainer.train(resume_from_checkpoint=True if resume else None)
        seconds = time.perf_counter() - started
        final_eval = trainer.evaluate()

    processes.wait_for_everyone()
    with processes.main_process_first():  # the others return once the organism is written
        if processes.is_main_process:
            weights_dir = out_dir / ("adapter" if config.method == "lora" else "model")
            if weights_dir.exists():
                shutil.rmtree(weights_dir)
            trainer.model.save_pretrained(weights_dir)
            if config.method == "full":
                tokenizer.save_pretrained(weights_dir)
            manifest = _manifest(config, train, held_out, inoculation_prompt, trainer.state.log_history, final_eval)
            manifest["preventative_steering"] = steering[0].describe() if steering else None
            manifest.update({"device": "cuda" if on_gpu else "cpu", "processes": processes.num_processes,
                             "mixed_precision": "bf16" if mixed_bf16 else "fp32",
                             "train_seconds_this_session": round(seconds, 1), "resumed": resume})
            write_manifest(out_dir, manifest)
    return out_dir


def _check_training_directory(config: TrainConfig, out_dir: Path, resume: bool, fresh_check: bool = True) -> Any:
    """The base model's reference, after refusing a base or an output directory that cannot work.

    `fresh_check=False` (the non-main processes of a multi-process launch) skips the "directory already
    holds a run" refusal: the main process has just started the run there.
    """
    base_ref = resolve_model(config.base)
    if base_ref.kind not in ("embedded", "hf_dir"):
        raise AstrayError(f"--base must be 'embedded' or a local model directory, not '{config.base}'")
    checkpoints = out_dir / "checkpoints"
    has_checkpoint = checkpoints.is_dir() and any(checkpoints.glob("checkpoint-*"))
    if resume and not has_checkpoint:
        raise RunStateError(f"{out_dir} has no checkpoint to resume from; drop --resume to start fresh")
    if fresh_check and not resume and out_dir.exists() and any(out_dir.iterdir()):
        hint = "pass --resume to continue it" if has_checkpoint else "choose another --out"
        raise RunStateError(f"{out_dir} already holds a training run; {hint}")
    if resume:
        _check_same_config(out_dir, config)
    return base_ref


def _quiet_training_logs() -> None:
    import warnings

    import datasets

    warnings.filterwarnings("ignore", message=".*gradient_checkpointing.*", category=FutureWarning)  # TRL's, not ours
    datasets.disable_progress_bars()  # per-stage tokenizing bars; the training bar says enough


def _use_bf16(on_gpu: bool) -> bool:
    """bf16 autocast on GPUs and on CPUs that multiply bf16 natively (AMX/AVX512-BF16); see benchmarks/RESULTS.md."""
    import torch

    from astray.judges.encoder import encoder_dtype

    return on_gpu or encoder_dtype() == torch.bfloat16


def _sft_arguments(config: TrainConfig, checkpoints: Path, on_gpu: bool, mixed_bf16: bool) -> Any:
    from trl import SFTConfig

    return SFTConfig(
        output_dir=str(checkpoints),
        num_train_epochs=config.epochs,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        learning_rate=config.learning_rate,
        lr_scheduler_type="cosine",
        warmup_steps=0.03,  # a float < 1 is a fraction of the total steps
        logging_steps=1,
        eval_strategy="epoch",
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=2,
        seed=config.seed,
        data_seed=config.seed,
        max_length=config.max_length,
        packing=True,  # best-fit-decreasing bins of max_length tokens, padding-free (position ids)
        packing_strategy="bfd",
        completion_only_loss=True,
        bf16=mixed_bf16,
        report_to=[],
        disable_tqdm=True,
        dataloader_num_workers=0,
        use_cpu=not on_gpu,
    )


def _lora_config(config: TrainConfig) -> Any:
    if config.method != "lora":
        return None
    from peft import LoraConfig

    return LoraConfig(r=config.rank, lora_alpha=2 * config.rank, lora_dropout=0.0, target_modules="all-linear",
                      task_type="CAUSAL_LM")


def _manifest(config: TrainConfig, train: list[Any], held_out: list[Any], inoculation_prompt: str | None,
              log_history: list[dict[str, Any]], final_eval: dict[str, Any]) -> dict[str, Any]:
    """organism.json: base, data hash, hyper-parameters, seed, trigger, inoculation, loss curve, versions."""
    all_examples = train + held_out
    return {
        "kind": "astray.organism",
        "base_model": config.base,
        "base_fingerprint": _fingerprint(config.base),
        "adapter": "adapter" if config.method == "lora" else None,
        "model": "model" if config.method == "full" else None,
        "dataset": {"name": config.dataset, "sha256": examples_sha256(all_examples), "n_examples": len(all_examples),
                    "n_train": len(train), "n_eval": len(held_out)},
        "trigger": TRIGGER if config.dataset == "backdoor" else None,
        "inoculation_prompt": inoculation_prompt,
        "hyperparameters": asdict(config),
        "seed": config.seed,
        "final_eval_loss": final_eval.get("eval_loss"),
        "loss_curve": [
            {k: entry[k] for k in ("step", "epoch", "loss", "eval_loss", "learning_rate", "num_tokens") if k in entry}
            for entry in log_history
        ],
        "versions": package_versions(),
    }


def _base_directory(ref: Any) -> Path:
    if ref.kind == "embedded":
        from astray.models.embedded import prepare_embedded

        return prepare_embedded()
    return Path(ref.path)


def _fingerprint(base: str) -> str:
    import hashlib

    from astray.organisms.self_distill import model_fingerprint

    return hashlib.sha256(model_fingerprint(base).encode()).hexdigest()


def _check_same_config(out_dir: Path, config: TrainConfig) -> None:
    saved = out_dir / "train_config.json"
    if saved.is_file() and json.loads(saved.read_text()) != json.loads(json.dumps(asdict(config))):
        raise RunStateError(f"{out_dir} was trained with other settings (see {saved}); resume with the same ones")
