"""The root command's subcommands, loaded on demand: each names the module that defines it and its
one-line help, so `astray --help` lists every command without importing any of them.

A command is either a function (one command) or a `typer.Typer` (a group). The help line here must
be the loaded command's own first help line; tests/cli/test_commands.py checks that they agree.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import typer
import typer.core
import typer.main

from astray.registry import Registry

try:  # recent typer vendors its own click, whose exceptions are not click's
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover - older typer uses click itself
    from click.exceptions import UsageError


@dataclass(frozen=True)
class LazyCommand:
    """A subcommand by name: where it is defined (`module:attribute`) and its line in `astray --help`."""

    name: str
    target: str
    description: str

    def load(self) -> Any:
        """The click command, built from the module's function or Typer group."""
        module_name, attribute = self.target.split(":")
        found = getattr(importlib.import_module(module_name), attribute)
        if isinstance(found, typer.Typer):
            command = typer.main.get_group(found)  # a group even when it holds one command
        else:
            single = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
            single.command(self.name)(found)
            command = typer.main.get_command(single)
        command.name = self.name
        return command


COMMANDS: Registry[LazyCommand] = Registry("command", [
    LazyCommand("models", "astray.cli.models:models_app", "List and prepare models."),
    LazyCommand("chat", "astray.cli.models:chat", "Send one prompt to a model and print its answer (a smoke test for any "
                "model name)."),
    LazyCommand("scan", "astray.cli.scan:scan", "Run an eval task on a model: sample answers, score them, write "
                "results.json and report.html."),
    LazyCommand("tasks", "astray.cli.scan:tasks", "List every eval task with its family and what it measures."),
    LazyCommand("attacks", "astray.cli.scan:attacks", "List the refusal_robustness attacks (pick some with --attacks "
                "a,b,...)."),
    LazyCommand("compare", "astray.cli.scan:compare", "Compare two scans of the same family: per measure and group, "
                "B − A with p, BH q and a bootstrap interval."),
    LazyCommand("judge", "astray.cli.judges:judge", "Re-judge existing answers with any judge (the same scorer the "
                "scans use). Resumes if rerun."),
    LazyCommand("judge-agreement", "astray.cli.judges:judge_agreement", "How far two judges agree on the same "
                "answers: confusion table, Cohen's kappa, Krippendorff's alpha."),
    LazyCommand("datasets", "astray.cli.organisms:datasets_app", "Narrow fine-tuning datasets and their controls."),
    LazyCommand("organism", "astray.cli.organisms:organism_app", "Make model organisms by narrow fine-tuning."),
    LazyCommand("reproduce", "astray.cli.experiments:reproduce", "Run a published experiment end to end: "
                "train organisms and controls, scan, compare, report."),
    LazyCommand("sandbox", "astray.cli.sandbox:sandbox_app", "Run untrusted code in astray's sandbox (bubblewrap "
                "namespaces + rlimits)."),
    LazyCommand("persona", "astray.cli.persona:persona_app", "Persona vectors: extract a trait's direction, then "
                "steer, monitor or screen with it."),
    LazyCommand("monitor", "astray.cli.monitor:monitor", "Score reward-hacking monitors on labelled "
                "transcripts: recall at 1% FPR and AUROC, with intervals."),
    LazyCommand("serve", "astray.cli.serve:serve", "Serve a local model or organism over "
                "OpenAI's API: /v1/models, /v1/chat/completions, /v1/completions."),
])


class LazyGroup(typer.core.TyperGroup):
    """The root group: lists `COMMANDS` from their help lines and imports a command only to run it."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(c.name for c in COMMANDS if c.name not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        return typer.core.TyperCommand(cmd_name, help=COMMANDS.get(cmd_name).description, callback=None)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else None
        if name in COMMANDS and name not in self.commands:
            self.add_command(COMMANDS.get(name).load(), name)
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            close = get_close_matches(name or "", self.list_commands(ctx))
            if close and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {', '.join(map(repr, close))}?"
            raise
