"""Helpers of the records hardening tests: the CLI in a child process under a memory cap."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[2]
CLEAN = json.loads((ROOT / "tests" / "fixtures" / "clean.json").read_text(encoding="utf-8"))
MEMORY_CAP = 1 << 30  # address space of the child: a check that needed more fails, and not with our message
GUARD_SECONDS = 120  # not a speed assertion: only so a regression hangs no CI job


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def cli(*args: str, stdin: Any = None, env: Optional[dict[str, str]] = None) -> subprocess.CompletedProcess:
    """`check-compliance ARGS` as a user runs it, limited to MEMORY_CAP of address space."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "check_compliance", *args], stdin=stdin if stdin is not None else subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace", env=environment, preexec_fn=_cap, timeout=GUARD_SECONDS, check=False)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 2 with an input error naming `words`, and no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout[-2000:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr[-3000:]
    for word in words:
        assert word in result.stderr, (word, result.stderr[-3000:])
    return result.stderr


def document(**complaint: Any) -> dict:
    """The clean records with their complaint changed by `complaint` (None removes a field)."""
    doc = json.loads(json.dumps(CLEAN))
    target = doc["complaints"][0]
    for key, value in complaint.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return doc


def jsonl(doc: dict) -> str:
    """The same records as JSON Lines."""
    contract = doc.get("contract")
    lines: list = [{"type": "contract", **contract, **({"as_of": doc["as_of"]} if "as_of" in doc else {})} if isinstance(contract, dict) else contract]
    for name in ("channels", "complaints", "evaluations", "reports", "disclosures"):
        records = doc.get(name) or []
        lines += [{"type": name[:-1], **record} if isinstance(record, dict) else record for record in (records if isinstance(records, list) else [records])]
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
