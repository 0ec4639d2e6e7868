"""User-facing messages of the counter: Vietnamese first, English beside it.

The clerk reads the first half; the technician greps the log for the second. Every problem the
core reports is a `CounterError` (or a backend `ApiError`, which has the same `vi`/`en` pair), so
a screen can always show both without knowing where the problem came from.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Msg:
    vi: str
    en: str
    level: str = "info"  # info, ok, warning, error

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"


class CounterError(Exception):
    """A problem the clerk must see; `key` is stable for tests and logs."""

    def __init__(self, vi: str, en: str, key: str = "error", field: str | None = None) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en, self.key, self.field = vi, en, key, field

    @property
    def msg(self) -> Msg:
        return Msg(self.vi, self.en, "error")


class OfflineError(CounterError):
    """The backend cannot be reached (or the clerk switched the station offline)."""

    def __init__(self, vi: str = "Đang mất kết nối máy chủ",
                 en: str = "The server cannot be reached") -> None:
        super().__init__(vi, en, key="offline")


def as_msg(error: Exception, level: str = "error") -> Msg:
    """Any error with a vi/en pair (CounterError, ApiError, PrinterError, DisplayError)."""
    vi, en = getattr(error, "vi", None), getattr(error, "en", None)
    if vi and en:
        return Msg(vi, en, level)
    return Msg("Lỗi không mong đợi: " + str(error), "Unexpected error: " + str(error), level)


def bilingual(text: str, level: str = "info") -> Msg:
    """Split a driver's 'vi / en' string back into its halves."""
    vi, sep, en = text.partition(" / ")
    return Msg(vi, en if sep else vi, level)
