"""A player that plays nothing and keeps what it was asked to play, for tests and laptops."""

from __future__ import annotations

import threading
from pathlib import Path

from drivers.audio.base import AudioError, AudioPlayer, Sound


class FakePlayer(AudioPlayer):
    """Keeps every sound as WAV bytes (`played`) and where it came from (`sources`).

    Set `fail` to an `AudioError` (e.g. `NoAudioDevice()`) to make `play` raise it.
    """

    def __init__(self) -> None:
        self.played: list[bytes] = []
        self.sources: list[Path | None] = []
        self.fail: AudioError | None = None
        self._lock = threading.Lock()

    def play(self, sound: Sound) -> None:
        if self.fail is not None:
            raise self.fail
        path = None if isinstance(sound, bytes) else Path(sound)
        data = sound if isinstance(sound, bytes) else Path(sound).read_bytes()
        with self._lock:  # announcements may be played from a worker thread
            self.played.append(data)
            self.sources.append(path)

    def available(self) -> tuple[bool, str]:
        return (False, str(self.fail)) if self.fail is not None else (True, "")
