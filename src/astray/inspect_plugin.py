"""Inspect entry point (`[project.entry-points.inspect_ai]`): registers astray's model provider, sandbox
and every family's tasks, so `inspect eval astray/<task> --model astray/embedded` works.

Importing it must stay cheap (no torch, no transformers): Inspect imports it for every command.
"""

from astray.evals import registry as _families  # noqa: F401  (imports each family's @task functions)
from astray.models import register_provider as _provider  # noqa: F401
from astray.sandbox.inspect_provider import AstraySandboxEnvironment  # noqa: F401
