"""Connections to real printers, one small class per link, over python-escpos's printer classes.

python-escpos opens the devices and writes; these classes add what a counter needs on top:
reads with a timeout (python-escpos's network read blocks until the socket timeout, its USB
read has none), and errors in Vietnamese and English that say what to do, instead of
python-escpos's English-only ``DeviceNotFoundError`` (which also logs and hides USB
configuration failures until the first write).
"""

from __future__ import annotations

import errno
import os
import select
import socket
from typing import Any

from .base import Connection, PrinterError

UDEV_RULE = "systemd/udev/60-motcua-printers.rules"


def _escpos_printer() -> Any:
    """python-escpos's printer classes, imported on first use.

    Importing them loads the capability database and calls ``logging.basicConfig()``, so the
    import waits until a real printer is opened (the virtual printer never needs it).
    """
    import escpos.printer

    return escpos.printer


class EscposConnection(Connection):
    """Shared behaviour: lazy open through a python-escpos printer object, mapped errors."""

    def __init__(self) -> None:
        self.printer: Any = None

    def _make(self) -> Any:
        raise NotImplementedError

    def _open_error(self, exc: BaseException) -> PrinterError:
        raise NotImplementedError

    def open(self) -> None:
        if self.printer is not None:
            return
        printer = self._make()
        try:
            self._open(printer)
        except Exception as e:
            raise self._open_error(e.__context__ or e) from e
        self.printer = printer

    def _open(self, printer: Any) -> None:
        printer.open()

    def write(self, data: bytes) -> None:
        self.open()
        try:
            self.printer._raw(data)
        except PrinterError:
            raise
        except Exception as e:
            raise self._write_error(e) from e

    def _write_error(self, exc: BaseException) -> PrinterError:
        return PrinterError("write", f"Lỗi gửi dữ liệu tới máy in: {exc}",
                            f"Error sending data to the printer: {exc}")

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None


class NetworkConnection(EscposConnection):
    """A network printer on TCP port 9100 (raw / JetDirect)."""

    def __init__(self, host: str, port: int = 9100, timeout: float = 5.0) -> None:
        super().__init__()
        self.host, self.port, self.timeout = host, port, timeout

    def _make(self) -> Any:
        return _escpos_printer().Network(self.host, self.port, timeout=self.timeout)

    def _open(self, printer: Any) -> None:
        """Connect here: python-escpos's ``Network.open`` leaks the socket when it fails."""
        printer.device = socket.create_connection((self.host, self.port), self.timeout)

    def _open_error(self, exc: BaseException) -> PrinterError:
        where = f"{self.host}:{self.port}"
        return PrinterError("connect", f"Không kết nối được máy in mạng {where} ({exc})",
                            f"Cannot connect to the network printer {where} ({exc})")

    def _write_error(self, exc: BaseException) -> PrinterError:
        if isinstance(exc, TimeoutError):
            return PrinterError(
                "timeout", f"Máy in không nhận dữ liệu trong {self.timeout:g} giây",
                f"The printer did not take the data within {self.timeout:g} s")
        return PrinterError("lost", f"Mất kết nối tới máy in {self.host} ({exc})",
                            f"Lost the connection to the printer {self.host} ({exc})")

    def read(self, size: int, timeout: float) -> bytes:
        self.open()
        sock: socket.socket = self.printer.device
        sock.settimeout(timeout)
        try:
            return sock.recv(size)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as e:
            raise self._write_error(e) from e
        finally:
            sock.settimeout(self.timeout)


