"""The weekly equipment self-test (Tây Ninh art. 7.4): exercise every device of a station.

Each role gets one check with a bilingual message; the report is written as JSON and can be
sent to the backend, which keeps the latest result per device for the fleet view.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from drivers.message import Message
from drivers.station import Station

ROLE_LABELS = {
    "receipt_printer": ("Máy in biên nhận", "Receipt printer"),
    "ticket_printer": ("Máy in số thứ tự", "Ticket printer"),
    "scanner": ("Máy quét mã vạch", "Barcode scanner"),
    "camera": ("Camera", "Camera"),
    "counter_display": ("Bảng LED quầy", "Counter LED display"),
    "pole_display": ("Màn hình khách hàng", "Customer display"),
    "audio": ("Loa gọi số", "Announcement speaker"),
    "modem": ("Modem SMS", "SMS modem"),
}
TEST_ALPHABET = "Tiếng Việt: ăâđêôơư ÁÀẢÃẠ ẮẰẲẴẶ ẤẦẨẪẬ ĐÉÈẺẼẸ ỐỒỔỖỘ ỚỜỞỠỢ ỨỪỬỮỰ ÝỲỶỸỴ"
TEST_CODE128 = "00000000000000000000"


@dataclass
class Check:
    role: str
    ok: bool
    vi: str
    en: str
    detail: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def label(self) -> str:
        vi, en = ROLE_LABELS.get(self.role, (self.role, self.role))
        return f"{vi} / {en}"


def run_selftest(station: Station, now: datetime) -> dict:
    checks = [Check(role, False, f"Không mở được: {error}", f"Could not open: {error}")
              for role, error in station.errors.items()]
    for role, device in station.devices.items():
        checks.append(_timed(role, device, now))
    return {"station": station.name, "at": now.isoformat(), "ok": all(c.ok for c in checks),
            "checks": [asdict(c) | {"label": c.label} for c in checks]}


def _timed(role: str, device: Any, now: datetime) -> Check:
    started = time.monotonic()
    kind = role.split("_")[-1] if role.endswith(("printer", "display")) else role
    try:
        check = _CHECKS[kind](role, device, now)
    except Exception as exc:  # a device that throws is a failed check, never a crashed test
        why = Message.of(exc)
        check = Check(role, False, why.vi, why.en)
    check.seconds = round(time.monotonic() - started, 3)
    return check


def _test_document(now: datetime):
    from drivers.printers.document import QR, Barcode128, Cut, Document, Feed, Rule, Text

    return Document([
        Text("KIỂM TRA THIẾT BỊ HÀNG TUẦN", align="center", bold=True),
        Text("Weekly equipment self-test", align="center"),
        Text(f"{now:%H:%M %d/%m/%Y}", align="center"), Rule(), Text(TEST_ALPHABET),
        Barcode128(TEST_CODE128), QR("MOTCUA-SELFTEST"), Feed(2), Cut()])


def check_printer(role: str, printer, now: datetime) -> Check:
    # Printers whose profile reports no status still print; the check says it is unverified.
    before = printer.status() if printer.can_read_status else None
    result = printer.print_document(_test_document(now))
    detail = {"bytes": result.bytes_sent, "verified": result.verified,
              "before": before.problem if before else None,
              "after": result.after.problem if result.after else None}
    if not result.ok:
        reason = result.reason or Message("Lỗi máy in", "Printer error", "error")
        return Check(role, False, reason.vi, reason.en, detail)
    vi, en = ("", "") if result.verified else (" (máy in không xác nhận)", " (unverified)")
    return Check(role, True, f"In phiếu thử thành công{vi}", f"Test receipt printed{en}", detail)


def check_camera(role: str, camera, now: datetime) -> Check:
    from drivers.cameras.decoder import Decoder

    camera.open()
    try:
        frame = _first_frame(camera, timeout=5.0)
    finally:
        camera.close()
    if frame is None:
        return Check(role, False, "Camera không trả về hình", "The camera returned no frame")
    texts = [d.text for d in Decoder().decode(frame)]
    detail = {"resolution": f"{frame.shape[1]}x{frame.shape[0]}", "decoded": texts}
    seen = f": {', '.join(texts)}" if texts else " (không thấy mã / no code in view)"
    return Check(role, True, f"Camera chụp được hình{seen}", f"Camera frame captured{seen}",
                 detail)


def _first_frame(camera, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = camera.read()
        if frame is not None:
            return frame
        time.sleep(0.05)
    return None


def _within(condition: Callable[[], bool], timeout: float) -> bool:
    """True as soon as `condition()` is; False once `timeout` seconds pass without it."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def check_display(role: str, display, now: datetime) -> Check:
    display.test_pattern()
    if not display.ping():
        return Check(role, False, "Màn hình không phản hồi", "The display does not answer")
    return Check(role, True, "Đã hiện hình kiểm tra", "Test pattern shown")


