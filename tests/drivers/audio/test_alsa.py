"""AlsaPlayer with stand-in aplay scripts (no sound is ever made by the tests) and, where
ALSA's "null" device works, the real aplay."""

import shutil
import subprocess
import textwrap

import pytest

from drivers.audio import AlsaPlayer, AudioError, NoAudioDevice
from drivers.audio.clips import silence, write_wav


def script(tmp_path, body, name="aplay"):
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def wav(tmp_path):
    return write_wav(tmp_path / "beep.wav", silence(0.05))


def test_command_line():
    assert AlsaPlayer().command("/x.wav") == ["aplay", "-q", "/x.wav"]
    assert AlsaPlayer("plughw:1,0").command("-") == ["aplay", "-q", "-D", "plughw:1,0", "-"]


def test_a_file_is_passed_by_path_and_bytes_through_stdin(tmp_path, wav):
    aplay = script(tmp_path, f"""\
        echo "$@" >> {tmp_path}/args
        [ "$4" = "-" ] && cat > {tmp_path}/stdin
        exit 0
        """)
    player = AlsaPlayer("hw:0,0", aplay=aplay)
    player.play(wav)
    player.play(wav.read_bytes())
    assert (tmp_path / "args").read_text().splitlines() == [f"-q -D hw:0,0 {wav}", "-q -D hw:0,0 -"]
    assert (tmp_path / "stdin").read_bytes() == wav.read_bytes()


def test_no_sound_card_is_reported_as_no_audio_device(tmp_path, wav):
    aplay = script(tmp_path, """\
        echo "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default" >&2
        echo "aplay: main:831: audio open error: No such file or directory" >&2
        exit 1
        """)
    with pytest.raises(NoAudioDevice) as err:
        AlsaPlayer(aplay=aplay).play(wav)
    assert str(err.value).startswith("Không có thiết bị âm thanh / No audio device")
    assert "audio open error" in err.value.en


def test_other_failures_are_playback_errors(tmp_path, wav):
    aplay = script(tmp_path, 'echo "aplay: test_wavefile: invalid file format" >&2; exit 1\n')
    with pytest.raises(AudioError) as err:
        AlsaPlayer(aplay=aplay).play(wav)
    assert not isinstance(err.value, NoAudioDevice)
    assert err.value.vi == "Phát âm thanh thất bại"


def test_availability_from_the_card_list(tmp_path):
    none = script(tmp_path, 'echo "aplay: device_list:274: no soundcards found..." >&2\n')
    ok, why = AlsaPlayer(aplay=none).available()
    assert not ok
    assert why.startswith("Không có thiết bị âm thanh / No audio device")
    card = script(tmp_path, 'echo "card 0: PCH [HDA Intel PCH], device 0: ALC"\n', name="ap2")
    assert AlsaPlayer(aplay=card).available() == (True, "")


def test_missing_aplay_names_the_package(tmp_path, wav):
    player = AlsaPlayer(aplay=str(tmp_path / "missing-aplay"))
    with pytest.raises(AudioError) as err:
        player.play(wav)
    assert "alsa-utils" in str(err.value)
    assert player.available()[0] is False


def test_a_hung_player_is_killed(tmp_path, wav):
    aplay = script(tmp_path, "exec sleep 5\n")
    with pytest.raises(AudioError) as err:
        AlsaPlayer(aplay=aplay, timeout=0.05).play(wav)
    assert "hung" in err.value.en


def test_a_missing_file(tmp_path):
    with pytest.raises(AudioError) as err:
        AlsaPlayer().play(tmp_path / "nope.wav")
    assert "not found" in err.value.en


def null_device_works():
    if shutil.which("aplay") is None:
        return False
    done = subprocess.run(["aplay", "-q", "-D", "null", "-d", "1", "/dev/zero"],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not null_device_works(), reason="aplay with ALSA's null device unavailable")
def test_real_aplay_on_the_null_device(wav):
    player = AlsaPlayer("null")
    player.play(wav)
    player.play(wav.read_bytes())
