"""Sound: queue-call announcements built offline from espeak-ng clips, played through ALSA.

See base.py for the player API and announcer.py for how an announcement is put together.
"""

from importlib import import_module

from drivers.audio.base import AudioError, AudioPlayer, NoAudioDevice

_LAZY = {
    "AlsaPlayer": "alsa", "FakePlayer": "fake",
    "Announcer": "announcer", "Announcement": "announcer", "call_words": "announcer",
    "ClipCache": "clips", "EspeakSynthesiser": "clips",
}
__all__ = ["AudioError", "AudioPlayer", "NoAudioDevice", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"drivers.audio.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'drivers.audio' has no attribute {name!r}")
