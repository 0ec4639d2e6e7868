"""GSM modems for SMS lookups: AT-command driver (PDU and text mode), PDU codec, fakes.

See base.py for the API the backend uses (`send`, `receive`, `on_message`) and the errors.
"""

from importlib import import_module

from drivers.modems.base import (
    ModemDisconnected,
    ModemError,
    ModemNotResponding,
    NoNetwork,
    NoSim,
    SmsError,
    SmsMessage,
    SmsModem,
)

_LAZY = {
    "AtModem": "at_modem", "AtChannel": "at_channel",
    "FakeModem": "fake", "MemorySmsModem": "fake",
    "encode_submit": "pdu", "encode_deliver": "pdu", "decode_pdu": "pdu",
}
__all__ = ["ModemDisconnected", "ModemError", "ModemNotResponding", "NoNetwork", "NoSim",
           "SmsError", "SmsMessage", "SmsModem", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f"drivers.modems.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'drivers.modems' has no attribute {name!r}")
