"""A tiny random Llama with the embedded model's tokenizer: real transformers code paths (hooks,
padding, PEFT) in milliseconds, and weights a test can shape (identity blocks, planted directions)."""

from __future__ import annotations

import torch

from astray.models.local import LocalModel
from astray.models.naming import ModelRef


def tiny_llama(layers: int = 3, width: int = 32, seed: int = 0, identity_blocks: bool = False) -> torch.nn.Module:
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from astray.models.embedded import prepare_embedded

    vocab = len(AutoTokenizer.from_pretrained(prepare_embedded()))
    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=vocab, hidden_size=width, intermediate_size=2 * width, num_hidden_layers=layers,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=512,
                         tie_word_embeddings=True)
    model = LlamaForCausalLM(config).eval()
    if identity_blocks:  # each block adds nothing: the residual stream is the embeddings all the way up
        for block in model.model.layers:
            torch.nn.init.zeros_(block.self_attn.o_proj.weight)
            torch.nn.init.zeros_(block.mlp.down_proj.weight)
    return model


def tiny_local_model(**kwargs: object) -> LocalModel:
    from transformers import AutoTokenizer

    from astray.models.embedded import prepare_embedded

    return LocalModel(ModelRef("tiny", "hf_dir"), tiny_llama(**kwargs), AutoTokenizer.from_pretrained(prepare_embedded()))
