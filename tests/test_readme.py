"""The README's examples stay true: its YAML parses, its terms and waivers files load."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from engine import Checker, load_rulebook, load_terms
from obligations.waivers import check_waivers_against, load_waivers

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def _block(marker: str) -> str:
    return next(b for b in BLOCKS if marker in b)


def test_every_yaml_block_parses() -> None:
    assert len(BLOCKS) >= 4
    for block in BLOCKS:
        yaml.safe_load(block)


def test_the_terms_example_loads_and_binds_to_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "terms.yaml"
    path.write_text(_block("calendars:\n  support:"), encoding="utf-8")
    Checker(load_rulebook(), load_terms(path))


def test_the_terms_example_is_the_fixture() -> None:
    fixture = (Path(__file__).resolve().parents[1] / "fixtures" / "terms-business-hours.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(_block("calendars:\n  support:"))["calendars"] == yaml.safe_load(fixture)["calendars"]


def test_the_waivers_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(_block("waivers:"), encoding="utf-8")
    waivers = load_waivers(path)
    assert len(waivers) == 1
    assert check_waivers_against(waivers, [r.id for r in load_rulebook().rules]) == []
