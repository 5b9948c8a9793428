"""`astray serve`: local models and organisms behind an OpenAI-compatible HTTP API."""
