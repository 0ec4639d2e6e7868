"""Device addresses: one grammar for where a device is, read the same way by every app.

    usb:VID:PID              a USB device by its ids (hex), e.g. usb:04b8:0e28
    tcp:HOST[:PORT]          a network device (a printer's port defaults to 9100)
    serial:DEV[@BAUD]        a serial port; the baud rate defaults to the device profile's
    file:DEV                 a device file written directly, e.g. file:/dev/usb/lp0
    /dev/...                 as in profiles: serial for /dev/tty* and /dev/serial/..., else file
    virtual[:DIR]            the simulator; DIR receives what it renders (printers: PNGs)
    fake:NAME[?out=DIR]      the profile spelling of `virtual`
    evdev:VID:PID|PATH|NAME  a keyboard-wedge scanner
    none                     no device (also the empty string)

Older spellings still read, because configs in the field use them: `tcp://HOST:PORT` and the
bare `HOST:PORT` of profiles, `serial:DEV:BAUD` of early kiosk configs. A serial device is
serial whatever it is written as: `file:/dev/ttyUSB0` opens a serial port too, since writing
to a tty without setting its baud rate prints garbage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from drivers.message import BilingualError

SPELLINGS = ("usb:VID:PID", "tcp:HOST[:PORT]", "serial:DEV[@BAUD]", "file:DEV", "/dev/...",
             "virtual[:DIR]", "fake:NAME", "evdev:…", "none")


class AddressError(BilingualError, ValueError):
    """A device address that cannot be read; says which part is wrong in both languages."""

    key = "bad_address"


@dataclass(frozen=True)
class Address:
    kind: str  # none, usb, tcp, serial, file, virtual, evdev
    target: str = ""  # the device path, host, folder or name
    number: int | None = None  # the TCP port or the baud rate, None for the default
    vid: int | None = None
    pid: int | None = None

    def __str__(self) -> str:
        """The address in its current spelling."""
        if self.vid is not None:
            return f"{self.kind}:{self.vid:04x}:{self.pid:04x}"
        suffix = {"tcp": ":", "serial": "@"}.get(self.kind, "")
        number = f"{suffix}{self.number}" if self.number is not None else ""
        return f"{self.kind}:{self.target}{number}" if self.target else self.kind


def is_serial_path(path: str) -> bool:
    return path.startswith(("/dev/tty", "/dev/serial/"))


def parse_address(text: str) -> Address:
    """An address in any accepted spelling; AddressError names the part that is wrong."""
    text = (text or "").strip()
    if text in ("", "none"):
        return Address("none")
    if text.startswith("/"):
        return _device_path(text)
    kind, _, rest = text.partition(":")
    reader = _READERS.get(kind)
    if reader is not None:
        return reader(rest, text)
    if re.fullmatch(r"(localhost|[\w-]+(\.[\w-]+)+):\d{1,5}", text):  # a profile's host:port
        return _tcp(text, text)
    raise AddressError(
        f"Địa chỉ thiết bị không rõ: '{kind}' trong '{text}' (dùng {', '.join(SPELLINGS)})",
        f"Unknown device address: '{kind}' in '{text}' (use {', '.join(SPELLINGS)})")


def _device_path(path: str) -> Address:
    return Address("serial" if is_serial_path(path) else "file", path)


def _usb(rest: str, text: str) -> Address:
    parts = rest.split(":")
    ids = [p.lower().removeprefix("0x") for p in parts[:2]]
    if len(ids) < 2 or not all(re.fullmatch(r"[0-9a-f]{1,4}", i) for i in ids):
        raise AddressError(
            f"Mã USB '{rest}' trong '{text}' phải là VID:PID hệ 16 (usb:04b8:0e28)",
            f"USB ids '{rest}' in '{text}' must be hex VID:PID (usb:04b8:0e28)")
    return Address("usb", vid=int(ids[0], 16), pid=int(ids[1], 16))


def _tcp(rest: str, text: str) -> Address:
    host, _, port = rest.removeprefix("//").rstrip("/").rpartition(":")
    if not host:  # no port given
        host, port = port, ""
    if not host or (port and not (port.isdigit() and 0 < int(port) < 65536)):
        raise AddressError(f"Cổng mạng '{port}' trong '{text}' không hợp lệ (tcp:MÁY[:CỔNG])",
                           f"Bad network port '{port}' in '{text}' (tcp:HOST[:PORT])")
    return Address("tcp", host, int(port) if port else None)


def _serial(rest: str, text: str) -> Address:
    device, at, baud = rest.partition("@")
    if not at:  # serial:DEV:BAUD, the older spelling
        head, colon, tail = rest.rpartition(":")
        device, baud = (head, tail) if colon and tail.isdigit() else (rest, "")
    if not device:
        raise AddressError(f"Thiếu cổng nối tiếp trong '{text}' (serial:/dev/ttyUSB0@9600)",
                           f"No serial device in '{text}' (serial:/dev/ttyUSB0@9600)")
    if baud and not baud.isdigit():
        raise AddressError(f"Tốc độ baud '{baud}' trong '{text}' phải là số "
                           f"(serial:{device}@9600)",
                           f"Baud rate '{baud}' in '{text}' must be a number "
                           f"(serial:{device}@9600)")
    return Address("serial", device, int(baud) if baud else None)


def _file(rest: str, text: str) -> Address:
    if not rest:
        raise AddressError(f"Thiếu đường dẫn tệp thiết bị trong '{text}' (file:/dev/usb/lp0)",
                           f"No device file in '{text}' (file:/dev/usb/lp0)")
    return _device_path(rest)


def _virtual(rest: str, text: str) -> Address:
    return Address("virtual", rest)


def _fake(rest: str, text: str) -> Address:
    options = parse_qs(urlsplit(rest).query)
    return Address("virtual", (options.get("out") or options.get("dir") or [""])[0])


def _evdev(rest: str, text: str) -> Address:
    if re.fullmatch(r"[0-9a-fA-F]{4}:[0-9a-fA-F]{4}", rest):
        return Address("evdev", vid=int(rest[:4], 16), pid=int(rest[5:], 16))
    return Address("evdev", rest)


_READERS = {"usb": _usb, "tcp": _tcp, "serial": _serial, "file": _file, "virtual": _virtual,
            "fake": _fake, "evdev": _evdev}
