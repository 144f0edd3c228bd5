"""Turning a package file's parsed content into a pydantic model, with one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ioi_agent.errors import PackageError

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], data: dict[str, Any], path: Path, fix: Callable[[str], str]) -> M:
    """Validate `data` read from `path`; the first problem becomes a PackageError naming the field.

    `fix` maps the top-level key at fault to the advice shown."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        key = str(err["loc"][0]) if err["loc"] else ""
        message = "missing key" if err["type"] == "missing" else err["msg"]
        raise PackageError(path, message, field=field, fix=fix(key)) from None