def check_audio(role: str, player, now: datetime) -> Check:
    from drivers.audio.clips import chime, write_wav

    available, reason = player.available()
    if not available:
        return Check(role, False, f"Không phát được âm thanh: {reason}",
                     f"Cannot play sound: {reason}")
    with tempfile.TemporaryDirectory() as tmp:
        player.play(write_wav(Path(tmp) / "chime.wav", chime()))
    return Check(role, True, "Đã phát tiếng chuông thử", "Test chime played")


NETWORK = {"1": ("mạng nhà", "home network"), "5": ("chuyển vùng", "roaming")}


def check_modem(role: str, modem, now: datetime) -> Check:
    with modem:
        registration, signal = modem.registration(), modem.signal_dbm()
    detail = {"registration": registration, "signal_dbm": signal}
    if registration not in NETWORK:
        return Check(role, False, f"Modem chưa đăng ký mạng (CREG {registration})",
                     f"Modem not registered on a network (CREG {registration})", detail)
    vi, en = NETWORK[registration]
    level = f", {signal} dBm" if signal is not None else ""
    return Check(role, True, f"Modem sẵn sàng, {vi}{level}", f"Modem ready, {en}{level}",
                 detail)


# Seconds a scanner has to open its device. Only a scanner that never connects waits it out,
# so it is generous: a loaded machine may start the scanner's thread late.
SCANNER_PATIENCE = 2.0


def check_scanner(role: str, scanner, now: datetime, patience: float = SCANNER_PATIENCE) -> Check:
    scanner.start()
    try:
        connected = _within(lambda: getattr(scanner, "connected", True), patience)
    finally:
        scanner.stop()
    if not connected:
        error = getattr(scanner, "last_error", "") or ""
        return Check(role, False, f"Không kết nối được máy quét {error}",
                     f"Scanner not connected {error}")
    return Check(role, True, "Máy quét đã kết nối", "Scanner connected")


_CHECKS: dict[str, Callable[[str, Any, datetime], Check]] = {
    "printer": check_printer, "camera": check_camera, "display": check_display,
    "audio": check_audio, "modem": check_modem, "scanner": check_scanner,
}


def write_report(report: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = report["at"][:19].replace(":", "").replace("-", "")
    path = folder / f"selftest-{report['station']}-{stamp}.json"
    tries = 1
    while path.exists():  # a second run within the same second keeps the first report
        tries += 1
        path = folder / f"selftest-{report['station']}-{stamp}-{tries}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def summary_lines(report: dict) -> list[str]:
    lines = [f"{'ĐẠT' if c['ok'] else 'LỖI':<4} {c['label']}: {c['vi']} / {c['en']}"
             for c in report["checks"]]
    verdict = "ĐẠT / PASSED" if report["ok"] else "CÓ LỖI / FAILED"
    return [*lines, f"Kết quả / result: {verdict}"]
