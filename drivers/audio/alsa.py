"""Playing WAV sounds through ALSA with `aplay` (Debian package alsa-utils).

A subprocess rather than a Python audio binding: aplay is on every kiosk image already, handles
every ALSA device name (hw:1,0, plughw:…, dmix, "null" for tests), and a wedged sound driver
can only hang a child process, which a timeout then kills.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from drivers.audio.base import AudioError, AudioPlayer, NoAudioDevice, Sound

# What aplay prints when there is nothing to play on.
_NO_DEVICE_SIGNS = ("no soundcards found", "audio open error", "unknown pcm",
                    "cannot get card index", "no such device")


class AlsaPlayer(AudioPlayer):
    """`aplay -q [-D device]`; `device=None` uses ALSA's default device."""

    def __init__(self, device: str | None = None, *, aplay: str = "aplay",
                 timeout: float = 120.0) -> None:
        self.device = device
        self.aplay = aplay
        self.timeout = timeout

    def command(self, source: str) -> list[str]:
        """The aplay command line for a file path, or "-" to read WAV bytes from stdin."""
        device = ["-D", self.device] if self.device else []
        return [self.aplay, "-q", *device, source]

    def play(self, sound: Sound) -> None:
        if isinstance(sound, bytes):
            self._run(self.command("-"), sound)
        else:
            path = Path(sound)
            if not path.is_file():
                raise AudioError(f"Không tìm thấy tệp âm thanh {path}",
                                 f"Sound file {path} not found")
            self._run(self.command(str(path)), None)

    def available(self) -> tuple[bool, str]:
        if shutil.which(self.aplay) is None:
            return False, str(_missing_aplay(self.aplay))
        if self.device:  # a named device (possibly virtual) cannot be listed with -l
            return True, ""
        listing = self._listing()
        if "no soundcards found" in listing.lower():
            return False, str(NoAudioDevice("no soundcards found"))
        return True, ""

    def _listing(self) -> str:
        try:
            done = subprocess.run([self.aplay, "-l"], capture_output=True, text=True,
                                  timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
        return done.stdout + done.stderr

    def _run(self, command: list[str], stdin: bytes | None) -> None:
        try:
            done = subprocess.run(command, input=stdin, capture_output=True,
                                  timeout=self.timeout, check=False)
        except FileNotFoundError as exc:
            raise _missing_aplay(self.aplay) from exc
        except subprocess.TimeoutExpired as exc:
            raise AudioError("Phát âm thanh bị treo", f"Playback hung for {self.timeout} s"
                             ) from exc
        if done.returncode != 0:
            raise _failure(done.stderr.decode("utf-8", "replace"))


def _missing_aplay(aplay: str) -> AudioError:
    return AudioError("Thiếu chương trình phát âm thanh aplay (gói alsa-utils)",
                      f"{aplay} not found (install alsa-utils)")


def _failure(stderr: str) -> AudioError:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = lines[-1] if lines else "aplay failed"
    if any(sign in stderr.lower() for sign in _NO_DEVICE_SIGNS):
        return NoAudioDevice(detail)
    return AudioError("Phát âm thanh thất bại", f"Playback failed: {detail}")
