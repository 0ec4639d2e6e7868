"""GSM modems (SIM800, Quectel EC2x/M95/UC20, …) sending and receiving SMS with AT commands.

    open():    AT, ATE0, AT+CMEE=1, AT+CPIN?, AT+CREG? (until registered), AT+CMGF=0|1,
               AT+CSCS="IRA", [AT+CSDH=1], AT+CNMI=2,1,0,0,0, then read what is already stored
    receive:   +CMTI: "SM",<i>  →  AT+CMGR=<i>  →  parse  →  hand over  →  AT+CMGD=<i>
    send:      AT+CMGS=<len> (PDU) or AT+CMGS="<number>" (text)  →  "> "  →  data + Ctrl-Z
               →  +CMGS: <mr>

PDU mode (the default) carries Vietnamese with diacritics as UCS-2 and splits long replies into
concatenated parts; text mode sends unaccented text (folded: "Đã nhận" → "Da nhan") for modems
or networks where PDU mode misbehaves. Incoming messages are read in either mode. Work that
needs the modem (reading a new message) runs on a dispatcher thread, never on the reader thread
that noticed it, since the reader is the one that has to see the answers.
"""

from __future__ import annotations

import csv
import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import serial

from drivers.displays.text import to_ascii
from drivers.modems.at_channel import CTRL_Z, AtChannel
from drivers.modems.base import ModemError, NoNetwork, NoSim, SmsMessage, SmsModem
from drivers.modems.pdu import UCS2, Reassembler, Sms, alphabet_of, decode_pdu, encode_submit

log = logging.getLogger(__name__)

PDU, TEXT = "pdu", "text"
REGISTERED = {"1": "home", "5": "roaming"}
TEXT_LIMIT = 160  # one plain-text SMS; text mode cannot add concatenation headers


