"""Test helpers: merging records documents and checking them."""

from __future__ import annotations

import copy
from typing import Any

from check_compliance import Checker
from check_compliance.obligations.loading import validate_records

CONTRACT = {"id": "HT-TEST", "effective_on": "2026-01-01", "term_years": 1, "timezone": "Asia/Shanghai"}


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge `patch` into `base`: dicts by key (None deletes), lists of dicts by position."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and all(isinstance(x, dict) for x in base + patch):
        return [merge(base[i], patch[i]) if i < len(base) and i < len(patch) else copy.deepcopy((patch + base)[i] if i < len(patch) else base[i]) for i in range(max(len(base), len(patch)))]
    return copy.deepcopy(patch)


def run(checker: Checker, document: dict, **kwargs):  # type: ignore[no-untyped-def]
    return checker.check(validate_records(document, "<test>"), **kwargs)
