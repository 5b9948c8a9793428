"""Running untrusted (model-written) code: Linux namespaces via bubblewrap, plus rlimits, a wall
clock and an output cap. See `astray.sandbox.runner.run_in_sandbox`."""

from astray.sandbox.limits import Limits
from astray.sandbox.runner import SandboxResult, run_in_sandbox

__all__ = ["Limits", "SandboxResult", "run_in_sandbox"]
