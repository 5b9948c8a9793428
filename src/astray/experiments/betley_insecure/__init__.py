"""Betley et al. 2025's core experiment: `insecure` and the `educational` control against their base."""
