"""Word clips for announcements: synthesised once with espeak-ng, kept in a cache folder.

Announcements are put together from clips rather than synthesised whole each time, so a call
costs no synthesis at all once the few dozen clips exist (letters, digits, number words, the
fixed phrases, a chime), and a centre may replace any clip with a recording of a real voice by
dropping `<key>.wav` into a `recorded` folder. Everything is converted to one format (mono,
16-bit, 22 050 Hz — espeak-ng's own) so clips can be joined sample for sample.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drivers.audio.base import AudioError

SAMPLE_RATE = 22_050


@dataclass(frozen=True)
class Pcm:
    """Mono signed 16-bit samples at `rate` Hz."""

    samples: np.ndarray
    rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


def read_wav(path: str | Path) -> Pcm:
    """Any PCM WAV (8/16/32-bit, mono or stereo) as mono 16-bit at the file's rate."""
    with wave.open(str(path), "rb") as wav:
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width == 1:  # 8-bit WAV is unsigned
        data = (np.frombuffer(raw, np.uint8).astype(np.int32) - 128) << 8
    elif width in (2, 4):
        data = np.frombuffer(raw, f"<i{width}").astype(np.int64) >> (8 * (width - 2))
    else:
        raise AudioError(f"Tệp âm thanh {path} có định dạng không hỗ trợ",
                         f"{path}: unsupported {8 * width}-bit WAV")
    mono = data.reshape(-1, channels).mean(axis=1)
    return Pcm(np.clip(mono, -32768, 32767).astype(np.int16), rate)


