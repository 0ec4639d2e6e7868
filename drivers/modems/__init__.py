"""GSM modems for SMS lookups: AT-command driver (PDU and text mode), PDU codec, fakes.

See base.py for the API the backend uses (`send`, `receive`, `on_message`) and the errors.
"""

from drivers.lazy import lazy_attributes
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


__getattr__ = lazy_attributes(__name__, _LAZY)
