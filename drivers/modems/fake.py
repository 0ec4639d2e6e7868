"""Stand-ins for SMS modems, for tests and for running the backend on a laptop.

- `FakeModem`: a SIM800-like modem on a pty. It answers the AT commands `AtModem` uses (and a
  few more), stores incoming messages as real SMS-DELIVER PDUs, announces them with +CMTI,
  decodes what is sent (PDU or text mode), and can be put into faults: no SIM, SIM PIN, no
  network, registration denied, silent, a +CMS ERROR on sending, a reboot.
- `MemorySmsModem`: an `SmsModem` with no port at all; `inject()` an incoming message, read
  `sent`.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from drivers.displays.pty import PtyDevice
from drivers.modems.base import SmsMessage, SmsModem
from drivers.modems.pdu import DCS, PduError, Reassembler, Sms, decode_pdu, encode_deliver

VN = timezone(timedelta(hours=7))
FAULTS = ("silent", "no_sim", "sim_pin", "no_network", "denied", "cms_error")


@dataclass
class Sent:
    """A whole message the modem was asked to send (parts joined)."""

    number: str
    text: str
    mode: str  # "pdu" | "text"
    alphabet: str = "gsm7"
    parts: list[Sms] = field(default_factory=list)


@dataclass
class _Stored:
    pdu: str
    sms: Sms
    read: bool = False


class FakeModem(PtyDevice):
    """A SIM800-style GSM modem on a pty. Answers come from the pty thread, as from hardware."""

    def __init__(self, smsc: str = "+84980200030", capacity: int = 30, pin: str = "1234") -> None:
        self.smsc, self.capacity, self.pin = smsc, capacity, pin
        self.fault: str | None = None
        self.cms_code = 500
        self.sent: list[Sent] = []
        self.submitted: list[Sms] = []  # every part, as decoded
        self.commands: list[str] = []
        self.store: dict[int, _Stored] = {}
        self._lock = threading.RLock()
        self._joiner = Reassembler()
        self._reference = 0
        self._reset_settings()
        self._buffer = b""
        self._prompt: str | None = None  # the AT+CMGS waiting for its data
        self._attach("ttyMODEM")

    def _reset_settings(self) -> None:
        self.echo, self.cmgf, self.cnmi, self.csdh, self.unlocked = True, 0, False, False, False

    # --- the test's controls -------------------------------------------------------------------

    def inject(self, fault: str | None, code: int = 500) -> None:
        """One of FAULTS (None heals); `code` is the +CMS ERROR for 'cms_error'."""
        if fault is not None and fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {FAULTS}")
        self.fault, self.cms_code = fault, code

    def deliver(self, sender: str, text: str, when: datetime | None = None,
                notify: bool = True) -> list[int]:
        """An SMS arrives from the network: stored (one place per part), +CMTI for each."""
        when = when or datetime.now(VN).replace(microsecond=0)
        indexes = []
        with self._lock:
            for pdu in encode_deliver(sender, text, when, smsc=self.smsc):
                index = self._free_index()
                self.store[index] = _Stored(pdu, decode_pdu(pdu))
                indexes.append(index)
                if notify and self.cnmi:
                    self._send(f'\r\n+CMTI: "SM",{index}\r\n')
        return indexes

    def reboot(self) -> None:
        """Power glitch: settings are lost, stored messages stay, the modem says RDY."""
        with self._lock:
            self._reset_settings()
            self._send("\r\nRDY\r\n")

    def replug(self) -> None:
        """Plugged back in: same port name, a freshly powered modem (settings lost)."""
        with self._lock:
            self._reset_settings()
            self._buffer, self._prompt = b"", None
        super().replug()

    def _free_index(self) -> int:
        free = [i for i in range(1, self.capacity + 1) if i not in self.store]
        if not free:
            raise OverflowError("SIM message store full")
        return free[0]

    # --- the byte stream ----------------------------------------------------------------------

    def _on_data(self, data: bytes) -> None:
        if self.fault == "silent":
            return
        with self._lock:
            self._buffer += data
            while self._step():
                pass

    def _step(self) -> bool:
        """Handle one complete command or one prompt's data; False when more bytes are needed."""
        if self._prompt is not None:
            end = re.search(rb"[\x1a\x1b]", self._buffer)
            if end is None:
                return False
            body, self._buffer = self._buffer[: end.start()], self._buffer[end.end():]
            command, self._prompt = self._prompt, None
            if end.group() == b"\x1a":
                self._submitted(command, body.decode("ascii", "replace"))
            return True
        if b"\r" not in self._buffer:
            return False
        raw, self._buffer = self._buffer.split(b"\r", 1)
        # Stray control bytes (an ESC that cancelled a prompt we never gave) are ignored.
        line = "".join(c for c in raw.decode("ascii", "replace") if c >= " ").strip()
        if line:
            if self.echo:
                self._send(line + "\r")
            self.commands.append(line)
            self._command(line)
        return True

    def _send(self, text: str) -> None:
        self.peer.write(text.encode("ascii"))

    def _answer(self, *lines: str, final: str = "OK") -> None:
        self._send("".join(f"\r\n{line}\r\n" for line in lines) + f"\r\n{final}\r\n")

    def _error(self, kind: str, code: int) -> None:
        self._send(f"\r\n+{kind} ERROR: {code}\r\n")

    # --- commands ---------------------------------------------------------------------------

    def _command(self, line: str) -> None:
        upper = line.upper()
        for pattern, handler in self._handlers():
            match = re.fullmatch(pattern, upper)
            if match:
                handler(*match.groups())
                return
        self._send("\r\nERROR\r\n")

    def _handlers(self) -> list[tuple[str, Callable[..., None]]]:
        return [
            (r"AT", lambda: self._answer()),
            (r"ATE([01])", self._set_echo),
            (r"ATI", lambda: self._answer("SIM800 R14.18")),
            (r"AT\+CMEE=\d", lambda: self._answer()),
            (r"AT\+CPIN\?", self._cpin),
            (r'AT\+CPIN="?(\w+)"?', self._enter_pin),
            (r"AT\+CREG\?", self._creg),
            (r"AT\+CSQ", lambda: self._answer("+CSQ: 18,0")),
            (r"AT\+CMGF=([01])", self._set_mode),
            (r'AT\+CSCS="(\w+)"', lambda cs: self._answer()),
            (r"AT\+CSDH=([01])", self._set_csdh),
            (r"AT\+CNMI=([\d,]+)", self._set_cnmi),
            (r"AT\+CMGR=(\d+)", self._cmgr),
            (r"AT\+CMGD=(\d+)(?:,\d)?", self._cmgd),
            (r'AT\+CMGL(?:=(\d|"[A-Z ]+"))?', self._cmgl),
            (r'AT\+CMGS=(\d+|"\+?\d+")(?:,\d+)?', self._cmgs),
        ]

    def _set_echo(self, on: str) -> None:
        self.echo = on == "1"
        self._answer()

    def _set_mode(self, mode: str) -> None:
        self.cmgf = int(mode)
        self._answer()

    def _set_csdh(self, on: str) -> None:
        self.csdh = on == "1"
        self._answer()

    def _set_cnmi(self, args: str) -> None:
        self.cnmi = args.split(",")[1:2] == ["1"]
        self._answer()

    def _cpin(self) -> None:
        if self.fault == "no_sim":
            self._error("CME", 10)
        elif self.fault == "sim_pin" and not self.unlocked:
            self._answer("+CPIN: SIM PIN")
        else:
            self._answer("+CPIN: READY")

    def _enter_pin(self, pin: str) -> None:
        if pin == self.pin:
            self.unlocked = True
            self._answer()
        else:
            self._error("CME", 16)

    def _creg(self) -> None:
        stat = {"no_network": 2, "denied": 3}.get(self.fault or "", 1)
        self._answer(f"+CREG: 0,{stat}")

    def _cmgr(self, index: str) -> None:
        i = int(index)
        if not 1 <= i <= self.capacity:
            return self._error("CMS", 321)
        stored = self.store.get(i)
        if stored is None:
            return self._answer("+CMGR: 0,,0") if self.cmgf == 0 else self._answer()
        status, stored.read = (1 if stored.read else 0), True
        if self.cmgf == 0:
            return self._answer(f"+CMGR: {status},,{_tpdu_length(stored.pdu)}", stored.pdu)
        return self._answer(self._text_header(stored, status), self._text_body(stored.sms))

    def _text_header(self, stored: _Stored, status: int) -> str:
        sms, label = stored.sms, ("REC UNREAD", "REC READ")[status]
        stamp = _text_timestamp(sms.timestamp) if sms.timestamp else ""
        head = f'+CMGR: "{label}","{sms.address}","","{stamp}"'
        if self.csdh:
            head += f',145,4,0,{DCS[sms.alphabet]},"{self.smsc}",145,{len(sms.text)}'
        return head

    @staticmethod
    def _text_body(sms: Sms) -> str:
        return sms.text.encode("utf-16-be").hex().upper() if sms.alphabet == "ucs2" else sms.text

    def _cmgd(self, index: str) -> None:
        self.store.pop(int(index), None)
        self._answer()

    def _cmgl(self, which: str | None) -> None:
        lines = []
        for i, stored in sorted(self.store.items()):
            if self.cmgf == 0:
                lines += [f"+CMGL: {i},{int(stored.read)},,{_tpdu_length(stored.pdu)}",
                          stored.pdu]
            else:
                head = self._text_header(stored, int(stored.read)).replace("+CMGR:", "+CMGL:")
                lines += [head.replace("+CMGL: ", f"+CMGL: {i},", 1), self._text_body(stored.sms)]
        self._answer(*lines)

    def _cmgs(self, argument: str) -> None:
        if self.fault == "no_network":
            return self._error("CMS", 331)
        if (self.cmgf == 0) != argument.isdigit():
            return self._error("CMS", 304 if self.cmgf == 0 else 305)
        self._prompt = f"AT+CMGS={argument}"
        self._send("\r\n> ")

    def _submitted(self, command: str, body: str) -> None:
        if self.fault == "cms_error":
            return self._error("CMS", self.cms_code)
        argument = command.split("=", 1)[1]
        try:
            sms = self._decode_submit(argument, body)
        except PduError:
            return self._error("CMS", 304)
        self.submitted.append(sms)
        self._record(sms, "pdu" if argument.isdigit() else "text")
        self._reference = (self._reference + 1) % 256
        self._answer(f"+CMGS: {self._reference}")

    def _decode_submit(self, argument: str, body: str) -> Sms:
        if not argument.isdigit():
            return Sms("submit", argument.strip('"'), body, "gsm7")
        sms = decode_pdu(body)
        if _tpdu_length(body) != int(argument):  # a real modem checks this too
            raise PduError("length mismatch")
        return sms

    def _record(self, sms: Sms, mode: str) -> None:
        whole = self._joiner.add(sms)
        if whole is not None:
            parts = [p for p in self.submitted if p.address == sms.address][-(
                sms.part.total if sms.part else 1):]
            self.sent.append(Sent(whole.address, whole.text, mode, whole.alphabet, parts))


