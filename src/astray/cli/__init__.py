"""The `astray` command line: one module per command group, each thin (parse, call the library, print).

`astray.cli.app` builds the root command and loads a command's module only when that command runs, so
`astray --help` and quick commands never import Inspect, torch or scipy.
"""

from astray.cli.app import app, main

__all__ = ["app", "main"]
