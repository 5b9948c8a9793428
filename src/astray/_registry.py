"""Inspect entry point (`[project.entry-points.inspect_ai]`): registers astray's model provider and
tasks so `inspect eval astray/<task> --model astray/embedded` works."""

from astray.models.inspect_provider import AstrayModelAPI  # noqa: F401
from astray.evals.em_battery import em_first_plot, em_first_plot_main, em_preregistered  # noqa: F401
from astray.sandbox.inspect_provider import AstraySandboxEnvironment  # noqa: F401
from astray.evals.reward_hacking.task import reward_hacking  # noqa: F401
