"""Reading the status aloud: the setting turns a button on; the name is never said."""

import shutil
import wave
from typing import ClassVar

import pytest

from drivers.audio import FakePlayer, NoAudioDevice
from kiosk_app.devices import Hardware
from kiosk_app.speech import Speaker, make_speaker, spoken_when, status_sentence
from kiosk_app.views import status_view
from tests.kiosk_app.conftest import MASKED, run_until, settle


class FakeSynthesiser:
    """Writes a short silent WAV and keeps what it was asked to say, per language."""

    said: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, text: str, out) -> None:
        FakeSynthesiser.said.append((self.lang, text))
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(16000)
            wav.writeframes(b"\0\0" * 160)


@pytest.fixture
def speaking_kiosk(make_kiosk, admin, mono):
    FakeSynthesiser.said = []
    speaker = Speaker(FakePlayer(), synthesiser_for=FakeSynthesiser)
    kiosk = make_kiosk(hardware=Hardware(speaker=speaker))
    admin.set_device_settings("kiosk-1", read_aloud=True)
    mono.advance(61)
    run_until(kiosk, lambda: kiosk.settings.read_aloud)
    return kiosk


def test_the_read_aloud_button_says_the_status_but_not_the_name(speaking_kiosk, new_case):
    kiosk = speaking_kiosk
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, lambda: kiosk.state.screen == "status" and not kiosk.busy)
    assert kiosk.state.read_aloud and kiosk.state.case.applicant == MASKED
    kiosk.read_aloud()
    settle(kiosk)
    (lang, text), = FakeSynthesiser.said
    assert lang == "vi" and text.startswith("Tình trạng hồ sơ: Được tiếp nhận.")
    assert "17 giờ 0 phút, ngày 27 tháng 11 năm 2026" in text and "Nguyễn" not in text
    assert len(kiosk.hardware.speaker.player.played) == 1
    kiosk.toggle_language()
    kiosk.read_aloud()
    settle(kiosk)
    assert FakeSynthesiser.said[-1][0] == "en" and "27 November 2026" in FakeSynthesiser.said[-1][1]


def test_no_speaker_or_setting_means_no_button(kiosk, new_case):
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, lambda: kiosk.state.screen == "status" and not kiosk.busy)
    assert not kiosk.state.read_aloud
    kiosk.read_aloud()  # ignored
    assert not kiosk.busy


def test_a_missing_sound_card_is_said_on_screen(speaking_kiosk, new_case):
    kiosk = speaking_kiosk
    kiosk.hardware.speaker.player.fail = NoAudioDevice("hw:0")
    kiosk.scanned(new_case["qr"])
    run_until(kiosk, lambda: kiosk.state.screen == "status" and not kiosk.busy)
    kiosk.read_aloud()
    settle(kiosk)
    assert kiosk.state.notice.vi == "Không có thiết bị âm thanh"


def test_sentences_and_speaker_specs():
    view = status_view({"code": "X", "status": "resolved", "late": True,
                        "return_channel": "counter", "procedure": "P"})
    assert status_sentence(view, "en") == ("Case status: Resolved. Late. "
                                           "The result is ready. At the one-stop counter.")
    assert spoken_when("từ 09:05 03/01/2027", "vi") == "từ 9 giờ 5 phút, ngày 3 tháng 1 năm 2027"
    assert make_speaker("none") is None and isinstance(make_speaker("fake").player, FakePlayer)
    with pytest.raises(ValueError, match="Loa không rõ / unknown audio"):
        make_speaker("bluetooth")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng (apt) not installed")
def test_espeak_really_speaks_vietnamese():
    player = FakePlayer()
    Speaker(player).say("Tình trạng hồ sơ: Đang xử lý.", "vi")
    assert player.played and player.played[0][:4] == b"RIFF"
