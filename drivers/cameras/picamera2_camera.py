"""The Raspberry Pi CSI camera (Camera Module 3 and its kin) through rpicam-vid's MJPEG stream.

The CSI camera is reachable through libcamera only: its /dev/video* nodes give raw Bayer data,
which OpenCV cannot use, and the Python bindings (picamera2, python3-libcamera) are Raspberry Pi
OS system packages that a virtualenv cannot install. So this driver (named after picamera2, the
name the hardware profile gives it) runs the camera tool that ships with Raspberry Pi OS and
reads JPEG frames from its standard output:

    rpicam-vid --timeout 0 --nopreview --codec mjpeg --quality 80 --flush --camera 0 \\
               --width 1280 --height 720 --framerate 15 [--autofocus-mode continuous] --output -

(`rpicam-vid` is in the rpicam-apps package; older releases call it `libcamera-vid`, which is
used when `rpicam-vid` is not on PATH.) `--flush` matters: without it the tool's stdio buffer
holds the end of each frame back until the next one pushes it out.

A reader thread drains the tool's stdout and stderr, cuts the byte stream into JPEGs
(`MjpegSplitter`) and keeps only the newest one; `read()` decodes that one with cv2.imdecode.
A slow reader therefore skips frames instead of falling behind, and nothing queues up. stderr
is kept as a short tail of lines and quoted in the errors: rpicam-vid says there why it stopped
("no cameras available", a camera another process holds, an option an old version rejects).

Errors are `RpicamError` (a `CameraError`) with Vietnamese and English text:
- the tool is not installed: `open()` raises;
- the tool exits (camera missing or busy, cable pulled): `open()` raises if it happens before the
  first frame, otherwise `read()` raises once the frames already received are taken;
- no frame arrives within `start_timeout` of `open()` or `frame_timeout` of a `read()`.
CameraScanner closes the camera on a CameraError and opens it again after its retry interval.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import selectors
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

import cv2
import numpy as np

from drivers.cameras.base import Camera, CameraError

log = logging.getLogger(__name__)

TOOLS = ("rpicam-vid", "libcamera-vid")  # the current name first, then the pre-2023 one
AUTOFOCUS_MODES = ("default", "manual", "auto", "continuous")
AUTOFOCUS_RANGES = ("normal", "macro", "full")
AUTOFOCUS_SPEEDS = ("normal", "fast")


class RpicamError(CameraError):
    """A CameraError in both languages; `detail` holds the tool's stderr tail, if any."""

    def __init__(self, vi: str, en: str, detail: str = "") -> None:
        super().__init__(vi, en)
        self.detail = detail
        if detail:  # the log shows the tool's own words under the message
            self.args = (f"{vi} / {en}\n{detail}",)


# --- cutting the MJPEG stream into frames ---------------------------------------------------

