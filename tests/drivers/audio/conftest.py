import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from drivers.audio.clips import ClipCache


class ToneSynthesiser:
    """Stands in for espeak-ng where only the caching logic is under test: a tone per text,
    longer for longer texts, at espeak's format; counts its calls."""

    identity = "tone-v1"

    def __init__(self):
        self.calls = []

    def __call__(self, text, out):
        self.calls.append(text)
        t = np.arange(int(22050 * (0.1 + 0.05 * len(text)))) / 22050
        pcm = (np.sin(2 * np.pi * (300 + 10 * len(text)) * t) * 12000).astype("<i2")
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(22050)
            wav.writeframes(b"\0" * 2000 + pcm.tobytes() + b"\0" * 2000)


@pytest.fixture
def tones():
    return ToneSynthesiser()


@pytest.fixture
def tone_cache(tmp_path, tones):
    return ClipCache(tmp_path / "voice", tones)


@pytest.fixture(scope="session")
def espeak_folder(tmp_path_factory) -> Path:
    """One real espeak-ng clip cache for the whole run: synthesis is done once, as on a kiosk."""
    # `make test` installs espeak-ng; without it the voice is untested, which must not pass.
    assert shutil.which("espeak-ng"), "espeak-ng is not installed: run `make test` (apt)"
    return tmp_path_factory.mktemp("espeak-cache")
