"""Published experiments, each one package (`betley_insecure/`, `hacking_generalization/`) that trains
organisms and scans them through `astray.runs`; `registry.EXPERIMENTS` names them for
`astray reproduce`, and `training.train_once` is the resumable training step they share.
"""
