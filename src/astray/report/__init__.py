"""Self-contained HTML reports (inline SVG plots, no external resources) for scans and comparisons."""