class SerialConnection(EscposConnection):
    """An RS-232 / USB-serial printer. ``devfile`` may also be a pyserial URL (``loop://``)."""

    def __init__(self, devfile: str, baudrate: int = 9600, timeout: float = 5.0,
                 dsrdtr: bool = False, xonxoff: bool = False) -> None:
        super().__init__()
        self.devfile, self.baudrate, self.timeout = devfile, baudrate, timeout
        self.dsrdtr, self.xonxoff = dsrdtr, xonxoff
        self.bytes_per_second = baudrate / 10  # 8N1: ten bits per byte

    def _make(self) -> Any:
        return _escpos_printer().Serial(devfile=self.devfile, baudrate=self.baudrate,
                                        timeout=self.timeout, dsrdtr=self.dsrdtr,
                                        xonxoff=self.xonxoff)

    def _open(self, printer: Any) -> None:
        if "://" not in self.devfile:
            printer.open()
            return
        import serial

        printer.device = serial.serial_for_url(self.devfile, baudrate=self.baudrate,
                                               timeout=self.timeout)

    def _open_error(self, exc: BaseException) -> PrinterError:
        return PrinterError("connect", f"Không mở được cổng nối tiếp {self.devfile} ({exc})",
                            f"Cannot open the serial port {self.devfile} ({exc})")

    def read(self, size: int, timeout: float) -> bytes:
        self.open()
        port = self.printer.device
        port.timeout = timeout
        try:
            return bytes(port.read(size))
        finally:
            port.timeout = self.timeout


class FileConnection(EscposConnection):
    """A device file such as /dev/usb/lp0 (the kernel's usblp driver).

    usblp allows one open at a time, so a bidirectional printer is opened once for reading
    and writing; ``bidirectional=False`` opens write-only and reports no status.
    """

    def __init__(self, devfile: str = "/dev/usb/lp0", bidirectional: bool = True) -> None:
        super().__init__()
        self.devfile = devfile
        self.readable = bidirectional

    def _make(self) -> Any:
        return _escpos_printer().File(self.devfile)

    def _open(self, printer: Any) -> None:
        if not self.readable:
            printer.open()
            return
        fd = os.open(self.devfile, os.O_RDWR | os.O_NOCTTY)
        printer.device = os.fdopen(fd, "r+b", buffering=0)

    def _open_error(self, exc: BaseException) -> PrinterError:
        dev = self.devfile
        code = getattr(exc, "errno", None)
        if code in (errno.EACCES, errno.EPERM):
            return PrinterError(
                "permission",
                f"Không có quyền mở {dev}: thêm người dùng vào nhóm lp hoặc cài quy tắc udev "
                f"{UDEV_RULE} rồi cắm lại máy in",
                f"Permission denied on {dev}: add the user to group lp or install the udev rule "
                f"{UDEV_RULE} and replug the printer")
        if code == errno.EBUSY:
            return PrinterError("busy", f"{dev} đang được chương trình khác sử dụng",
                                f"{dev} is in use by another program")
        return PrinterError("not_found", f"Không thấy máy in {dev} (chưa cắm hoặc chưa bật?)",
                            f"Printer {dev} not found (unplugged or switched off?) ({exc})")

    def read(self, size: int, timeout: float) -> bytes:
        if not self.readable:
            return b""
        self.open()
        fd = self.printer.device.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        return os.read(fd, size) if ready else b""


class DummyConnection(EscposConnection):
    """python-escpos's Dummy printer: keeps what was written in :attr:`output`; no status."""

    readable = False

    def _make(self) -> Any:
        return _escpos_printer().Dummy()

    def _open_error(self, exc: BaseException) -> PrinterError:
        return PrinterError("connect", str(exc), str(exc))

    @property
    def output(self) -> bytes:
        return self.printer.output if self.printer is not None else b""

    def read(self, size: int, timeout: float) -> bytes:
        return b""


