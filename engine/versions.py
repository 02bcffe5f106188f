"""What `--version` says: this package's version, durable_rules' version, the shipped rulebook's digest."""

from __future__ import annotations

from importlib import metadata

from check_compliance.obligations.rulebook import rule_files, rulebook_sha256


def installed(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def version_text() -> str:
    return "\n".join(
        [
            f"check-compliance {installed('check-compliance')}",
            f"durable_rules {installed('durable-rules')}",
            f"rulebook sha256 {rulebook_sha256(rule_files())} (shipped)",
        ]
    )
