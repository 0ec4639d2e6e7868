"""`with thing:` closes the thing at the end — the one context-manager shape shared by devices,
their simulators and stations, as `io.IOBase` gives it to every file."""

from __future__ import annotations

from typing import Self


class Closing:
    """For a class with a `close()`: entering a `with` block gives the object, leaving closes it."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