def usb_error(exc: BaseException, vendor_id: int, product_id: int) -> PrinterError:
    """A pyusb ``USBError`` in words a technician can act on."""
    dev = f"{vendor_id:04x}:{product_id:04x}"
    code = getattr(exc, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return PrinterError(
            "permission",
            f"Không có quyền truy cập máy in USB {dev}: cài quy tắc udev {UDEV_RULE} "
            "(sudo udevadm control --reload) rồi rút ra cắm lại máy in",
            f"Permission denied on USB printer {dev}: install the udev rule {UDEV_RULE} "
            "(sudo udevadm control --reload) and replug the printer")
    if code == errno.EBUSY:
        return PrinterError(
            "busy",
            f"Máy in USB {dev} đang bận: trình điều khiển usblp của nhân (hoặc CUPS) đang giữ "
            "thiết bị; in qua /dev/usb/lp0 hoặc gỡ usblp khỏi máy in này",
            f"USB printer {dev} is busy: the kernel's usblp driver (or CUPS) holds it; print "
            "through /dev/usb/lp0 or unbind usblp from this printer")
    if code == errno.ENODEV:
        return PrinterError("unplugged", f"Máy in USB {dev} đã bị rút ra",
                            f"USB printer {dev} was unplugged")
    if code == errno.ETIMEDOUT:
        return PrinterError("timeout", f"Máy in USB {dev} không nhận dữ liệu (hết thời gian chờ)",
                            f"USB printer {dev} did not take the data (timed out)")
    return PrinterError("usb", f"Lỗi USB với máy in {dev}: {exc}",
                        f"USB error with printer {dev}: {exc}")


class UsbConnection(EscposConnection):
    """A USB printer driven directly through pyusb (libusb), as python-escpos's ``Usb``.

    The device is found, the kernel driver detached and the interface claimed up front, so a
    permission or "busy" problem is reported when the connection opens, not at the first job.
    """

    def __init__(self, vendor_id: int, product_id: int, timeout_ms: int = 5000,
                 in_ep: int = 0x82, out_ep: int = 0x01, interface: int = 0) -> None:
        super().__init__()
        self.vendor_id, self.product_id, self.timeout_ms = vendor_id, product_id, timeout_ms
        self.in_ep, self.out_ep, self.interface = in_ep, out_ep, interface

    def _make(self) -> Any:
        return _escpos_printer().Usb(self.vendor_id, self.product_id, timeout=self.timeout_ms,
                                     in_ep=self.in_ep, out_ep=self.out_ep)

    def _open(self, printer: Any) -> None:
        import usb.core
        import usb.util

        device = usb.core.find(idVendor=self.vendor_id, idProduct=self.product_id)
        if device is None:
            raise LookupError("not found")
        if _kernel_driver_active(device, self.interface):
            device.detach_kernel_driver(self.interface)
        _set_configuration(device)
        usb.util.claim_interface(device, self.interface)
        printer.device = device

    def _open_error(self, exc: BaseException) -> PrinterError:
        if isinstance(exc, LookupError):
            dev = f"{self.vendor_id:04x}:{self.product_id:04x}"
            return PrinterError("not_found",
                                f"Không thấy máy in USB {dev} (chưa cắm hoặc chưa bật?)",
                                f"USB printer {dev} not found (unplugged or switched off?)")
        return usb_error(exc, self.vendor_id, self.product_id)

    def _write_error(self, exc: BaseException) -> PrinterError:
        return usb_error(exc, self.vendor_id, self.product_id)

    def read(self, size: int, timeout: float) -> bytes:
        import usb.core

        self.open()
        try:
            return bytes(self.printer.device.read(self.in_ep, size, max(1, int(timeout * 1000))))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as e:
            raise usb_error(e, self.vendor_id, self.product_id) from e

    def close(self) -> None:
        if self.printer is not None:
            import usb.util

            usb.util.dispose_resources(self.printer.device)
            self.printer.device = False  # python-escpos's __del__ would dispose it again
            self.printer = None


def _kernel_driver_active(device: Any, interface: int) -> bool:
    try:
        return bool(device.is_kernel_driver_active(interface))
    except NotImplementedError:  # libusb0 / openusb backends cannot tell
        return False


def _set_configuration(device: Any) -> None:
    import usb.core

    try:
        device.set_configuration()
    except usb.core.USBError as e:
        if e.errno != errno.EBUSY:  # already configured by the kernel is fine ...
            raise
        # ... but a claimed interface surfaces as EBUSY from claim_interface right after.