_SOI = b"\xff\xd8\xff"  # start of image, followed by the first marker
# In entropy-coded data an FF byte is followed by 00 (a stuffed FF), D0-D7 (restart), FF (fill)
# or the next marker; only the last ends the scan.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class MjpegSplitter:
    """Cuts a stream of concatenated JPEGs (what `rpicam-vid --codec mjpeg -o -` writes) into
    whole frames, whatever sizes the reads come in.

    It follows the JPEG structure instead of taking the first FFD9 after an FFD8: marker segments
    are skipped by their length (an EXIF thumbnail is a complete JPEG inside APP1), and scan data
    ends only at a real marker (progressive JPEGs have several scans, each introduced by its own
    markers). Bytes outside a frame are dropped and counted in `skipped`: garbage between frames,
    a frame cut short by the start of the next one, a frame whose markers make no sense, or one
    that grows past `max_frame_bytes` without ending.
    """

    _SEEK, _HEADER, _SCAN = range(3)

    def __init__(self, max_frame_bytes: int = 16 << 20) -> None:
        self.max_frame_bytes = max_frame_bytes
        self.frames = 0  # complete frames handed out
        self.broken = 0  # frames given up on (cut short, nonsense markers, too large)
        self.skipped = 0  # bytes dropped
        self._buf = bytearray()
        self._pos = 0  # where parsing resumes in _buf; _buf starts at the current frame's SOI
        self._state = self._SEEK

    @property
    def pending(self) -> int:
        """Bytes held back: the start of a frame whose end has not arrived yet."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[bytes]:
        """Add what was read; return the frames it completed, oldest first."""
        self._buf += data
        frames = []
        while (frame := self._next_frame()) is not None:
            frames.append(frame)
        return frames

    def _next_frame(self) -> bytes | None:
        buf = self._buf
        while True:
            if self._state == self._SEEK:
                start = buf.find(_SOI)
                if start < 0:  # keep what could be the beginning of an SOI cut by the read
                    keep = 2 if buf.endswith(b"\xff\xd8") else 1 if buf.endswith(b"\xff") else 0
                    self._drop(len(buf) - keep)
                    return None
                self._drop(start)
                self._pos, self._state = 2, self._HEADER
            elif self._state == self._HEADER:
                pos = self._pos
                if pos + 2 > len(buf):
                    if self._starved():
                        return None
                    continue
                marker = buf[pos + 1]
                if buf[pos] != 0xFF or marker == 0xD8 or (marker < 0xC0 and marker != 0x01):
                    self._give_up()  # not a marker where one must be: not a real frame
                elif marker == 0xFF:
                    self._pos = pos + 1  # fill byte before a marker
                elif marker == 0xD9:
                    if (frame := self._emit(pos + 2)) is not None:
                        return frame
                elif marker == 0x01 or 0xD0 <= marker <= 0xD7:
                    self._pos = pos + 2  # markers without a length
                elif pos + 4 > len(buf):
                    if self._starved():
                        return None
                else:
                    length = int.from_bytes(buf[pos + 2:pos + 4], "big")
                    if length < 2:
                        self._give_up()
                        continue
                    self._pos = pos + 2 + length
                    if marker == 0xDA:  # start of scan: entropy-coded data follows its header
                        self._state = self._SCAN
            else:
                found = _SCAN_END.search(buf, self._pos)
                if found is None:
                    # Resume at the last byte: it may be an FF whose partner is still to come.
                    self._pos = max(self._pos, len(buf) - 1)
                    if self._starved():
                        return None
                    continue
                end = found.start()
                marker = buf[end + 1]
                if marker == 0xD9:
                    if (frame := self._emit(end + 2)) is not None:
                        return frame
                    continue
                if marker == 0xD8:  # the next frame starts here: this one was cut short
                    self.broken += 1
                    self._drop(end)
                    self._state = self._SEEK
                else:
                    self._pos, self._state = end, self._HEADER

    def _starved(self) -> bool:
        """True: wait for more data. False: the frame is too large to be one; it was dropped."""
        if len(self._buf) <= self.max_frame_bytes:
            return True
        self._give_up()
        return False

    def _give_up(self) -> None:
        # Drop only the SOI: a real frame may start inside what was taken for this one.
        self.broken += 1
        self._drop(2)
        self._state = self._SEEK

    def _drop(self, count: int) -> None:
        if count > 0:
            del self._buf[:count]
            self.skipped += count

    def _emit(self, end: int) -> bytes | None:
        """The frame ending at `end`, taken out of the buffer; None if it was too large."""
        self._pos, self._state = 0, self._SEEK
        if end > self.max_frame_bytes:
            self.broken += 1
            self._drop(end)
            return None
        frame = bytes(self._buf[:end])
        del self._buf[:end]
        self.frames += 1
        return frame


class _Tail:
    """The last lines a process wrote to stderr (thread-safe)."""

    def __init__(self, lines: int = 20, line_chars: int = 300) -> None:
        self._lines: deque[str] = deque(maxlen=lines)
        self._partial = b""
        self._line_chars = line_chars
        self._lock = threading.Lock()

    def feed(self, data: bytes) -> None:
        with self._lock:
            *done, self._partial = (self._partial + data).split(b"\n")
            self._partial = self._partial[-4 * self._line_chars:]
            for raw in done:
                line = self._clean(raw)
                if line:
                    self._lines.append(line)

    def _clean(self, raw: bytes) -> str:
        line = raw.decode("utf-8", "replace").replace("\r", "").strip()
        return line if len(line) <= self._line_chars else line[:self._line_chars] + "…"

    def lines(self, count: int = 8) -> list[str]:
        with self._lock:
            lines = list(self._lines)
            partial = self._clean(self._partial)
        if partial:
            lines.append(partial)
        return lines[-count:]


# --- the camera -------------------------------------------------------------------------------

class Picamera2Camera(Camera):
    """A CSI camera (`camera` is its libcamera index, as in `rpicam-vid --list-cameras`).

    Options map to rpicam-vid flags; `extra_args` are passed as given, before `--output -`
    (e.g. ["--hflip", "--vflip"] for a camera mounted upside down, ["--hdr"]). The autofocus
    options are for Camera Module 3: `autofocus_mode` "continuous" keeps a receipt sharp at any
    distance, "manual" with `lens_position` (dioptres, 1/metres) fixes the focus; None leaves the
    tool's default. `executable` is a name looked up on PATH or a path; None tries rpicam-vid,
    then libcamera-vid. `env` adds environment variables for the tool (e.g.
    {"LIBCAMERA_LOG_LEVELS": "*:ERROR"} to quiet libcamera's start-up log). `stats` counts, since
    the camera was made, frames received, superseded unread ("dropped"), undecodable
    ("corrupt"), and bytes of garbage skipped.
    """

    def __init__(self, camera: int = 0, *, width: int = 1280, height: int = 720,
                 framerate: float = 15.0, quality: int = 80,
                 autofocus_mode: str | None = None, autofocus_range: str | None = None,
                 autofocus_speed: str | None = None, lens_position: float | None = None,
                 extra_args: Sequence[str] = (), executable: str | os.PathLike[str] | None = None,
                 start_timeout: float = 10.0, frame_timeout: float = 5.0,
                 stop_timeout: float = 3.0, env: Mapping[str, str] | None = None,
                 max_frame_bytes: int = 16 << 20) -> None:
        _check_choice("autofocus_mode", autofocus_mode, AUTOFOCUS_MODES)
        _check_choice("autofocus_range", autofocus_range, AUTOFOCUS_RANGES)
        _check_choice("autofocus_speed", autofocus_speed, AUTOFOCUS_SPEEDS)
        if int(camera) < 0 or width <= 0 or height <= 0 or framerate <= 0:
            raise ValueError("camera index, width, height and framerate must be positive")
        if not 1 <= quality <= 100:
            raise ValueError(f"quality {quality} is not within 1..100")
        if isinstance(extra_args, str):
            raise TypeError("extra_args is a list of arguments, not one string")
        self.camera = int(camera)
        self.size = (int(width), int(height))
        self.framerate = float(framerate)
        self.quality = int(quality)
        self.autofocus_mode = autofocus_mode
        self.autofocus_range = autofocus_range
        self.autofocus_speed = autofocus_speed
        self.lens_position = lens_position
        self.extra_args = list(extra_args)
        self.executable = os.fspath(executable) if executable is not None else None
        self.start_timeout = start_timeout
        self.frame_timeout = frame_timeout
        self.stop_timeout = stop_timeout
        self.env = dict(env) if env is not None else None
        self.max_frame_bytes = max_frame_bytes
        self.name = f"csi:{self.camera}"
        self.tool: str | None = None  # the executable found by the last open()
        self.stats = {"frames": 0, "dropped": 0, "corrupt": 0, "skipped_bytes": 0}

        self._lock = threading.Lock()  # open/close
        self._cond = threading.Condition()  # the newest-frame slot and the process state
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._tail = _Tail()
        self._running = False
        self._jpeg: bytes | None = None
        self._seq = 0  # frames received since open()
        self._taken = 0  # the seq of the frame read() last returned
        self._ended = False  # the tool's output ended (it exited)
        self._returncode: int | None = None

    @classmethod
    def from_profile(cls, device: Any, path: str | None = None, **options: Any) -> Picamera2Camera:
        """Built from a camera device profile (its resolution, fps, autofocus) and a station
        path "csi:N"; keyword options override."""
        caps = device.capabilities
        width, height = (int(n) for n in caps.resolution.split("x"))
        settings: dict[str, Any] = {
            "width": width, "height": height, "framerate": caps.fps,
            "autofocus_mode": "continuous" if caps.autofocus else None}
        if path:
            if not re.fullmatch(r"csi:\d+", path):
                raise ValueError(f"not a CSI camera path: {path!r} (expected csi:N)")
            settings["camera"] = int(path.removeprefix("csi:"))
        settings.update(options)
        return cls(**settings)

    def __repr__(self) -> str:
        width, height = self.size
        return f"Picamera2Camera({self.name} {width}x{height}@{self.framerate:g})"

    # --- the command line ---------------------------------------------------------------------

    def command(self, tool: str = "rpicam-vid") -> list[str]:
        """The command line open() runs, with `tool` as the program."""
        width, height = self.size
        args = [tool, "--timeout", "0", "--nopreview", "--codec", "mjpeg",
                "--quality", str(self.quality), "--flush", "--camera", str(self.camera),
                "--width", str(width), "--height", str(height),
                "--framerate", f"{self.framerate:g}"]
        for flag, value in (("--autofocus-mode", self.autofocus_mode),
                            ("--autofocus-range", self.autofocus_range),
                            ("--autofocus-speed", self.autofocus_speed),
                            ("--lens-position", self.lens_position)):
            if value is not None:
                args += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
        return [*args, *self.extra_args, "--output", "-"]

    def find_tool(self) -> str:
        """The path of the tool to run; RpicamError if it is not installed."""
        for name in [self.executable] if self.executable else TOOLS:
            found = shutil.which(name)
            if found:
                return found
        name = self.executable or TOOLS[0]
        raise RpicamError(f"Không tìm thấy {name}: cài gói rpicam-apps",
                          f"{name} not found: install rpicam-apps")

    # --- Camera -------------------------------------------------------------------------------

    def open(self) -> None:
        """Start the tool and wait for its first frame (up to `start_timeout`)."""
        self.close()
        with self._lock:
            self._start(self.find_tool())
        with self._cond:
            self._cond.wait_for(lambda: self._seq > 0 or self._ended or not self._running,
                                self.start_timeout)
            if self._seq > 0 or not self._running:  # a frame came, or close() was called
                return
            error = self._exit_error(opening=True) if self._ended else \
                self._timeout_error(self.start_timeout, opening=True)
        self.close()
        raise error

    def read(self) -> np.ndarray | None:
        """The newest frame not returned yet (BGR), waiting up to `frame_timeout` for one;
        None once closed."""
        deadline = time.monotonic() + self.frame_timeout
        while True:
            with self._cond:
                self._cond.wait_for(
                    lambda: not self._running or self._seq > self._taken or self._ended,
                    max(0.0, deadline - time.monotonic()))
                if not self._running:
                    return None
                if self._seq > self._taken:
                    jpeg, self._taken = self._jpeg, self._seq
                elif self._ended:
                    raise self._exit_error(opening=False)
                else:
                    raise self._timeout_error(self.frame_timeout, opening=False)
            frame = _decode(jpeg)
            if frame is not None:
                return frame
            self.stats["corrupt"] += 1

    def close(self) -> None:
        """Stop the tool (SIGTERM to its process group, SIGKILL after `stop_timeout`), join the
        reader thread and close the pipes. Safe to call twice, and from another thread."""
        with self._lock:
            proc, thread, stop = self._proc, self._thread, self._stop
            self._proc = self._thread = None
            with self._cond:
                self._running = False
                self._cond.notify_all()
            if proc is None:
                return
            _stop_process(proc, self.stop_timeout)
            stop.set()
            if thread is not None:
                thread.join(max(2.0, self.stop_timeout))
                if thread.is_alive():
                    log.warning("%r: reader thread did not stop", self)
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()
            log.info("%r: stopped", self)

    # --- the process and its reader thread ----------------------------------------------------

    def _start(self, tool: str) -> None:
        cmd = self.command(tool)
        env = None if self.env is None else {**os.environ, **self.env}
        try:
            # Its own process group, so close() also ends anything it started (a wrapper
            # script's child holding the pipe). If this process dies instead, the tool's next
            # write fails (SIGPIPE/EPIPE) and it exits: the camera is not left held.
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, bufsize=0, env=env,
                                    start_new_session=True)
        except OSError as exc:
            raise RpicamError(f"Không chạy được {tool}: {exc}",
                              f"Cannot run {tool}: {exc}") from exc
        log.info("%r: started %s", self, " ".join(cmd))
        self.tool = tool
        splitter = MjpegSplitter(self.max_frame_bytes)
        self._tail = tail = _Tail()
        self._stop = stop = threading.Event()
        with self._cond:
            self._proc, self._running = proc, True
            self._jpeg, self._seq, self._taken = None, 0, 0
            self._ended, self._returncode = False, None
        self._thread = threading.Thread(target=self._pump, args=(proc, splitter, tail, stop),
                                        name=f"{self!r} reader", daemon=True)
        self._thread.start()

    def _pump(self, proc: subprocess.Popen[bytes], splitter: MjpegSplitter, tail: _Tail,
              stop: threading.Event) -> None:
        """Reader thread: stdout → splitter → newest-frame slot; stderr → tail."""
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ, "out")  # type: ignore[arg-type]
        selector.register(proc.stderr, selectors.EVENT_READ, "err")  # type: ignore[arg-type]
        out_ended: float | None = None
        try:
            while selector.get_map() and not stop.is_set():
                # After stdout ends, stderr gets a moment to deliver the tool's last words.
                if out_ended is not None and time.monotonic() - out_ended > 1.0:
                    break
                for key, _ in selector.select(0.2):
                    data = os.read(key.fd, 1 << 16)
                    if not data:
                        selector.unregister(key.fileobj)
                        if key.data == "out":
                            out_ended = time.monotonic()
                    elif key.data == "out":
                        skipped = splitter.skipped
                        frames = splitter.feed(data)
                        self.stats["skipped_bytes"] += splitter.skipped - skipped
                        if frames:
                            self._publish(frames[-1], len(frames))
                    else:
                        tail.feed(data)
        except (OSError, ValueError) as exc:  # a pipe closed under us by close()
            if self._proc is proc:
                log.warning("%r: reading the camera stream failed: %s", self, exc)
        finally:
            selector.close()
            if self._proc is proc:  # not stopped by close(): the tool quit on its own
                returncode = None
                with contextlib.suppress(subprocess.TimeoutExpired):
                    returncode = proc.wait(1.0)
                log.warning("%r: %s ended (code %s): %s", self, self.tool, returncode,
                            " | ".join(tail.lines(4)))
                with self._cond:
                    if self._proc is proc:
                        self._ended, self._returncode = True, returncode
                        self._cond.notify_all()

    def _publish(self, jpeg: bytes, count: int) -> None:
        with self._cond:
            unread = self._seq > self._taken
            self.stats["dropped"] += count - 1 + unread
            self.stats["frames"] += count
            self._jpeg, self._seq = jpeg, self._seq + count
            self._cond.notify_all()

    # --- errors ---------------------------------------------------------------------------------

    def _tool_name(self) -> str:
        return os.path.basename(self.tool or TOOLS[0])

    def _stderr_detail(self) -> str:
        lines = self._tail.lines()
        if not lines:
            return ""
        return f"{self._tool_name()} stderr:\n" + "\n".join(f"  {line}" for line in lines)

    def _exit_error(self, opening: bool) -> RpicamError:
        tool, rc = self._tool_name(), self._returncode
        if rc is None:
            how_vi, how_en = f"{tool} đã ngừng gửi hình", f"{tool} closed its output"
        elif rc < 0:
            how_vi, how_en = f"{tool} bị dừng bởi tín hiệu {-rc}", f"{tool} killed by signal {-rc}"
        else:
            how_vi, how_en = f"{tool} đã thoát (mã {rc})", f"{tool} exited (code {rc})"
        hint_vi, hint_en = _hint("\n".join(self._tail.lines(20)))
        if hint_vi:
            how_vi, how_en = f"{how_vi}: {hint_vi}", f"{how_en}: {hint_en}"
        what_vi, what_en = ("Không mở được", "Cannot open") if opening else ("Mất", "Lost")
        return RpicamError(f"{what_vi} camera CSI {self.camera}: {how_vi}",
                           f"{what_en} CSI camera {self.camera}: {how_en}", self._stderr_detail())

    def _timeout_error(self, timeout: float, opening: bool) -> RpicamError:
        what_vi, what_en = ("Không mở được", "Cannot open") if opening else ("Mất", "Lost")
        return RpicamError(
            f"{what_vi} camera CSI {self.camera}: không có hình nào sau {timeout:g} giây",
            f"{what_en} CSI camera {self.camera}: no frame within {timeout:g} s",
            self._stderr_detail())


# What rpicam-vid / libcamera print when the usual things go wrong, and what to tell the
# technician. Matched case-insensitively against the stderr tail.
_HINTS = (
    (("no cameras available",),
     "không thấy camera nào, kiểm tra cáp CSI và camera_auto_detect trong config.txt",
     "no camera detected, check the CSI ribbon cable and camera_auto_detect in config.txt"),
    (("busy", "in use", "failed to acquire"),
     "camera đang bị chương trình khác giữ (một rpicam-vid hay picamera2 khác?)",
     "the camera is held by another program (another rpicam-vid or picamera2?)"),
    (("unrecognised option", "unrecognized option", "invalid option", "the argument"),
     "tùy chọn không được chấp nhận (rpicam-apps quá cũ?)",
     "an option was rejected (rpicam-apps too old?)"),
    (("dequeue timer", "timed out"),
     "camera không gửi khung hình (cáp CSI lỏng?)",
     "the camera stopped delivering frames (loose CSI cable?)"),
)


def _hint(stderr: str) -> tuple[str, str]:
    text = stderr.lower()
    for needles, vi, en in _HINTS:
        if any(needle in text for needle in needles):
            return vi, en
    return "", ""


def _check_choice(name: str, value: str | None, choices: Sequence[str]) -> None:
    if value is not None and value not in choices:
        raise ValueError(f"{name} {value!r} is not one of {', '.join(choices)}")


def _decode(jpeg: bytes | None) -> np.ndarray | None:
    if not jpeg:
        return None
    try:
        return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error:
        return None


def _stop_process(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process group, SIGKILL it if the tool is still there after `timeout`."""
    # Only while the tool is alive (or just reaped) is its pid surely still its group's id.
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop on SIGTERM within %g s: killing it", proc.args[0],
                        timeout)
        _signal_group(proc, signal.SIGKILL)  # the tool if still there, and anything it left
    proc.wait()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # start_new_session: the group id is the tool's pid
    except ProcessLookupError:
        pass  # the group is gone already
    except PermissionError:  # the group id was taken by something else: only the tool, then
        if proc.poll() is None:
            proc.send_signal(sig)
