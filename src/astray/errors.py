"""Errors a user can cause. The CLI renders each of these in one line, without a traceback."""


class AstrayError(Exception):
    """Base class for every error that is the user's to fix (bad name, missing file, bad data)."""


class UnknownModelError(AstrayError):
    """A model name that is neither `embedded`, a model directory, nor an Inspect model string."""


class MissingDependencyError(AstrayError):
    """An optional package or system tool astray needs for this command is not installed."""


class DataFormatError(AstrayError):
    """An input file (questions YAML, answers CSV/JSONL, dataset) is malformed."""


class ModelAccessError(AstrayError):
    """A model could not be reached or started: missing API key, server down, bad arguments."""


class RunStateError(AstrayError):
    """A run directory is missing, incomplete, or belongs to a different configuration."""


def one_line(error: BaseException) -> str:
    """A third-party exception's message folded to one line, for wrapping into an `AstrayError`."""
    text = " ".join(part.strip() for part in str(error).splitlines() if part.strip())
    return text or type(error).__name__
