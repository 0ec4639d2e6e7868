"""The kiosk's devices, built from the configuration: ticket printer, camera scanner, USB scanner.

Everything here blocks (printer jobs, status requests), so the core calls it from its worker
threads only. Addresses are read and devices opened by drivers/station.py, as in the counter and
the self-test; the printer is a drivers.printers.PrinterPort, so a status poll never interleaves
its bytes with a ticket job on the same connection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from drivers.address import parse_address
from drivers.printers import PrinterError, PrinterPort, PrinterProfile
from drivers.printers.base import MESSAGES, message
from drivers.scanners.base import DuplicateFilter, ScanEvent, Scanner
from drivers.station import open_printer, open_scanner
from kiosk_app.strings import Msg

log = logging.getLogger(__name__)


def printer_problem(code: str | None, reason: Msg | None) -> Msg:
    """A printer failure in a citizen's words: the short text of its code where one exists."""
    if code in MESSAGES:
        return message(code)
    return reason or Msg("Máy in lỗi", "Printer error", "error")


def printer_profile_for(model: str, paper_mm: int) -> PrinterProfile:
    """The model's capabilities from its device profile, or a generic one for the paper."""
    if not model:
        return PrinterProfile.for_paper(paper_mm)
    from drivers.profiles import load_profiles, printer_profile

    return printer_profile(load_profiles().devices[model])


def make_printer(spec: str, paper_mm: int = 80, model: str = "") -> PrinterPort | None:
    """A device address (drivers/address.py): none, virtual:DIR, tcp:, serial:, usb:, file:."""
    address = parse_address(spec)
    if address.kind == "none":
        return None
    return open_printer(address, printer_profile_for(model, paper_mm))


def make_camera(spec: str):
    """none | index | /dev/… | rtsp://… | csi:N (Pi camera) | fake (an empty lobby) |
    an image file, folder or video (played by the fake camera)."""
    if spec in ("", "none"):  # before OpenCV is imported: a unit without a camera needs none
        return None
    from drivers.cameras import FakeCamera, OpenCVCamera

    if spec.startswith("csi:"):
        from drivers.cameras.picamera2_camera import Picamera2Camera

        return Picamera2Camera(int(spec[4:] or 0))
    if spec.isdigit() or spec.startswith(("/dev/", "rtsp://")):
        return OpenCVCamera(int(spec) if spec.isdigit() else spec)
    if spec == "fake":
        import numpy as np

        return FakeCamera([np.full((720, 1280, 3), 90, np.uint8)], fps=5)
    return FakeCamera(spec)


def make_scanner(spec: str) -> Scanner | None:
    """A device address: none, evdev:VID:PID|PATH|NAME, serial:DEV[@BAUD], usb:VID:PID, fake."""
    return open_scanner(spec)


@dataclass
class Check:
    """One line of the self-test: what, passed (None: not fitted), and what was seen."""

    name: str  # strings key: t_backend, t_printer, t_camera, t_scanner
    ok: bool | None
    detail: str | Msg = ""  # what was seen: a strings key, a message, or the device's words


class Hardware:
    """The devices of one kiosk. `camera` reads codes through a `CameraScanner`."""

    def __init__(self, printer: PrinterPort | None = None, camera=None,
                 scanners: list[Scanner] | None = None, decoder=None, speaker=None) -> None:
        self.printer = printer
        self.camera = camera
        self.speaker = speaker  # kiosk_app.speech.Speaker, for reading the status aloud
        self.camera_scanner = None
        self.scanners = list(scanners or [])
        # Codes typed into the window by a keyboard-wedge scanner the driver could not grab:
        # held back while re-sent, as a driver's reads are.
        self.wedge_filter = DuplicateFilter(2.0)
        self._decoder = decoder

    @classmethod
    def from_config(cls, config) -> Hardware:
        scanner = make_scanner(config.scanner)
        from kiosk_app.speech import make_speaker

        printer = make_printer(config.printer, config.paper_mm, config.printer_model)
        return cls(printer, make_camera(config.camera), [scanner] if scanner else [],
                   speaker=make_speaker(config.audio))

    def start(self, on_scan: Callable[[ScanEvent], None]) -> None:
        if self.camera is not None and self.camera_scanner is None:
            from drivers.cameras import CameraScanner

            self.camera_scanner = CameraScanner(self.camera, on_scan, decoder=self._decoder)
            self.camera_scanner.start()
        for scanner in self.scanners:
            scanner.on_scan = on_scan
            scanner.start()

    def all_scanners(self) -> list[Scanner]:
        return [s for s in (self.camera_scanner, *self.scanners) if s is not None]

    def forget_scan(self, text: str) -> None:
        """Let `text` through the duplicate filters at its next read, even if still in view."""
        for dedupe in (self.wedge_filter, *(s.dedupe for s in self.all_scanners())):
            dedupe.forget(text)

    def latest_frame(self, seq: int):
        """(seq, frame) of a camera frame newer than `seq`, without waiting; frame None if none."""
        if self.camera_scanner is None:
            return seq, None
        return self.camera_scanner.frames.wait_newer(seq, timeout=0)

    def stop(self) -> None:
        for scanner in self.all_scanners():
            scanner.stop()
        self.camera_scanner = None
        if self.printer is not None:
            self.printer.close()

    # --- state for the heartbeat and the self-test ---------------------------------------

    def snapshot(self) -> dict:
        """What the heartbeat reports: one short state word per device."""
        state: dict = {"printer": "none", "camera": "none", "scanner": "none"}
        if self.printer is not None:
            state["printer"] = self.printer.last_problem or "ready"
        if self.camera_scanner is not None:
            state["camera"] = "connected" if self.camera_scanner.connected else "disconnected"
            state["camera_frames"] = self.camera_scanner.stats["captured"]
        if self.scanners:
            state["scanner"] = ("connected" if all(s.connected for s in self.scanners)
                                else "disconnected")
        return state

    def self_test(self) -> list[Check]:
        return [self._test_printer(), self._test_camera(), self._test_scanner()]

    def _test_printer(self) -> Check:
        if self.printer is None:
            return Check("t_printer", None)
        try:
            status = self.printer.status()
        except PrinterError as error:
            return Check("t_printer", False, error.message)
        if status is None:
            return Check("t_printer", True, "printer_no_status")
        return Check("t_printer", status.ready, status.reason or "printer_ready")

    def _test_camera(self) -> Check:
        cam = self.camera_scanner
        if cam is None:
            return Check("t_camera", None)
        ok = cam.connected and cam.stats["captured"] > 0
        return Check("t_camera", ok, cam.last_error or ("camera_ok" if ok else ""))

    def _test_scanner(self) -> Check:
        if not self.scanners:
            return Check("t_scanner", None)
        bad = [s for s in self.scanners if not s.connected]
        return Check("t_scanner", not bad, "; ".join(s.last_error or repr(s) for s in bad))
