"""Finding things inside a decoded JSON document: the value at a dotted path, nested objects as
dotted keys, the lists a document holds. A leaf: the readers and the profiles both use it, and
it imports neither.
"""

from __future__ import annotations

from typing import Any

MISSING = object()  # no value at a path


def value_at(document: Any, path: str) -> Any:
    """The value at a dotted path ("data.publisherCommissions.records"), or MISSING."""
    value = document
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return MISSING
        value = value[key]
    return value


def flatten(item: dict) -> dict:
    """Nested objects as dotted keys ({"saleAmount": {"amount": 5}} gives "saleAmount.amount"),
    so --map and profiles can name a field inside one."""
    if not any(isinstance(value, dict) for value in item.values()):
        return item
    flat: dict = {}
    for key, value in item.items():
        if isinstance(value, dict):
            for inner, inner_value in flatten(value).items():
                flat[f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    return flat


def lists_in(document: Any, prefix: str = "", depth: int = 0) -> list[tuple[str, int]]:
    """The dotted paths of the lists of objects inside a document, with their lengths."""
    found: list[tuple[str, int]] = []
    if isinstance(document, dict) and depth < 8:
        for key, value in document.items():
            where = f"{prefix}{key}"
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                found.append((where, len(value)))
            elif isinstance(value, dict):
                found.extend(lists_in(value, where + ".", depth + 1))
    return found
