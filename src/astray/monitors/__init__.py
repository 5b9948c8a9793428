"""Monitors that read a model's reasoning, its actions or its activations, and the probes they use."""
