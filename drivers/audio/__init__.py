"""Sound: queue-call announcements built offline from espeak-ng clips, played through ALSA.

See base.py for the player API and announcer.py for how an announcement is put together.
"""

from drivers.audio.base import AudioError, AudioPlayer, NoAudioDevice
from drivers.lazy import lazy_attributes

_LAZY = {
    "AlsaPlayer": "alsa", "FakePlayer": "fake",
    "Announcer": "announcer", "Announcement": "announcer", "call_words": "announcer",
    "ClipCache": "clips", "EspeakSynthesiser": "clips",
}
__all__ = ["AudioError", "AudioPlayer", "NoAudioDevice", *_LAZY]


__getattr__ = lazy_attributes(__name__, _LAZY)
