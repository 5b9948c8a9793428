"""The reward-hacking environment: coding tasks with hackable graders, run in the sandbox, and
detectors for each way of gaming them."""
