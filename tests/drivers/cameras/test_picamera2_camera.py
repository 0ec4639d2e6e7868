"""The CSI camera driver: rpicam-vid's MJPEG stream cut into frames, newest frame only, the
tool's failures as bilingual errors, and nothing left running after close().

A fake `rpicam-vid` (a Python script written into tmp_path) stands in for the real tool: it
plays real JPEGs to stdout in chunks of odd sizes with garbage between them, then exits with a
message on stderr, hangs, or loops, as its .json file says. A `paced` fake sends its next
frame only once the test has read the last one (`read_paced`): no frame is lost to a loaded
machine, and none waits for a fixed interval.
"""

import json
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import qrcode

from drivers.cameras.base import CameraError, CameraScanner
from drivers.cameras.decoder import QR, Decoder
from drivers.cameras.picamera2_camera import MjpegSplitter, Picamera2Camera, RpicamError
from drivers.profiles import load_profiles
from tests.drivers.waiting import wait_until

CHUNKS = [1, 7, 4093, 333, 65537, 2, 1021]  # sizes the fake writes its stream in, in turn
GARBAGE = b"\x00junk\xff\xd9\xff\xd8\x00\xff\xff\xd8\x13\x37\xff"  # EOI, half-SOIs, FF runs

FAKE_TOOL = '''#!{python}
"""A stand-in for rpicam-vid that plays JPEG files to stdout; see its .json file."""
import json, os, signal, sys, time
from pathlib import Path

here = Path(__file__)
cfg = json.loads(here.with_name(here.name + ".json").read_text())
Path(cfg["dir"], "argv.json").write_text(json.dumps(sys.argv[1:]))
Path(cfg["dir"], "pid").write_text(str(os.getpid()))
if cfg.get("ignore_term"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if cfg.get("child"):  # a child that inherits stdout, as a wrapper script's tool would
    import subprocess
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    Path(cfg["dir"], "child-pid").write_text(str(child.pid))
for line in cfg.get("stderr_start", []):
    print(line, file=sys.stderr, flush=True)
out, sizes, turn, sent = sys.stdout.buffer, cfg["chunks"], 0, 0
frames = [Path(p).read_bytes() for p in cfg["frames"]]
garbage = bytes.fromhex(cfg["garbage"])
while True:
    for frame in frames:
        data = garbage + frame
        while data:
            size = sizes[turn % len(sizes)]
            turn += 1
            out.write(data[:size])
            out.flush()
            data = data[size:]
        sent += 1
        while cfg.get("paced") and not Path(cfg["dir"], f"read{sent}").exists():
            time.sleep(0.002)
        time.sleep(cfg["interval"])
    if not cfg.get("loop"):
        break
for line in cfg.get("stderr_end", []):
    print(line, file=sys.stderr, flush=True)
if cfg.get("exit") is not None:
    sys.exit(cfg["exit"])
while True:  # hang: alive, silent
    time.sleep(1)
'''


# --- frames ----------------------------------------------------------------------------------

def jpeg(image: np.ndarray, *params: int) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90, *params])
    assert ok
    return data.tobytes()


def flat(value: int, size=(48, 64)) -> np.ndarray:
    """A frame of one grey level: which frame it is survives JPEG."""
    return np.full((*size, 3), value, np.uint8)


def level(frame: np.ndarray) -> int:
    return round(float(frame.mean()))


def qr_frame(text: str) -> np.ndarray:
    """A 1280x720 frame with a QR code in the middle, as a receipt held up to the camera."""
    tile = np.asarray(qrcode.make(text, box_size=8, border=4).convert("L"))
    frame = np.full((720, 1280), 230, np.uint8)
    top, left = (720 - tile.shape[0]) // 2, (1280 - tile.shape[1]) // 2
    frame[top:top + tile.shape[0], left:left + tile.shape[1]] = tile
    return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)


def textured(seed: int, size=(120, 160)) -> np.ndarray:
    """Noise: its scan data is full of stuffed FF bytes."""
    return np.random.default_rng(seed).integers(0, 256, (*size, 3), np.uint8)


def with_thumbnail(frame: bytes, thumbnail: bytes) -> bytes:
    """A JPEG carrying another whole JPEG in an APP15 segment (as EXIF thumbnails are in APP1)."""
    segment = b"\xff\xef" + (len(thumbnail) + 2).to_bytes(2, "big") + thumbnail
    return frame[:2] + segment + frame[2:]


# --- the fake tool -----------------------------------------------------------------------------