def _tpdu_length(pdu: str) -> int:
    """Octets after the SMSC field, as +CMGR/+CMGL report and AT+CMGS announces."""
    return len(pdu) // 2 - (int(pdu[:2], 16) + 1)


def _text_timestamp(when: datetime) -> str:
    quarters = int((when.utcoffset() or timedelta(0)).total_seconds() // 900)
    return when.strftime("%y/%m/%d,%H:%M:%S") + f"{quarters:+03d}"


class MemorySmsModem(SmsModem):
    """An `SmsModem` without hardware: `inject()` plays an incoming SMS, `sent` keeps replies."""

    def __init__(self, on_message: Callable[[SmsMessage], None] | None = None) -> None:
        self.on_message = on_message
        self.sent: list[tuple[str, str]] = []
        self.fail: Exception | None = None
        self._inbox: queue.Queue[SmsMessage] = queue.Queue()
        self._reference = 0

    def inject(self, sender: str, text: str, when: datetime | None = None) -> SmsMessage:
        message = SmsMessage(sender, text, when or datetime.now(VN))
        if self.on_message is not None:
            self.on_message(message)
        else:
            self._inbox.put(message)
        return message

    def send(self, number: str, text: str) -> list[int]:
        if self.fail is not None:
            raise self.fail
        self.sent.append((number, text))
        self._reference += 1
        return [self._reference]

    def receive(self, timeout: float | None = None) -> SmsMessage | None:
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None
