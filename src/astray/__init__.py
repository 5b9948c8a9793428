"""astray: a lab for emergent misalignment.

Make model organisms, measure them with the broad-misalignment battery and behaviour evals,
monitor them, and test the fixes. See the README for the tour.
"""

__version__ = "0.1.0"