@pytest.fixture
def fake_tool(tmp_path):
    """make(name="rpicam-vid", frames=[jpeg bytes], **behaviour) -> path of an executable."""
    made = 0

    def make(name="rpicam-vid", *, frames=(), interval=0.0, paced=False, loop=False, exit=None,
             stderr_start=(), stderr_end=(), ignore_term=False, child=False,
             garbage=GARBAGE) -> Path:
        nonlocal made
        made += 1
        where = tmp_path / f"tool{made}"
        where.mkdir()
        paths = []
        for n, data in enumerate(frames):
            paths.append(str(where / f"frame{n}.jpg"))
            Path(paths[-1]).write_bytes(data)
        script = where / name
        script.write_text(FAKE_TOOL.replace("{python}", sys.executable))
        script.chmod(0o755)
        config = {"dir": str(where), "frames": paths, "chunks": CHUNKS, "garbage": garbage.hex(),
                  "interval": interval, "paced": paced, "loop": loop, "exit": exit,
                  "stderr_start": list(stderr_start), "stderr_end": list(stderr_end),
                  "ignore_term": ignore_term, "child": child}
        script.with_name(name + ".json").write_text(json.dumps(config))
        return script

    return make


@pytest.fixture
def cameras():
    """Build cameras through this; they are closed whatever the test does."""
    made = []

    def make(tool, **options):
        made.append(Picamera2Camera(executable=tool, **options))
        return made[-1]

    yield make
    for cam in made:
        cam.close()


def read_paced(cam: Picamera2Camera, tool: Path, count: int) -> list[np.ndarray]:
    """`count` frames from a paced fake tool, letting it send each next one once read."""
    got = []
    for n in range(1, count + 1):
        got.append(cam.read())
        tool.with_name(f"read{n}").touch()
    return got


def tool_pid(tool: Path, name: str = "pid") -> int:
    return int(tool.with_name(name).read_text())


