"""User-facing messages of the counter: Vietnamese first, English beside it.

The clerk reads the first half; the technician greps the log for the second. Every problem the
core reports is a `CounterError` (or a backend `ApiError`; both are `BilingualError`s), so a
screen can always show both without knowing where the problem came from.
"""

from __future__ import annotations

from drivers.message import BilingualError, Message

Msg = Message  # the counter's short name for the shared message type


class CounterError(BilingualError):
    """A problem the clerk must see; `key` is stable for tests and logs."""

    def __init__(self, vi: str, en: str, key: str = "error", field: str | None = None) -> None:
        super().__init__(vi, en, key=key)
        self.field = field

    @property
    def msg(self) -> Msg:
        return self.message


class OfflineError(CounterError):
    """The backend cannot be reached (or the clerk switched the station offline)."""

    def __init__(self, vi: str = "Đang mất kết nối máy chủ",
                 en: str = "The server cannot be reached") -> None:
        super().__init__(vi, en, key="offline")


as_msg = Message.of  # any error's message, in both languages
