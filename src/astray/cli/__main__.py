"""`python -m astray.cli ...`: the same as the `astray` console script."""

from astray.cli.app import main

main()