def gone(pid: int) -> bool:
    """The process no longer runs (exited, or a zombie waiting for its new parent to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("Picamera2Camera(")]


# --- cutting the stream ----------------------------------------------------------------------

def test_splitter_returns_each_frame_whole_however_the_stream_is_cut():
    frames = [jpeg(flat(40)), jpeg(textured(1)), jpeg(qr_frame("MOTCUA")), jpeg(flat(200))]
    stream = b"".join(GARBAGE + f for f in frames) + GARBAGE
    rng = np.random.default_rng(5)
    sizes = {"bytes": lambda: 1, "random": lambda: int(rng.integers(1, 3000)),
             "whole": lambda: len(stream)}
    for chunking, next_size in sizes.items():
        splitter, got, at = MjpegSplitter(), [], 0
        while at < len(stream):
            size = next_size()
            got += splitter.feed(stream[at:at + size])
            at += size
        assert got == frames, chunking
        assert splitter.pending == 1  # the last FF: an SOI may follow
        assert splitter.skipped + 1 == len(stream) - sum(map(len, frames))  # only the garbage
        assert splitter.broken == 0


def test_splitter_follows_the_jpeg_structure():
    thumb = jpeg(flat(90, (16, 16)))
    frames = [
        jpeg(textured(2), cv2.IMWRITE_JPEG_PROGRESSIVE, 1),  # several scans, markers between
        jpeg(textured(3), cv2.IMWRITE_JPEG_RST_INTERVAL, 4),  # restart markers inside the scan
        with_thumbnail(jpeg(textured(4)), thumb),  # an FFD8 ... FFD9 inside a segment
    ]
    splitter = MjpegSplitter()
    got = [f for data in frames for piece in (data[:101], data[101:]) for f in splitter.feed(piece)]
    assert got == frames
    assert [cv2.imdecode(np.frombuffer(f, np.uint8), cv2.IMREAD_COLOR).shape for f in got] == \
        [(120, 160, 3)] * 3


def test_splitter_drops_broken_and_oversized_frames_and_keeps_going():
    good, big = jpeg(flat(120)), jpeg(textured(6, (240, 320)))
    splitter = MjpegSplitter(max_frame_bytes=len(big) // 2)
    cut_short = good[:len(good) // 2]  # the tool died mid-frame and a new stream began
    bogus = b"\xff\xd8\xff\x00\x10not a jpeg"  # an SOI with no marker after it
    assert splitter.feed(cut_short + bogus + good) == [good]
    assert splitter.feed(big + good) == [good]
    assert splitter.broken == 3
    assert splitter.feed(b"\x00" * 1_000_000) == []
    assert splitter.pending == 0  # garbage is never hoarded


# --- the command line ------------------------------------------------------------------------

def test_command_line_follows_the_options():
    cam = Picamera2Camera(1, width=1536, height=864, framerate=30, quality=90,
                          autofocus_mode="continuous", autofocus_range="macro",
                          autofocus_speed="fast", extra_args=["--hflip"])
    assert cam.command("/usr/bin/rpicam-vid") == [
        "/usr/bin/rpicam-vid", "--timeout", "0", "--nopreview", "--codec", "mjpeg",
        "--quality", "90", "--flush", "--camera", "1", "--width", "1536", "--height", "864",
        "--framerate", "30", "--autofocus-mode", "continuous", "--autofocus-range", "macro",
        "--autofocus-speed", "fast", "--hflip", "--output", "-"]
    manual = Picamera2Camera(autofocus_mode="manual", lens_position=2.5).command()
    assert manual[-6:] == ["--autofocus-mode", "manual", "--lens-position", "2.5", "--output", "-"]
    assert "--autofocus-mode" not in Picamera2Camera().command()  # the tool's own default
    with pytest.raises(ValueError, match="autofocus_mode"):
        Picamera2Camera(autofocus_mode="always")
    with pytest.raises(ValueError, match="quality"):
        Picamera2Camera(quality=0)


def test_built_from_the_camera_module_3_profile():
    device = load_profiles().devices["raspberrypi-camera-module-3"]
    cam = Picamera2Camera.from_profile(device, "csi:1", quality=70)
    assert (cam.camera, cam.size, cam.framerate, cam.quality) == (1, (1536, 864), 30.0, 70)
    assert cam.autofocus_mode == "continuous" and cam.name == "csi:1"
    with pytest.raises(ValueError, match="csi:N"):
        Picamera2Camera.from_profile(device, "/dev/video0")


# --- frames from the tool --------------------------------------------------------------------

def test_frames_are_decoded_from_the_stream(fake_tool, cameras, payload):
    tool = fake_tool(frames=[jpeg(flat(40)), jpeg(qr_frame(payload.qr)), jpeg(flat(200))],
                     paced=True)
    cam = cameras(tool, autofocus_mode="continuous", width=1280, height=720)
    cam.open()
    got = read_paced(cam, tool, 3)
    assert level(got[0]) == pytest.approx(40, abs=2)
    assert got[1].shape == (720, 1280, 3)
    assert [(d.format, d.text) for d in Decoder().decode(got[1])] == [(QR, payload.qr)]
    assert level(got[2]) == pytest.approx(200, abs=2)
    assert cam.stats["frames"] == 3 and cam.stats["dropped"] == 0
    assert cam.stats["skipped_bytes"] == 3 * len(GARBAGE)
    argv = json.loads(tool.with_name("argv.json").read_text())
    assert argv == cam.command()[1:] and cam.tool == str(tool)
    assert argv[argv.index("--autofocus-mode") + 1] == "continuous"


def test_a_slow_reader_gets_the_newest_frame_and_nothing_queues(fake_tool, cameras):
    levels = list(range(10, 250, 20))
    cam = cameras(fake_tool(frames=[jpeg(flat(v)) for v in levels]), frame_timeout=0.1)
    cam.open()
    assert wait_until(lambda: cam.stats["frames"] == len(levels))
    assert level(cam.read()) == pytest.approx(levels[-1], abs=2)  # not the first one
    assert cam.stats["dropped"] == len(levels) - 1
    with pytest.raises(RpicamError) as caught:  # alive but silent: no frame is new
        cam.read()
    assert "Mất camera CSI 0: không có hình nào sau 0.1 giây" in str(caught.value)
    assert "Lost CSI camera 0: no frame within 0.1 s" in str(caught.value)


def test_undecodable_frames_are_skipped(fake_tool, cameras):
    bad = b"\xff\xd8\xff\xdb\x00\x04\x00\x00\xff\xda\x00\x02garbage\xff\xd9"  # a JPEG in form only
    tool = fake_tool(frames=[jpeg(flat(60)), bad, jpeg(flat(160))], paced=True)
    cam = cameras(tool)
    cam.open()
    assert level(read_paced(cam, tool, 1)[0]) == pytest.approx(60, abs=2)

    def the_good_one_once_the_bad_one_is_seen():  # read() itself takes in the bad one
        wait_until(lambda: cam.stats["corrupt"] == 1, timeout=10)
        tool.with_name("read2").touch()

    threading.Thread(target=the_good_one_once_the_bad_one_is_seen, daemon=True).start()
    assert level(cam.read()) == pytest.approx(160, abs=2)
    assert cam.stats["corrupt"] == 1


# --- failures --------------------------------------------------------------------------------

def test_missing_tool_is_a_clear_error(tmp_path, monkeypatch, fake_tool):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RpicamError) as caught:
        Picamera2Camera().open()
    assert str(caught.value) == ("Không tìm thấy rpicam-vid: cài gói rpicam-apps / "
                                 "rpicam-vid not found: install rpicam-apps")
    assert isinstance(caught.value, CameraError)
    with pytest.raises(RpicamError, match="not found: install rpicam-apps"):
        Picamera2Camera(executable=tmp_path / "nowhere" / "rpicam-vid").open()

    old = fake_tool("libcamera-vid", frames=[jpeg(flat(80))])  # only the pre-2023 name
    monkeypatch.setenv("PATH", str(old.parent))
    cam = Picamera2Camera()
    with cam:
        assert level(cam.read()) == pytest.approx(80, abs=2)
        assert cam.tool == str(old)


def test_a_tool_that_exits_at_start_explains_why(fake_tool, cameras):
    tool = fake_tool(exit=255, stderr_end=[
        "[0:00:00.076] [1234]  INFO Camera camera_manager.cpp:327 libcamera v0.3.0+rpt20240617",
        "ERROR: *** no cameras available ***"])
    cam = cameras(tool)
    started = time.monotonic()
    with pytest.raises(RpicamError) as caught:
        cam.open()
    assert time.monotonic() - started < 3
    error = caught.value
    assert error.vi.startswith("Không mở được camera CSI 0: rpicam-vid đã thoát (mã 255)")
    assert error.en.startswith("Cannot open CSI camera 0: rpicam-vid exited (code 255)")
    assert "check the CSI ribbon cable" in error.en and "kiểm tra cáp CSI" in error.vi
    assert error.detail.endswith("ERROR: *** no cameras available ***")
    assert "libcamera v0.3.0" in str(error)
    assert gone(tool_pid(tool)) and not reader_threads()


def test_a_tool_that_dies_mid_stream_gives_its_frames_then_the_error(fake_tool, cameras):
    tool = fake_tool(frames=[jpeg(flat(50)), jpeg(flat(150))], paced=True, exit=1,
                     stderr_end=["ERROR: Device or resource busy"])
    cam = cameras(tool)
    cam.open()
    assert [level(f) for f in read_paced(cam, tool, 2)] == [pytest.approx(50, abs=2),
                                                           pytest.approx(150, abs=2)]
    with pytest.raises(RpicamError) as caught:
        cam.read()
    assert "Mất camera CSI 0: rpicam-vid đã thoát (mã 1)" in caught.value.vi
    assert "Lost CSI camera 0: rpicam-vid exited (code 1)" in caught.value.en
    assert "held by another program" in caught.value.en
    assert "ERROR: Device or resource busy" in str(caught.value)


def test_no_first_frame_in_time_is_an_error_and_the_tool_is_stopped(fake_tool, cameras):
    tool = fake_tool(stderr_start=["Preview window unavailable"])  # alive, never a frame
    cam = cameras(tool, start_timeout=0.5)
    with pytest.raises(RpicamError) as caught:
        cam.open()
    assert "không có hình nào sau 0.5 giây" in str(caught.value)
    assert "no frame within 0.5 s" in str(caught.value)
    assert "Preview window unavailable" in caught.value.detail
    assert gone(tool_pid(tool)) and not reader_threads()


# --- stopping --------------------------------------------------------------------------------

def test_close_leaves_no_process_thread_or_pipe(fake_tool, cameras):
    # A tool that ignores SIGTERM and has a child holding its stdout.
    tool = fake_tool(frames=[jpeg(flat(70))], interval=0.02, loop=True, ignore_term=True,
                     child=True)
    cam = cameras(tool, stop_timeout=0.1)
    for _ in range(2):  # and it opens again afterwards, as CameraScanner's reconnect does
        cam.open()
        assert level(cam.read()) == pytest.approx(70, abs=2)
        proc = cam._proc
        assert wait_until(lambda: tool.with_name("child-pid").exists())
        child = tool_pid(tool, "child-pid")
        cam.close()
        assert proc.returncode is not None and proc.stdout.closed and proc.stderr.closed
        assert gone(proc.pid) and wait_until(lambda: gone(child))  # noqa: B023
        assert not reader_threads()
        tool.with_name("child-pid").unlink()
        cam.close()  # twice is fine
        assert cam.read() is None


def test_close_from_another_thread_wakes_a_waiting_read(fake_tool, cameras):
    cam = cameras(fake_tool(frames=[jpeg(flat(30))]), frame_timeout=10)
    cam.open()
    cam.read()
    threading.Timer(0.05, cam.close).start()
    started = time.monotonic()
    assert cam.read() is None
    assert time.monotonic() - started < 3
    assert wait_until(lambda: not reader_threads())


def test_scanner_reads_a_receipt_through_the_csi_camera(fake_tool, payload):
    tool = fake_tool(frames=[jpeg(flat(90, (720, 1280))), jpeg(qr_frame(payload.qr))],
                     interval=0.05, loop=True)
    scans = []
    with CameraScanner(Picamera2Camera(executable=tool), scans.append) as scanner:
        assert wait_until(lambda: scans, timeout=5)
        assert scanner.connected
    assert (scans[0].text, scans[0].symbology, scans[0].source) == (payload.qr, QR, "camera:csi:0")
    assert gone(tool_pid(tool)) and wait_until(lambda: not reader_threads())
