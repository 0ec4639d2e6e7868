"""One message type and one error base: every error a person may read carries a `Message`.

Walks every module of the project (screens aside: they need a window) and checks each exception
class it defines; an exception that never reaches a person must be named below with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.client import ApiError, BackendUnreachable
from backend.domain.errors import InvalidInput
from counter_app.texts import CounterError
from drivers.message import VALIDATION_WORDS, BilingualError, Message, dotted_path, validation_words
from drivers.modems.base import CMS_ERRORS, SmsError
from drivers.printers.base import MESSAGES, PrinterError

PACKAGES = ("backend", "drivers", "kiosk_app", "counter_app", "images")
# Exceptions that never reach a person: control flow, or caught and turned into a message.
INTERNAL = {
    "backend.web.staff.session.StaffRedirect": "a redirect to the sign-in page, not an error",
    "drivers._profile_load._FileProblem": "carries a Problem to the loader's ProfileError",
    "drivers.cameras.base.EndOfStream": "a file played once has ended",
    "drivers.cameras.reedsolomon.Uncorrectable": "the QR pass reads nothing from that try",
    "drivers.modems.pdu.PduError": "a garbled PDU is logged and skipped, never shown",
    "drivers.printers.fake_parser.Incomplete": "the simulator waits for more bytes",
    "drivers.printers.vietnamese.Unencodable": "the line is printed as an image instead",
    "drivers.yamlfile.DuplicateKey": "a YAMLError the loaders explain in both languages",
}


def project_exceptions() -> dict[str, type]:
    found = {}
    for package in PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".screens" in info.name or info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            found |= {f"{info.name}.{name}": value for name, value in vars(module).items()
                      if inspect.isclass(value) and issubclass(value, BaseException)
                      and value.__module__ == info.name}
    return found


def test_every_error_root_derives_from_the_one_base():
    exceptions = project_exceptions()
    assert len(exceptions) > 30  # the walk really found the project's errors
    stray = sorted(name for name, cls in exceptions.items()
                   if not issubclass(cls, BilingualError) and name not in INTERNAL)
    assert stray == [], "derive these from drivers.message.BilingualError or list them"
    assert set(INTERNAL) <= set(exceptions), "an INTERNAL entry names no class any more"


@pytest.mark.parametrize("error", [
    InvalidInput("Sai mã", "Wrong code", key="bad_code"),
    PrinterError.of("paper_out"),
    SmsError("Lỗi gửi tin nhắn", "SMS failed", 500),
    CounterError("Hết giờ", "Closed", "closed"),
    ApiError(409, {"error": "conflict", "vi": "Trùng", "en": "Duplicate"}),
    BackendUnreachable("http://127.0.0.1:1", OSError("refused")),
])
def test_each_family_keeps_its_constructor_and_carries_a_message(error):
    message = error.message
    assert isinstance(message, Message) and message.level == "error"
    assert message.vi and message.en and message.vi != message.en
    assert message.key == error.key
    assert str(error).startswith(f"{message.vi} / {message.en}")


def test_a_message_travels_whole_and_reads_in_each_language():
    paper = Message("Máy in hết giấy", "Printer out of paper", "error", "paper_out")
    assert Message.from_json(paper.to_json()) == paper
    assert Message.from_json(paper.to_json()).key == "paper_out"
    assert paper.text("en") == "Printer out of paper" and paper.text("vi") == "Máy in hết giấy"
    after = Message("Máy in không sẵn sàng", "Printer not ready").detail(paper)
    assert (after.vi, after.en) == ("Máy in không sẵn sàng: Máy in hết giấy",
                                    "Printer not ready: Printer out of paper")
    assert Message.of(PrinterError.of("cover_open")).key == "cover_open"
    odd = Message.of(RuntimeError("boom"))
    assert odd.vi == "Lỗi không mong đợi: boom" and odd.en == "Unexpected error: boom"


def test_a_row_stored_before_messages_were_json_still_reads():
    old = Message.from_json("Máy in hết giấy / Printer out of paper")
    assert old.vi == old.en == "Máy in hết giấy / Printer out of paper"


@pytest.mark.parametrize(("table", "pairs"), [
    ("printer reasons", MESSAGES), ("modem CMS errors", CMS_ERRORS),
    ("pydantic's complaints", VALIDATION_WORDS)])
def test_every_device_message_has_both_languages(table, pairs):
    for code, (vi, en) in pairs.items():
        assert vi.strip() and en.strip() and vi != en, f"{table} {code}"
        assert en.isascii(), f"{table} {code}: English with Vietnamese letters"


class _Shelf(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["box", "tray"]
    code: Annotated[str, Field(pattern=r"^[a-z]+$")]
    rows: list[Annotated[int, Field(ge=1)]]


def _complaints(data: dict, pattern: Message | None = None) -> dict[str, Message]:
    with pytest.raises(ValidationError) as caught:
        _Shelf.model_validate(data)
    return {dotted_path(e["loc"]): validation_words(e, pattern) for e in caught.value.errors()}


def test_pydantic_complaints_read_in_both_languages_with_their_values():
    said = _complaints({"kind": "crate", "code": "A1", "rows": [2, 0], "colour": "red"})
    assert (said["kind"].vi, said["kind"].en) == ("phải là một trong 'box' hoặc 'tray'",
                                                  "must be one of 'box' or 'tray'")
    assert (said["rows[1]"].vi, said["rows[1]"].en) == ("phải lớn hơn hoặc bằng 1",
                                                        "must be at least 1")
    assert said["colour"].en == "is an unknown key" and said["colour"].key == "extra_forbidden"
    assert said["code"].en == "must be ^[a-z]+$"  # no words for the form: the regex itself


def test_a_pattern_complaint_names_the_form_it_is_given():
    said = _complaints({"kind": "box", "code": "A1", "rows": []},
                       Message("chữ thường", "lower-case letters"))
    assert (said["code"].vi, said["code"].en) == ("sai định dạng, cần chữ thường",
                                                  "must be lower-case letters")


def test_a_complaint_pydantic_has_no_words_for_keeps_its_english():
    words = validation_words({"type": "uuid_type", "msg": "UUID input should be a string"})
    assert (words.vi, words.en) == ("không hợp lệ", "UUID input should be a string")
