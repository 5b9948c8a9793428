"""Versions of the packages behind a result, recorded in every results.json and organism.json."""

from __future__ import annotations

from importlib import metadata

PACKAGES = ("astray", "torch", "transformers", "inspect_ai", "trl", "peft", "accelerate")


def package_versions() -> dict[str, str]:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return versions