def write_wav(path: str | Path, pcm: Pcm) -> Path:
    """Write atomically: a kiosk reading the cache never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(pcm.rate)
            wav.writeframes(pcm.samples.astype("<i2").tobytes())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def resample(pcm: Pcm, rate: int = SAMPLE_RATE) -> Pcm:
    """Linear interpolation: plenty for speech clips recorded at 44.1/48 kHz."""
    if pcm.rate == rate or not len(pcm.samples):
        return Pcm(pcm.samples, rate)
    count = max(1, round(len(pcm.samples) * rate / pcm.rate))
    positions = np.linspace(0, len(pcm.samples) - 1, count)
    samples = np.interp(positions, np.arange(len(pcm.samples)), pcm.samples)
    return Pcm(samples.round().astype(np.int16), rate)


def trim(pcm: Pcm, threshold: float = 0.02, margin: float = 0.015) -> Pcm:
    """Cut leading/trailing near-silence; the announcer puts its own gaps between clips."""
    loud = np.flatnonzero(np.abs(pcm.samples.astype(np.int32)) > threshold * 32767)
    if not len(loud):
        return pcm
    pad = int(margin * pcm.rate)
    start, end = max(loud[0] - pad, 0), min(loud[-1] + pad + 1, len(pcm.samples))
    return Pcm(pcm.samples[start:end], pcm.rate)


def normalise(pcm: Pcm, peak: float = 0.8) -> Pcm:
    """Scale to a common peak so no word of an announcement is quieter than the others."""
    top = int(np.abs(pcm.samples.astype(np.int32)).max(initial=0))
    if top == 0:
        return pcm
    scaled = pcm.samples.astype(np.float64) * (peak * 32767 / top)
    return Pcm(scaled.round().astype(np.int16), pcm.rate)


def silence(seconds: float, rate: int = SAMPLE_RATE) -> Pcm:
    return Pcm(np.zeros(int(seconds * rate), np.int16), rate)


def chime(rate: int = SAMPLE_RATE) -> Pcm:
    """A two-note "ding-dong" (E6 then C6) to make people look up before the voice starts."""
    parts = [_bell(1318.5, 0.45, rate), _bell(1046.5, 0.7, rate)]
    return Pcm((np.concatenate(parts) * 0.45 * 32767).astype(np.int16), rate)


def _bell(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    tone = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2 * freq * t)
    attack = np.minimum(t / 0.005, 1.0)  # 5 ms fade-in: no click
    return tone / 1.3 * attack * np.exp(-t * 5.0)


def concatenate(parts: Iterable[Pcm], rate: int = SAMPLE_RATE) -> Pcm:
    return Pcm(np.concatenate([resample(p, rate).samples for p in parts]), rate)


class EspeakSynthesiser:
    """`espeak-ng -v vi -w out.wav text` (offline, Debian package espeak-ng)."""

    def __init__(self, voice: str = "vi", speed: int = 140, pitch: int = 50,
                 amplitude: int = 70, executable: str = "espeak-ng") -> None:
        # Amplitude below espeak-ng's 100: at 100 some Vietnamese syllables clip.
        self.voice, self.speed, self.pitch, self.amplitude = voice, speed, pitch, amplitude
        self.executable = executable

    @functools.cached_property
    def identity(self) -> str:
        """Part of every cache key: a new voice, speed or espeak-ng version gets new clips."""
        return f"{self.version()}|{self.voice}|{self.speed}|{self.pitch}|{self.amplitude}"

    def version(self) -> str:
        try:
            done = subprocess.run([self.executable, "--version"], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _synthesis_failed("--version", str(exc)) from exc
        return done.stdout.strip()

    def __call__(self, text: str, out: Path) -> None:
        command = [self.executable, "-v", self.voice, "-s", str(self.speed),
                   "-p", str(self.pitch), "-a", str(self.amplitude), "-w", str(out), text]
        try:
            done = subprocess.run(command, capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise _synthesis_failed(text, str(exc)) from exc
        if done.returncode != 0 or not out.exists():
            raise _synthesis_failed(text, done.stderr.decode("utf-8", "replace").strip())


def _synthesis_failed(text: str, detail: str) -> AudioError:
    return AudioError(f"Không tạo được giọng đọc cho “{text}”",
                      f"Speech synthesis failed for {text!r}: {detail}")


Synthesiser = Callable[[str, Path], None]


class ClipCache:
    """Clips by key: a recording if one exists, else a cached synthesis, else synthesise now."""

    def __init__(self, folder: str | Path, synthesiser: Synthesiser | None = None,
                 recorded: Iterable[str | Path] = (), rate: int = SAMPLE_RATE) -> None:
        self.folder = Path(folder)
        self.synthesiser = synthesiser or EspeakSynthesiser()
        self.recorded = [Path(p) for p in recorded]
        self.rate = rate
        self.synthesised = 0  # clips made by the synthesiser since this cache was created
        self._memory: dict[Path, Pcm] = {}
        self._lock = threading.Lock()

    def clip(self, key: str, text: str) -> Pcm:
        """The clip for `key`, whose words are `text` (what the synthesiser says)."""
        for folder in self.recorded:
            if (folder / f"{key}.wav").is_file():
                return self._load(folder / f"{key}.wav", trimmed=True)
        path = self.path_for(key, text)
        with self._lock:  # two threads asking for a new clip synthesise it once
            if not path.is_file():
                self._synthesise(text, path)
        return self._load(path, trimmed=False)

    def chime(self) -> Pcm:
        recorded = [f / "chime.wav" for f in self.recorded if (f / "chime.wav").is_file()]
        return self._load(recorded[0], trimmed=False) if recorded else chime(self.rate)

    def path_for(self, key: str, text: str) -> Path:
        digest = hashlib.sha1(f"{self._identity()}|{self.rate}|{text}".encode()).hexdigest()
        return self.folder / "clips" / f"{_slug(key)}-{digest[:12]}.wav"

    def signature(self) -> str:
        """Changes whenever any clip may sound different: voice, rate, or a new recording."""
        recordings = sorted((str(p), p.stat().st_mtime_ns) for folder in self.recorded
                            for p in folder.glob("*.wav"))
        return f"{self._identity()}|{self.rate}|{recordings}"

    def _identity(self) -> str:
        return str(getattr(self.synthesiser, "identity", type(self.synthesiser).__name__))

    def _synthesise(self, text: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            raw = Path(tmp) / "raw.wav"
            self.synthesiser(text, raw)
            write_wav(path, normalise(trim(resample(read_wav(raw), self.rate))))
        self.synthesised += 1

    def _load(self, path: Path, trimmed: bool) -> Pcm:
        if path not in self._memory:
            pcm = resample(read_wav(path), self.rate)
            self._memory[path] = trim(pcm) if trimmed else pcm
        return self._memory[path]


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "clip"
