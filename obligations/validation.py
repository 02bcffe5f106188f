"""Turning pydantic's errors on YAML data into `Problem`s at `file:line:col`, with suggestions."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pydantic import BaseModel, ValidationError

from check_compliance.obligations.errors import Problem
from check_compliance.obligations.yamlsrc import YamlSource, closest


def yaml_problems(source: YamlSource, error: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = item["loc"]
        message = item["msg"].removeprefix("Value error, ")
        suggestion = getattr((item.get("ctx") or {}).get("error"), "suggestion", None)
        if item["type"] == "extra_forbidden":
            key = str(loc[-1])
            allowed = _allowed_keys(model, loc[:-1]) if model else []
            suggestion = closest(key, allowed)
            message = f"unknown key {key!r}" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif item["type"] == "missing":
            message = f"required key {loc[-1]!r} is missing"
        elif "input" in item and not isinstance(item["input"], (dict, list)) and "got " not in message:
            message += f", got {json.dumps(item['input'], ensure_ascii=False, default=str)}"
        problems.append(source.problem(loc, message, key=item["type"] == "extra_forbidden", suggestion=suggestion))
    return problems


def _allowed_keys(model: type[BaseModel], loc: Iterable) -> list[str]:
    """The keys allowed where `loc` points, following fields, list items and union tags."""
    candidates = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        tagged = [m for m in candidates if _tag(m) == part]
        if tagged:
            candidates = tagged
            continue
        followed = [m.model_fields[part].annotation for m in candidates if part in m.model_fields]
        candidates = [inner for annotation in followed for inner in _models_in(annotation)]
    return sorted({f.alias or name for m in candidates for name, f in m.model_fields.items()})


def _tag(model: type[BaseModel]) -> object:
    field = model.model_fields.get("kind")
    return field.default if field else None


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) or () for m in _models_in(arg)] + [
        m for meta in getattr(annotation, "__metadata__", ()) or () for m in _models_in(meta)
    ]