class AtModem(SmsModem):
    """An SMS modem on a serial port. Use as a context manager, or `open()` / `close()`."""

    def __init__(self, port: str, on_message: Callable[[SmsMessage], None] | None = None, *,
                 mode: str = PDU, baudrate: int = 115200, timeout: float = 5.0,
                 send_timeout: float = 60.0, register_timeout: float = 60.0,
                 pin: str | None = None, smsc: str | None = None, part_timeout: float = 600.0,
                 retry_interval: float = 5.0,
                 opener: Callable[..., Any] = serial.serial_for_url) -> None:
        if mode not in (PDU, TEXT):
            raise ValueError(f"mode is {PDU!r} or {TEXT!r}")
        self.on_message = on_message
        self.mode, self.timeout, self.send_timeout = mode, timeout, send_timeout
        self.register_timeout, self.pin, self.smsc = register_timeout, pin, smsc
        self.retry_interval = retry_interval  # between attempts to reopen a lost port
        self.channel = AtChannel(port, baudrate=baudrate, on_urc=self._on_urc, opener=opener)
        self.parts = Reassembler(part_timeout)
        self._events: queue.Queue[tuple[str, int]] = queue.Queue()
        self._inbox: queue.Queue[SmsMessage] = queue.Queue()
        self._dispatcher: threading.Thread | None = None
        self._ready = False  # initialised since the port was last (re)opened

    # --- life cycle ----------------------------------------------------------------------------

    def open(self) -> AtModem:
        if self._dispatcher is not None:
            return self
        self.channel.open()
        try:
            self.initialise()
        except BaseException:
            self.channel.close()
            raise
        self._dispatcher = threading.Thread(target=self._dispatch, name="sms-dispatch",
                                            daemon=True)
        self._dispatcher.start()
        self._events.put(("sweep", 0))  # messages that arrived while we were not listening
        return self

    def close(self) -> None:
        if self._dispatcher is not None:
            self._events.put(("stop", 0))
            self._dispatcher.join(self.timeout + 2)
            self._dispatcher = None
        self.channel.close()

    def __enter__(self) -> AtModem:
        return self.open()

    def initialise(self) -> None:
        """Bring the modem to a known state; run again after it rebooted (RDY)."""
        self._ready = False
        self._sync()
        self.command("ATE0")
        self.command("AT+CMEE=1")  # numeric +CME ERROR codes instead of a bare ERROR
        self._check_sim()
        self.wait_for_network()
        self.command(f"AT+CMGF={0 if self.mode == PDU else 1}")
        self.command('AT+CSCS="IRA"')
        if self.mode == TEXT:
            self.command("AT+CSDH=1")  # the coding scheme in +CMGR, to spot UCS-2 bodies
        self.command("AT+CNMI=2,1,0,0,0")  # store new SMS, announce each with +CMTI
        self._ready = True

    def command(self, command: str, timeout: float | None = None, **kw: Any) -> list[str]:
        return self.channel.command(command, timeout or self.timeout, **kw)

    def _sync(self) -> None:
        # A modem still booting, or auto-detecting the baud rate, misses the first ATs.
        for attempt in range(3):
            try:
                self.command("AT", timeout=min(self.timeout, 1.0))
                return
            except ModemError:
                if attempt == 2:
                    raise

    def _check_sim(self) -> None:
        state = self._field(self.command("AT+CPIN?"), "+CPIN:")
        if state == "SIM PIN" and self.pin:
            self.command(f'AT+CPIN="{self.pin}"')
            state = self._field(self.command("AT+CPIN?"), "+CPIN:")
        if state != "READY":
            raise NoSim(f"SIM chưa sẵn sàng ({state})", f"SIM not ready ({state})")

    def wait_for_network(self) -> str:
        """Wait until registered ("home"/"roaming"); raises `NoNetwork` after the timeout."""
        deadline = time.monotonic() + self.register_timeout
        while True:
            stat = self.registration()
            if stat in REGISTERED:
                return REGISTERED[stat]
            if stat == "3" or time.monotonic() >= deadline:
                raise _not_registered(stat)
            time.sleep(min(1.0, max(self.register_timeout / 10, 0.05)))

    def registration(self) -> str:
        """The <stat> of AT+CREG?: 0 no, 1 home, 2 searching, 3 denied, 4 unknown, 5 roaming."""
        value = self._field(self.command("AT+CREG?"), "+CREG:")
        return value.split(",")[-1].strip()

    def signal_dbm(self) -> int | None:
        """Signal strength from AT+CSQ in dBm, None when the modem does not know (99)."""
        rssi = int(self._field(self.command("AT+CSQ"), "+CSQ:").split(",")[0])
        return None if rssi == 99 else -113 + 2 * rssi

    @staticmethod
    def _field(lines: list[str], prefix: str) -> str:
        for line in lines:
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        raise ModemError(f"Modem trả lời thiếu {prefix}", f"Modem answer lacks {prefix}: {lines}")

    # --- sending ---------------------------------------------------------------------------------

    def send(self, number: str, text: str) -> list[int]:
        if not re.fullmatch(r"\+?\d{3,20}", number):
            raise ValueError(f"not a phone number: {number!r}")
        if self.mode == PDU:
            return [self._submit(f"AT+CMGS={pdu.tpdu_length}", pdu.hex.encode())
                    for pdu in encode_submit(number, text, smsc=self.smsc)]
        return [self._submit(f'AT+CMGS="{number}"', chunk.encode("ascii"))
                for chunk in text_chunks(text)]

    def _submit(self, command: str, data: bytes) -> int:
        lines = self.command(command, then=data + CTRL_Z, then_timeout=self.send_timeout)
        return int(self._field(lines, "+CMGS:").split(",")[0])

    # --- receiving -------------------------------------------------------------------------------

    def receive(self, timeout: float | None = None) -> SmsMessage | None:
        try:
            return self._inbox.get(timeout=timeout)
        except queue.Empty:
            return None

    def read_message(self, index: int) -> Sms | None:
        """AT+CMGR: the stored message at `index` (None if that place is empty)."""
        lines = self.command(f"AT+CMGR={index}")
        if self.mode == PDU:  # an empty place answers "+CMGR: 0,,0" and no PDU
            return decode_pdu(lines[1]) if len(lines) > 1 else None
        return parse_text_message(lines[0], lines[1:]) if lines else None

    def stored_indexes(self) -> list[int]:
        lines = self.command('AT+CMGL=4' if self.mode == PDU else 'AT+CMGL="ALL"')
        return [int(line[6:].split(",")[0]) for line in lines if line.startswith("+CMGL:")]

    def _on_urc(self, line: str) -> None:
        """On the reader thread: only queue work, the dispatcher does it."""
        if line.startswith("+CMTI:"):
            self._events.put(("index", int(line.rsplit(",", 1)[1])))
        elif line in ("RDY", "SMS Ready"):  # the modem rebooted and forgot its settings
            self._events.put(("reinit", 0))

    def _dispatch(self) -> None:
        while True:
            try:
                what, index = self._events.get(timeout=min(1.0, self.retry_interval))
            except queue.Empty:
                self._release(self.parts.expired())
                if self.channel.alive and self._ready:
                    continue
                # A lost port, or a set-up that failed (no network yet): try again.
                what, index = ("reinit" if self.channel.alive else "reconnect"), 0
            if what == "stop":
                return
            try:
                self._handle(what, index)
            except (ModemError, ValueError) as exc:  # keep listening; log it for the operator
                log.warning("SMS %s %s failed: %s", what, index or "", exc)

    def _handle(self, what: str, index: int) -> None:
        if what == "reconnect":  # the adapter was unplugged: its by-id name may come back
            self.channel.close()
            self.channel.open()
            what = "reinit"
        if what == "reinit":
            self.initialise()
            what = "sweep"
        if what == "sweep":
            for stored in self.stored_indexes():
                self._fetch(stored)
        else:
            self._fetch(index)

    def _fetch(self, index: int) -> None:
        sms = self.read_message(index)
        if sms is not None and sms.kind == "deliver":
            self._release([whole] if (whole := self.parts.add(sms)) else [])
        self.command(f"AT+CMGD={index}")  # after handing it over: a crash before keeps it

    def _release(self, messages: list[Sms]) -> None:
        for sms in messages:
            message = SmsMessage(sms.address, sms.text, sms.timestamp)
            if self.on_message is None:
                self._inbox.put(message)
                continue
            try:
                self.on_message(message)
            except Exception:  # the app's bug must not stop SMS reception
                log.exception("on_message failed for a message from %s", sms.address)


