"""Driver packages name their classes up front but import each module on first use, so that
importing `drivers.cameras` does not load OpenCV, nor `drivers.scanners` evdev."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_attributes(package: str, table: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `name` from `package.<table[name]>` when asked."""
    def attribute(name: str) -> Any:
        if name in table:
            return getattr(import_module(f"{package}.{table[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return attribute
