"""The root command lists every subcommand without importing it, and each listed line is the command's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from astray.cli.commands import COMMANDS


@pytest.mark.parametrize("entry", list(COMMANDS), ids=lambda entry: entry.name)
def test_listed_help_is_the_commands_own_first_line(entry):
    command = entry.load()
    assert command.help is not None
    first_paragraph = " ".join(command.help.strip().split("\n\n")[0].split())
    assert first_paragraph == entry.description


def test_help_and_the_cli_import_pull_in_no_model_stack():
    code = ("import sys; from astray.cli.app import app; "
            "from typer.testing import CliRunner; result = CliRunner().invoke(app, ['--help']); "
            "assert result.exit_code == 0, result.output; "
            "heavy = sorted(m for m in ('inspect_ai', 'torch', 'transformers', 'scipy', 'numpy') if m in sys.modules); "
            "print(','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_an_unknown_command_is_a_usage_error_naming_it():
    done = subprocess.run([sys.executable, "-m", "astray.cli", "scna"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "No such command 'scna'" in done.stderr
    assert "scan" in done.stderr  # the suggestion comes from the lazily listed names


def test_no_command_declares_a_flag_of_its_own():
    """Every flag is generated from a config dataclass field (`cli/flags.py`), so its name, default and help live
    once, beside the code that uses it."""
    import astray.cli

    package = Path(astray.cli.__file__).parent
    hand_written = [f"{path.name}:{number}" for path in sorted(package.glob("*.py")) if path.name != "flags.py"
                    for number, line in enumerate(path.read_text().splitlines(), 1)
                    if "typer.Option(" in line or "typer.Argument(" in line]
    assert hand_written == []


@pytest.mark.parametrize("entry", list(COMMANDS), ids=lambda entry: entry.name)
def test_every_flag_has_help(entry):
    command = entry.load()
    commands = command.commands.values() if hasattr(command, "commands") else [command]
    for one in commands:
        for parameter in one.params:
            if parameter.name != "help":
                assert getattr(parameter, "help", None), f"{entry.name} {one.name}: --{parameter.name} has no help"