# --- text mode helpers ---------------------------------------------------------------------------

def text_chunks(text: str) -> list[str]:
    """Unaccented text in ≤160-character SMS, split between words where possible."""
    plain = to_ascii(text).replace("\r", "")
    chunks = []
    while len(plain) > TEXT_LIMIT:
        cut = plain.rfind(" ", 0, TEXT_LIMIT + 1)
        cut = cut if cut > TEXT_LIMIT // 2 else TEXT_LIMIT
        chunks.append(plain[:cut].rstrip())
        plain = plain[cut:].lstrip()
    return [*chunks, plain]


def parse_text_message(header: str, body: list[str]) -> Sms:
    """A text-mode +CMGR answer: '+CMGR: "REC UNREAD","+8490…","","24/11/23,10:15:00+28"…'."""
    fields = next(csv.reader([header.split(":", 1)[1].strip()]))
    dcs = int(fields[7]) if len(fields) > 7 and fields[7].isdigit() else 0  # needs AT+CSDH=1
    alphabet, text = alphabet_of(dcs), "\n".join(body)
    if alphabet == UCS2:  # shown as hex in the IRA character set
        text = bytes.fromhex(text).decode("utf-16-be", "replace")
    when = parse_text_timestamp(fields[3]) if len(fields) > 3 else None
    return Sms("deliver", fields[1], text, alphabet, None, when)


def parse_text_timestamp(value: str) -> datetime | None:
    """"yy/MM/dd,hh:mm:ss±zz" with the zone in quarter hours."""
    match = re.fullmatch(r"(\d\d)/(\d\d)/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d\d)", value.strip())
    if not match:
        return None
    y, mo, d, h, mi, s, zone = (int(g) for g in match.groups())
    tz = timezone(timedelta(minutes=15 * zone))
    return datetime(2000 + y, mo, d, h, mi, s, tzinfo=tz)


def _not_registered(stat: str) -> NoNetwork:
    reasons = {"0": ("không tìm mạng", "not searching"), "2": ("đang tìm mạng", "searching"),
               "3": ("bị nhà mạng từ chối", "registration denied"), "4": ("không rõ", "unknown")}
    vi, en = reasons.get(stat, ("không rõ", "unknown"))
    return NoNetwork(f"Modem chưa đăng ký vào mạng di động: {vi} (CREG {stat})",
                     f"Modem not registered on the mobile network: {en} (CREG {stat})")
