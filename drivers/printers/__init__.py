"""Receipt printers: document model, ESC/POS driver, connections and a virtual printer.

    from drivers.printers import Document, Text, QR, Cut, EscposPrinter, PrinterProfile
    from drivers.printers import NetworkConnection

    printer = EscposPrinter(NetworkConnection("192.168.1.50"), PrinterProfile.for_paper(80))
    result = printer.print_document(Document([Text("Xin chào"), Cut()]))
    if not result.ok:
        show(result.reason)   # Message("Máy in hết giấy", "Printer out of paper", "error")
"""

from drivers.message import Message

from .base import Connection, JobResult, PrinterError, PrinterProfile, PrinterStatus
from .compiler import DocumentError, compile_document
from .connections import (
                   DummyConnection,
                   FileConnection,
                   NetworkConnection,
                   SerialConnection,
                   UsbConnection,
)
from .document import QR, Barcode128, Block, Cut, Document, Feed, Image, Rule, Text
from .escpos import EscposPrinter, parse_status
from .fake import Faults, Receipt, VirtualConnection, VirtualPrinter, VirtualPrinterServer
from .port import PrinterPort
from .vietnamese import VIETNAMESE_LETTERS, Tcvn3Encoder, decode_cp1258, encode_cp1258

__all__ = [
    "QR", "VIETNAMESE_LETTERS", "Barcode128", "Block", "Connection", "Cut", "Document",
    "DocumentError", "DummyConnection", "EscposPrinter", "Faults", "Feed", "FileConnection",
    "Image", "JobResult", "Message", "NetworkConnection", "PrinterError", "PrinterPort",
    "PrinterProfile", "PrinterStatus", "Receipt", "Rule", "SerialConnection", "Tcvn3Encoder",
    "Text", "UsbConnection", "VirtualConnection", "VirtualPrinter", "VirtualPrinterServer",
    "compile_document", "decode_cp1258", "encode_cp1258", "parse_status",
]
