import threading
import time
import wave

import numpy as np
import pytest

from drivers.audio import AudioError, FakePlayer, NoAudioDevice
from drivers.audio.announcer import (
    CHIME,
    PAUSE,
    REPEAT,
    Announcer,
    call_words,
    number_words,
    ticket_words,
    vocabulary,
)
from drivers.audio.clips import ClipCache, EspeakSynthesiser, Pcm, read_wav, write_wav

ONE_PASS = ["Xin mời số thứ tự", "a", "không", "một", "hai", "đến quầy số", "ba"]


# --- what is said --------------------------------------------------------------------------

def test_the_call_from_the_brief(tone_cache):
    assert Announcer(tone_cache).tokens("A012", 3) == ONE_PASS


@pytest.mark.parametrize(("ticket", "said"), [
    ("A-012", ["a", "không", "một", "hai"]),
    ("b7", ["bê", "bảy"]),
    ("Đ100", ["đê", "một", "không", "không"]),
    ("X 09", ["ích xì", "không", "chín"]),
])
def test_ticket_letters_by_name_and_digits_one_by_one(ticket, said):
    assert [w.text for w in ticket_words(ticket)] == said


def test_a_ticket_with_nothing_to_say_is_refused():
    with pytest.raises(ValueError):
        ticket_words("--")


@pytest.mark.parametrize(("n", "said"), [
    (0, "không"), (3, "ba"), (10, "mười"), (11, "mười một"), (15, "mười lăm"),
    (20, "hai mươi"), (21, "hai mươi mốt"), (24, "hai mươi tư"), (25, "hai mươi lăm"),
    (37, "ba mươi bảy"), (99, "chín mươi chín"), (105, "một không năm"),
])
def test_counter_numbers_are_said_as_numbers(n, said):
    assert " ".join(w.text for w in number_words(n)) == said


def test_the_comma_is_a_pause():
    assert PAUSE in call_words("A012", 3)


def test_vocabulary_covers_every_word_of_any_call():
    keys = {w.key for w in vocabulary()}
    for ticket, counter in [("A012", 3), ("Z999", 45), ("Đ001", 21), ("Q5", 14)]:
        assert {w.key for w in call_words(ticket, counter) if w != PAUSE} <= keys


# --- building from cached clips (tone synthesiser) ----------------------------------------------

def test_clips_are_synthesised_once_and_then_reused(tone_cache, tones):
    announcer = Announcer(tone_cache)
    announcer.build("A012", 3)
    first = len(tones.calls)
    assert first == len(set(ONE_PASS))
    announcer.build("A021", 3)  # same words, other order: no new clip, a new WAV
    announcer.build("A012", 3)
    assert len(tones.calls) == first
    again = Announcer(ClipCache(tone_cache.folder, tones))  # after a restart: clips on disk
    again.build("A120", 3)
    assert len(tones.calls) == first


def test_warm_up_makes_every_clip_once(tone_cache, tones):
    announcer = Announcer(tone_cache)
    assert announcer.warm_up() == len(vocabulary())
    assert announcer.warm_up() == 0
    announcer.build("W987", 64)
    assert len(tones.calls) == len(vocabulary())


def test_the_two_passes_are_the_same_sound(tone_cache):
    one = Announcer(tone_cache, repeat=1, chime=False).build("A012", 3)
    two = Announcer(tone_cache, repeat=2, chime=False, repeat_gap=0.5).build("A012", 3)
    first, second = read_wav(one.path).samples, read_wav(two.path).samples
    gap = int(0.5 * 22050)
    assert len(second) == 2 * len(first) + gap
    assert np.array_equal(second[: len(first)], first)
    assert np.array_equal(second[len(first) + gap:], first)
    assert not second[len(first): len(first) + gap].any()


