"""What every sound output looks like to the apps: `AudioPlayer`, and the audio errors.

Errors carry Vietnamese first and English beside it ("Không có thiết bị âm thanh / No audio
device"), like every device error in motcua: the clerk reads the first half, the log the second.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from drivers.message import BilingualError

Sound = str | Path | bytes  # a WAV file's path, or a whole WAV file's bytes


class AudioError(BilingualError):
    """Sound could not be made or played; `vi` for the clerk, `en` for the log."""

    key = "audio_error"


class NoAudioDevice(AudioError):
    """No sound card, or the configured ALSA device does not exist."""

    def __init__(self, detail: str = "") -> None:
        tail = f": {detail}" if detail else ""
        super().__init__("Không có thiết bị âm thanh", f"No audio device{tail}")


class AudioPlayer(ABC):
    """Plays WAV sounds, one at a time, returning when the sound has finished."""

    @abstractmethod
    def play(self, sound: Sound) -> None:
        """Play a WAV file (path) or WAV bytes; raises `AudioError` if it cannot."""

    def available(self) -> tuple[bool, str]:
        """(True, "") if sound can be played here, else (False, the reason)."""
        return True, ""
