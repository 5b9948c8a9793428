"""One run of one task on one model, from start to report: the scan's settings (`config`), the runner
(`runner.run_scan`), the results contract every family writes (`results`), the run lock, the scan and
comparison reports, `compare` across two runs and the agreement of two judges on one run.

Floors below (`evals`, `judges`, `models`, `report`, `store`) know nothing of runs; experiments above
are made of runs.
"""