def test_a_recorded_clip_replaces_the_synthesised_one(tmp_path, tones):
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    t = np.arange(2 * 44100) / 44100  # 2 s at 44.1 kHz stereo: converted on the way in
    stereo = np.repeat((np.sin(2 * np.pi * 440 * t) * 9000).astype(np.int16), 2)
    with wave.open(str(recorded / "phrase-call.wav"), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(stereo.astype("<i2").tobytes())
    plain = Announcer(ClipCache(tmp_path / "a", tones)).build("A1", 1)
    cache = ClipCache(tmp_path / "a", tones, recorded=[recorded])
    voiced = Announcer(cache).build("A1", 1)
    phrase = cache.clip("phrase-call", "Xin mời số thứ tự")
    assert (phrase.rate, round(phrase.duration, 2)) == (22050, 2.0)
    assert voiced.path != plain.path  # a new recording means a new announcement WAV
    assert voiced.duration - plain.duration == pytest.approx(2 * (2.0 - 0.95), abs=0.1)


def test_only_the_newest_announcements_are_kept(tone_cache):
    announcer = Announcer(tone_cache, keep=2)
    paths = []
    for ticket in ("A001", "A002", "A003", "A004"):
        paths.append(announcer.build(ticket, 1).path)
        time.sleep(0.01)  # distinct modification times
    assert sorted(p.name for p in announcer.folder.glob("*.wav")) == sorted(
        p.name for p in paths[2:])


def test_a_missing_synthesiser_is_a_bilingual_error(tmp_path):
    cache = ClipCache(tmp_path, EspeakSynthesiser(executable=str(tmp_path / "no-espeak")))
    with pytest.raises(AudioError) as err:
        cache.clip("digit-1", "một")
    assert err.value.vi.startswith("Không tạo được giọng đọc")
    assert "Speech synthesis failed" in err.value.en


def test_write_wav_is_atomic_and_round_trips(tmp_path):
    pcm = Pcm(np.array([0, 1000, -1000, 32767, -32768], np.int16))
    path = write_wav(tmp_path / "x.wav", pcm)
    assert np.array_equal(read_wav(path).samples, pcm.samples)
    assert [p.name for p in tmp_path.iterdir()] == ["x.wav"]


# --- playing -------------------------------------------------------------------------------

def test_announce_plays_the_built_wav(tone_cache):
    player = FakePlayer()
    announcement = Announcer(tone_cache, player).announce("A012", 3)
    assert player.played == [announcement.path.read_bytes()]
    assert player.sources == [announcement.path]


def test_queued_announcements_play_in_order_on_one_worker(tone_cache):
    player = FakePlayer()
    with Announcer(tone_cache, player) as announcer:
        for ticket in ("A001", "A002", "A003"):
            assert announcer.announce(ticket, 2, wait=False) is None
    assert [p.name for p in player.sources] == [
        Announcer(tone_cache).build(t, 2).path.name for t in ("A001", "A002", "A003")]
    assert not any(t.name == "announcer" for t in threading.enumerate())


def test_a_failing_player_reports_through_on_error(tone_cache):
    player, errors = FakePlayer(), []
    player.fail = NoAudioDevice()
    with Announcer(tone_cache, player, on_error=errors.append) as announcer:
        announcer.announce("A001", 1, wait=False)
    assert [str(e) for e in errors] == ["Không có thiết bị âm thanh / No audio device"]
    with pytest.raises(NoAudioDevice):
        Announcer(tone_cache, player).announce("A001", 1)


# --- the real voice ----------------------------------------------------------------------------

def test_real_espeak_announcement(espeak_folder):
    announcer = Announcer(ClipCache(espeak_folder), FakePlayer())
    started = time.monotonic()
    announcement = announcer.build("A012", 3)
    first_build = time.monotonic() - started
    assert announcement.tokens == ONE_PASS
    assert announcement.sequence == [CHIME, *ONE_PASS[:5], PAUSE, *ONE_PASS[5:], REPEAT,
                                     *ONE_PASS[:5], PAUSE, *ONE_PASS[5:]]
    assert announcement.spoken == ONE_PASS * 2
    with wave.open(str(announcement.path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    assert 7.0 < announcement.duration < 18.0  # chime + two passes of about 4-6 s
    assert first_build < 10

    started = time.monotonic()
    again = Announcer(ClipCache(espeak_folder)).build("A012", 3)
    assert time.monotonic() - started < 0.2  # the WAV itself is cached
    assert again.path == announcement.path


def test_real_espeak_clips_are_speech_not_silence(espeak_folder):
    cache = ClipCache(espeak_folder)
    for word in ("Xin mời số thứ tự", "không", "ba"):
        clip = cache.clip(f"check-{len(word)}", word)
        assert 0.1 < clip.duration < 3.0
        assert np.abs(clip.samples).max() > 10000
