"""Evals as Inspect tasks, one module per eval family."""
