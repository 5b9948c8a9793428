"""Model organisms: narrow datasets, controls, backdoors, inoculation, and the fine-tuning recipe."""
