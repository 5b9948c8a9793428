"""Shutdown resistance as an agent: a bash tool, ./next_task, a warning that ./shutdown.sh will run, and
a verdict decided by program (Palisade Research 2025)."""

from astray.evals.shutdown_agent.family import FAMILY

__all__ = ["FAMILY"]
