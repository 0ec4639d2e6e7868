"""Connections: USB (mocked pyusb), serial (pty to the virtual printer), device file, Dummy."""

from __future__ import annotations

import errno
from unittest import mock

import pytest
import usb.core
import usb.util

from drivers.printers import (
    Document,
    DummyConnection,
    EscposPrinter,
    FileConnection,
    PrinterError,
    SerialConnection,
    Text,
    UsbConnection,
    VirtualPrinter,
)

from .conftest import profile, receipt_document

VID, PID = 0x0416, 0x5011


def fake_usb_device(printer: VirtualPrinter) -> mock.MagicMock:
    """A pyusb device whose endpoints lead to the virtual printer."""
    replies = bytearray()
    device = mock.MagicMock(name="usb-device")
    device.is_kernel_driver_active.return_value = True

    def write(ep, data, timeout=None):
        replies.extend(printer.feed(bytes(data)))
        return len(data)

    def read(ep, size, timeout=None):
        if not replies:
            raise usb.core.USBTimeoutError("Operation timed out", -7, errno.ETIMEDOUT)
        out = bytes(replies[:size])
        del replies[:size]
        return out

    device.write.side_effect = write
    device.read.side_effect = read
    return device


@pytest.fixture
def no_dispose():
    with mock.patch.object(usb.util, "dispose_resources"):
        yield


def test_usb_job_through_pyusb(tmp_path, no_dispose):
    printer = VirtualPrinter(tmp_path)
    device = fake_usb_device(printer)
    with (
        mock.patch.object(usb.core, "find", return_value=device),
        mock.patch.object(usb.util, "claim_interface") as claim,
        EscposPrinter(UsbConnection(VID, PID), profile(58)) as driver,
    ):
        result = driver.print_document(receipt_document(12))
    assert result.ok and result.verified, result.reason
    device.detach_kernel_driver.assert_called_once_with(0)
    claim.assert_called_once_with(device, 0)
    assert device.write.call_args_list[0].args[0] == 0x01  # bulk OUT endpoint
    assert printer.receipts[-1].complete


def test_usb_permission_denied_points_at_udev_rule():
    device = mock.MagicMock()
    device.is_kernel_driver_active.side_effect = usb.core.USBError(
        "Access denied (insufficient permissions)", -3, errno.EACCES)
    with mock.patch.object(usb.core, "find", return_value=device):
        result = EscposPrinter(UsbConnection(VID, PID), profile(58)).print_document(
            receipt_document(5))
    assert not result.ok and result.code == "permission"
    assert result.reason.vi.startswith("Không có quyền truy cập máy in USB 0416:5011")
    assert result.reason.en.startswith("Permission denied on USB printer 0416:5011")
    assert str(result.reason).count("systemd/udev/60-motcua-printers.rules") == 2


def test_usb_busy_names_usblp():
    device = mock.MagicMock()
    device.is_kernel_driver_active.return_value = False
    busy = usb.core.USBError("Resource busy", -6, errno.EBUSY)
    with (
        mock.patch.object(usb.core, "find", return_value=device),
        mock.patch.object(usb.util, "claim_interface", side_effect=busy),
        pytest.raises(PrinterError) as caught,
    ):
        UsbConnection(VID, PID).open()
    assert caught.value.code == "busy"
    assert "usblp" in caught.value.vi and "usblp" in caught.value.en
    assert "/dev/usb/lp0" in str(caught.value)


def test_usb_not_found_and_unplugged_and_timeout(no_dispose):
    with (
        mock.patch.object(usb.core, "find", return_value=None),
        pytest.raises(PrinterError, match=r"Không thấy máy in USB 0416:5011.*not found"),
    ):
        UsbConnection(VID, PID).open()
    device = mock.MagicMock()
    device.is_kernel_driver_active.return_value = False
    for err, code in ((errno.ENODEV, "unplugged"), (errno.ETIMEDOUT, "timeout")):
        device.write.side_effect = usb.core.USBError("x", -4, err)
        with mock.patch.object(usb.core, "find", return_value=device), \
                mock.patch.object(usb.util, "claim_interface"):
            conn = UsbConnection(VID, PID)
            with pytest.raises(PrinterError) as caught:
                conn.write(b"\x1b@")
            conn.close()
        assert caught.value.code == code


def test_serial_printer_on_a_pty(tmp_path):
    printer = VirtualPrinter(tmp_path)
    with (
        printer.serve_pty() as pty,
        EscposPrinter(SerialConnection(pty.path, baudrate=115200), profile(58)) as driver,
    ):
        result = driver.print_document(receipt_document(12))
    assert result.ok and result.verified, result.reason
    assert "Người nộp: Nguyễn Thị Ánh Tuyết" in printer.receipts[-1].lines


def test_serial_port_missing():
    result = EscposPrinter(SerialConnection("/dev/ttyDOESNOTEXIST"), profile(58)).print_document(
        receipt_document(5))
    assert not result.ok and result.code == "connect"
    assert result.reason.vi.startswith("Không mở được cổng nối tiếp /dev/ttyDOESNOTEXIST")


def test_device_file_write_only(tmp_path):
    lp0 = tmp_path / "lp0"
    driver = EscposPrinter(FileConnection(str(lp0), bidirectional=False), profile(58))
    doc = Document([Text("Xin chào")])
    result = driver.print_document(doc)
    driver.close()
    assert result.ok and not result.verified  # sent, but nobody can confirm the paper
    assert lp0.read_bytes() == driver.compile(doc)


def test_device_file_errors(tmp_path):
    missing = EscposPrinter(FileConnection(str(tmp_path / "nope" / "lp0")), profile(58))
    result = missing.print_document(receipt_document(5))
    assert result.code == "not_found" and "Không thấy máy in" in result.reason.vi
    denied = PermissionError(errno.EACCES, "Permission denied")
    with mock.patch("os.open", side_effect=denied):
        result = EscposPrinter(FileConnection("/dev/usb/lp0"), profile(58)).print_document(
            receipt_document(5))
    assert result.code == "permission"
    assert "60-motcua-printers.rules" in result.reason.en and "nhóm lp" in result.reason.vi


def test_dummy_connection_keeps_output():
    conn = DummyConnection()
    driver = EscposPrinter(conn, profile(58, "cp1258"))
    doc = Document([Text("Ấn")])
    result = driver.print_document(doc)
    assert result.ok and not result.verified
    assert conn.output == driver.compile(doc)
    with pytest.raises(PrinterError, match="không báo trạng thái"):
        driver.status()
