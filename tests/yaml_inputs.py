"""Test helpers for the YAML files a check reads (rules, terms, waivers, mappings): writing them,
running the CLI on them, and asserting a clean refusal."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from check_compliance.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample-month.json"
RULES = ROOT / "rules"
MAPPINGS = ROOT / "mappings"
KINDS = ("rules", "terms", "waivers", "mapping")

WAIVER = """waivers:
  - rule: first-response
    subject: C-0102
    reason: Customer asked to be called back after the holiday
    approved_by: Li Wei (compliance)
    expires: 2026-12-31
"""

# Nine lines that expand to 9**9 strings, the YAML "billion laughs".
BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def refused(result: Result, *words: str) -> str:
    """The output of a run that could not be made: exit 2, no traceback, not an internal error, every word in it."""
    output = result.output
    assert result.exit_code == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    for word in words:
        assert word in output, f"{word!r} not in {output!r}"
    return output


def rules_dir(tmp_path: Path, edit: Callable[[str], str] = lambda text: text, name: str = "complaints.yaml") -> Path:
    """A copy of the shipped rulebook, with rule file `name` edited."""
    target = tmp_path / "rules"
    target.mkdir()
    for path in RULES.glob("*.yaml"):
        if path.name != "terms.yaml":
            shutil.copy(path, target / path.name)
    (target / name).write_text(edit((RULES / name).read_text(encoding="utf-8")), encoding="utf-8")
    return target


def mapping_file(tmp_path: Path, edit: Callable[[str], str] = lambda text: text) -> Path:
    """A copy of the shipped IT-ticket mapping (and its files), edited."""
    for name in ("it-tickets.csv", "it-departments.csv"):
        shutil.copy(MAPPINGS / name, tmp_path / name)
    path = tmp_path / "it-tickets.yaml"
    path.write_text(edit((MAPPINGS / "it-tickets.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def write(tmp_path: Path, kind: str, body: Any) -> tuple[Path, list[str]]:
    """A file of `kind` holding `body` (text or bytes) and the CLI arguments that read it.

    Rules: `body` replaces complaints.yaml of a copy of the rulebook; mapping: the mapping file.
    """
    if kind == "rules":
        directory = rules_dir(tmp_path)
        path = directory / "complaints.yaml"
        args = [str(SAMPLE), "--rules", str(directory)]
    elif kind == "mapping":
        path = mapping_file(tmp_path)
        args = ["--mapping", str(path)]
    else:
        path = tmp_path / f"{kind}.yaml"
        args = [str(SAMPLE), f"--{kind}", str(path)]
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path, args


def load(kind: str, path: Path) -> Any:
    """Load a file of `kind` through the library (rules: the directory holding it)."""
    from check_compliance import load_rulebook, load_terms
    from check_compliance.obligations.exports import load_mapping
    from check_compliance.obligations.waivers import load_waivers

    loaders: dict[str, Callable[[Path], Any]] = {"rules": lambda p: load_rulebook(p.parent), "terms": load_terms, "waivers": load_waivers, "mapping": load_mapping}
    return loaders[kind](path)


def error_class(kind: str) -> type:
    from check_compliance.obligations.errors import MappingError, RulebookError, TermsError, WaiverError

    return {"rules": RulebookError, "terms": TermsError, "waivers": WaiverError, "mapping": MappingError}[kind]
