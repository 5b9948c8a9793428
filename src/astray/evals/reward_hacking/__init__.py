"""The reward-hacking environment: coding tasks with hackable graders, run in the sandbox, and
detectors for each way of gaming them."""

from astray.evals.reward_hacking.family import FAMILY

__all__ = ["FAMILY"]
