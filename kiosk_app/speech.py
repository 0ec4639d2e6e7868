"""Reading the status aloud (a device setting, for citizens who cannot read the screen well).

Only what the screen shows to anyone is said: the status and when and where to collect the
result, never the applicant's name, since a lobby has many ears. Synthesis is espeak-ng through
the audio driver, played on the kiosk's speaker; both run on a worker thread.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from drivers.audio import AudioPlayer
from kiosk_app.strings import msg
from kiosk_app.views import StatusView

_WHEN = re.compile(r"(\d\d):(\d\d) (\d\d)/(\d\d)/(\d{4})")


def spoken_when(text: str, lang: str) -> str:
    """"17:00 27/11/2026" as words a synthesiser reads well."""
    def say(m: re.Match) -> str:
        h, mi, d, mo, y = (int(g) for g in m.groups())
        if lang == "en":
            return f"{h}:{mi:02d} on {d} {_MONTHS[mo - 1]} {y}"
        return f"{h} giờ {mi} phút, ngày {d} tháng {mo} năm {y}"

    return _WHEN.sub(say, text)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def status_sentence(view: StatusView, lang: str) -> str:
    collect = next((value for label, value in view.rows if label == msg("f_collect")), None)
    words = [msg("say_status", status=view.label).text(lang)]
    if view.late:
        words.append(msg("late").text(lang).capitalize() + ".")
    if collect is not None:
        words.append(spoken_when(collect.text(lang), lang) + ".")
    return " ".join(words)


class Speaker:
    """Says a sentence in Vietnamese or English on the kiosk's speaker."""

    def __init__(self, player: AudioPlayer, synthesiser_for=None) -> None:
        from drivers.audio import EspeakSynthesiser

        self.player = player
        self.synthesiser_for = synthesiser_for or (lambda lang: EspeakSynthesiser(voice=lang))

    def say(self, text: str, lang: str) -> None:
        """Blocks until said; raises the driver's AudioError (bilingual) when it cannot."""
        with tempfile.TemporaryDirectory(prefix="kiosk-say-") as folder:
            wav = Path(folder) / "say.wav"
            self.synthesiser_for(lang)(text, wav)
            self.player.play(wav)


def make_speaker(spec: str) -> Speaker | None:
    """none | alsa[:DEVICE] | fake."""
    kind, _, device = spec.partition(":")
    if kind in ("", "none"):
        return None
    if kind == "fake":
        from drivers.audio import FakePlayer

        return Speaker(FakePlayer())
    if kind == "alsa":
        from drivers.audio import AlsaPlayer

        return Speaker(AlsaPlayer(device or None))
    raise ValueError(f"Loa không rõ / unknown audio spec: {spec!r}")
