"""Fixtures shared by the tests; helpers live in `support.py` (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import pytest

from check_compliance import Checker


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()
