"""ESC/POS command bytes (Epson TM series semantics), written out by hand.

python-escpos gets some of these wrong for our needs (Code 128 set C data is sent as ASCII
digits, native QR cannot be centred, text goes through a "?"-substituting encoder), so the
driver builds the stream from these small functions and uses python-escpos for connections and
image packing only.
"""

from __future__ import annotations

ESC, GS, DLE, LF = b"\x1b", b"\x1d", b"\x10", b"\n"

INIT = ESC + b"@"
ALIGN = {"left": 0, "center": 1, "right": 2}
QR_ECC = {"L": 48, "M": 49, "Q": 50, "H": 51}

# Real-time status requests (DLE EOT n) and the transmit-status request GS r 1.
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_ERROR, STATUS_PAPER = 1, 2, 3, 4


def status_request(n: int) -> bytes:
    return DLE + b"\x04" + bytes([n])


def paper_sensor_request() -> bytes:
    """GS r 1: paper sensor status (answered after the data before it has been processed)."""
    return GS + b"r\x01"


def align(where: str) -> bytes:
    return ESC + b"a" + bytes([ALIGN[where]])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def size(width: int, height: int) -> bytes:
    """GS ! - character size, 1-8 times in each direction."""
    return GS + b"!" + bytes([(width - 1) << 4 | (height - 1)])


def codepage(n: int) -> bytes:
    return ESC + b"t" + bytes([n])


def feed_lines(n: int) -> bytes:
    return ESC + b"d" + bytes([n])


def feed_dots(n: int) -> bytes:
    """ESC J n: print the buffer and feed n dots (in steps of at most 255)."""
    return b"".join(ESC + b"J" + bytes([min(255, n - i)]) for i in range(0, n, 255))


def _u16(n: int) -> bytes:
    return bytes([n & 0xFF, n >> 8])


def raster(width_bytes: int, height: int, data: bytes) -> bytes:
    """GS v 0 - raster bit image, normal density; ``data`` is rows of 1 = black bits."""
    assert len(data) == width_bytes * height, "raster data does not match its size"
    return GS + b"v0\x00" + _u16(width_bytes) + _u16(height) + data


def code128_data(data: str) -> bytes:
    """The GS k 73 payload: "{C" + one byte 0-99 per digit pair, else "{B" + ASCII."""
    if data.isdigit() and len(data) % 2 == 0:
        return b"{C" + bytes(int(data[i : i + 2]) for i in range(0, len(data), 2))
    return b"{B" + data.replace("{", "{{").encode("ascii")


def code128(data: str, module: int, height: int, hri: bool) -> bytes:
    """GS w / GS h / GS H then GS k 73 (Code 128)."""
    payload = code128_data(data)
    setup = GS + b"w" + bytes([module]) + GS + b"h" + bytes([height])
    setup += GS + b"H" + bytes([2 if hri else 0]) + GS + b"f\x00"
    return setup + GS + b"k" + bytes([73, len(payload)]) + payload


def _qr_function(fn: int, params: bytes) -> bytes:
    """GS ( k pL pH cn=49 fn params."""
    return GS + b"(k" + _u16(len(params) + 2) + bytes([49, fn]) + params


def qr(data: str, module: int, ecc: str) -> bytes:
    """GS ( k: model 2, module size, error level, store data, print the symbol."""
    return b"".join((
        _qr_function(65, b"\x32\x00"),
        _qr_function(67, bytes([module])),
        _qr_function(69, bytes([QR_ECC[ecc]])),
        _qr_function(80, b"0" + data.encode("ascii")),
        _qr_function(81, b"0"),
    ))


def cut(partial: bool = False) -> bytes:
    """GS V 65/66 0: feed to the cutting position, then a full (65) or partial (66) cut."""
    return GS + b"V" + bytes([66 if partial else 65, 0])
