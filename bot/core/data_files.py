"""Loading the project's YAML data files with errors a content editor can act on.

Content, safety rules and labels are data, edited by people who may not read
Python. A mistake must stop start-up with a message naming the file and the field,
not surface later as a KeyError in the middle of a conversation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DataFileError(ValueError):
    """A data file is missing, unreadable or does not match its schema."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path = str(path)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}: field '{field}': {problem}")


def load_yaml(path: Path) -> Any:
    """Parse a YAML file, turning I/O and syntax errors into :class:`DataFileError`."""
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise DataFileError(path, "(file)", "file not found") from None
    except yaml.YAMLError as error:
        raise DataFileError(path, "(file)", f"not valid YAML: {error}") from None


def require(
    mapping: Any, key: str, kind: type | tuple[type, ...], path: Path, where: str = ""
) -> Any:
    """Return ``mapping[key]`` if present, non-empty and of the right type."""
    field = f"{where}.{key}" if where else key
    if not isinstance(mapping, dict):
        raise DataFileError(path, where or "(top level)", "expected a mapping")
    if key not in mapping or mapping[key] in (None, "", [], {}):
        raise DataFileError(path, field, "is required")
    value = mapping[key]
    if not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise DataFileError(path, field, f"expected {expected}, got {type(value).__name__}")
    return value


def optional(
    mapping: dict,
    key: str,
    kind: type | tuple[type, ...],
    default: Any,
    path: Path,
    where: str = "",
) -> Any:
    """Like :func:`require`, but a missing key gives ``default``."""
    if mapping.get(key) in (None, [], {}):
        return default
    return require(mapping, key, kind, path, where)
