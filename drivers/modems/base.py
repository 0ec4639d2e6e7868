"""What an SMS modem looks like to the backend: `SmsModem`, `SmsMessage` and the errors.

The backend's SMS lookup ("TTHC <mã hồ sơ>" to the short code) only needs three things: a way
to send a reply, incoming messages through a callback (or `receive()`), and errors it can show
an operator. Errors carry Vietnamese first and English beside it, and the 3GPP error number
when the modem gave one, e.g. "Lỗi gửi tin nhắn: lỗi không xác định (CMS 500) / SMS failed:
unknown error (CMS 500)".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from drivers.closing import Closing
from drivers.message import BilingualError


@dataclass(frozen=True)
class SmsMessage:
    """One incoming message, whole (concatenated parts already joined)."""

    sender: str
    text: str
    received_at: datetime | None = None  # the service centre's timestamp, with its zone


class ModemError(BilingualError):
    """`vi` for the operator, `en` for the log; `code` is the CMS/CME number if any."""

    key = "modem_error"

    def __init__(self, vi: str, en: str, code: int | None = None) -> None:
        super().__init__(vi, en)
        self.code = code


class ModemNotResponding(ModemError):
    """No answer to an AT command within its timeout."""

    key = "modem_not_responding"


class ModemDisconnected(ModemError):
    """The serial port cannot be opened or went away."""

    key = "modem_disconnected"


class NoSim(ModemError):
    """SIM missing, locked (PIN/PUK) or failed."""

    key = "no_sim"


class NoNetwork(ModemError):
    """Not registered on the mobile network (no coverage, denied, SIM not activated)."""

    key = "no_network"


class SmsError(ModemError):
    """The modem or the network refused a message (+CMS ERROR)."""

    key = "sms_error"


# 3GPP TS 27.005 §3.2.5 (+CMS ERROR) — the codes seen in practice, and what they mean here.
CMS_ERRORS: dict[int, tuple[str, str]] = {
    1: ("số điện thoại không tồn tại", "unassigned number"),
    8: ("nhà mạng chặn gửi", "operator determined barring"),
    10: ("thuê bao bị chặn gửi", "call barred"),
    21: ("tin nhắn bị từ chối", "short message transfer rejected"),
    27: ("máy nhận không hoạt động", "destination out of service"),
    38: ("mạng đang lỗi", "network out of order"),
    41: ("lỗi tạm thời của mạng", "temporary failure"),
    42: ("mạng quá tải", "congestion"),
    50: ("thuê bao chưa đăng ký dịch vụ", "requested facility not subscribed"),
    96: ("thiếu thông tin bắt buộc", "invalid mandatory information"),
    300: ("lỗi thiết bị modem", "ME failure"),
    302: ("thao tác không được phép", "operation not allowed"),
    303: ("thao tác không được hỗ trợ", "operation not supported"),
    304: ("tham số chế độ PDU sai", "invalid PDU mode parameter"),
    305: ("tham số chế độ văn bản sai", "invalid text mode parameter"),
    310: ("chưa lắp SIM", "SIM not inserted"),
    311: ("SIM cần mã PIN", "SIM PIN required"),
    313: ("SIM hỏng", "SIM failure"),
    314: ("SIM đang bận", "SIM busy"),
    316: ("SIM cần mã PUK", "SIM PUK required"),
    320: ("lỗi bộ nhớ", "memory failure"),
    321: ("vị trí bộ nhớ không hợp lệ", "invalid memory index"),
    322: ("bộ nhớ tin nhắn đầy", "memory full"),
    330: ("không rõ số tổng đài tin nhắn (SMSC)", "SMSC address unknown"),
    331: ("không có sóng/mạng", "no network service"),
    332: ("mạng không trả lời kịp", "network timeout"),
    500: ("lỗi không xác định", "unknown error"),
}
# 3GPP TS 27.007 §9.2 (+CME ERROR), the SIM and network ones: most are the CMS failure under
# another number, so they read the same; 15 and 16 have no CMS twin.
_CME_AS_CMS = {3: 302, 4: 303, 10: 310, 11: 311, 12: 316, 13: 313, 14: 314, 30: 331, 31: 332,
               100: 500}
CME_ERRORS: dict[int, tuple[str, str]] = {
    **{cme: CMS_ERRORS[cms] for cme, cms in _CME_AS_CMS.items()},
    15: ("SIM không đúng", "SIM wrong"),
    16: ("sai mã PIN", "incorrect password"),
}
_SIM_CODES = {10, 11, 12, 13, 14, 15, 16, 310, 311, 313, 314, 316}
_NETWORK_CODES = {30, 31, 331, 332}


def cms_error(code: int) -> ModemError:
    return _coded_error(code, "CMS", CMS_ERRORS, SmsError, ("Lỗi gửi tin nhắn", "SMS failed"))


def cme_error(code: int) -> ModemError:
    return _coded_error(code, "CME", CME_ERRORS, ModemError, ("Lỗi modem", "Modem error"))


def _coded_error(code: int, family: str, table: dict[int, tuple[str, str]],
                 other: type[ModemError], head: tuple[str, str]) -> ModemError:
    """A numbered +CMS/+CME ERROR as the error class a caller acts on (no SIM, no network)."""
    vi, en = table.get(code, ("lỗi không rõ", "unlisted error"))
    cls = NoSim if code in _SIM_CODES else NoNetwork if code in _NETWORK_CODES else other
    return cls(f"{head[0]}: {vi} ({family} {code})", f"{head[1]}: {en} ({family} {code})", code)


class SmsModem(Closing, ABC):
    """Sends SMS, and hands each incoming one to `on_message` (or to `receive()`)."""

    on_message: Callable[[SmsMessage], None] | None = None

    @abstractmethod
    def send(self, number: str, text: str) -> list[int]:
        """Send `text` (split into parts if long); returns the network's message references."""

    @abstractmethod
    def receive(self, timeout: float | None = None) -> SmsMessage | None:
        """The next incoming message (when there is no `on_message`), None after `timeout`."""

    def close(self) -> None:  # in-memory modems hold nothing
        """Stop listening and release the port."""
