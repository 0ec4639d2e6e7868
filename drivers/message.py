"""One message in Vietnamese and English, and the error base that carries one.

Everything a person may read — a printer's status, a self-test line, an API refusal, a screen's
notice — is a `Message`: the clerk reads `vi`, the technician greps the log for `en`, `key` is
the stable machine name tests and logs use, `level` the colour a screen gives it. Results carry
the message whole, so no one joins the halves into "vi / en" only to split them again.

It lives in `drivers` because drivers must not import the backend while the backend and both
apps import drivers: this is the one place all of them can reach without a circle.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, NoReturn


@dataclass(frozen=True)
class Message:
    """Both halves of one message. Positional order (vi, en, level) as the apps write it."""

    vi: str
    en: str
    level: str = "info"  # info, ok, warn/warning, error
    key: str = field(default="", compare=False)  # names the words; equal words are equal

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi

    def detail(self, other: Message, sep: str = ": ") -> Message:
        """This message followed by `other`, each language with its own half."""
        return Message(f"{self.vi}{sep}{other.vi}", f"{self.en}{sep}{other.en}", self.level,
                       self.key)

    @classmethod
    def filled(cls, pair: tuple[str, str], level: str = "info", key: str = "", /,
               **values: object) -> Message:
        """A (vi, en) template filled in; a value that is itself a Message gives each language
        its own half, so "{reason}" reads Vietnamese in the Vietnamese line."""
        vi = {k: v.vi if isinstance(v, Message) else v for k, v in values.items()}
        en = {k: v.en if isinstance(v, Message) else v for k, v in values.items()}
        return cls(pair[0].format(**vi), pair[1].format(**en), level, key)

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> Message:
        return cls(data["vi"], data["en"], data.get("level", "info"), data.get("key", ""))

    @classmethod
    def from_json(cls, text: str) -> Message:
        try:
            return cls.from_dict(json.loads(text))
        except (ValueError, TypeError, KeyError):  # a row written before messages were JSON
            return cls(text, text, "error")

    @classmethod
    def of(cls, error: BaseException, level: str = "error") -> Message:
        """Any error's message; one without a Vietnamese half says so in both languages."""
        vi, en = getattr(error, "vi", None), getattr(error, "en", None)
        if vi and en:
            return cls(vi, en, level, getattr(error, "key", "") or "")
        return cls("Lỗi không mong đợi: " + str(error), "Unexpected error: " + str(error), level,
                   "unexpected")


class BilingualError(Exception):
    """Base of every error motcua explains to a person: it carries one `Message`.

    Each family keeps its own constructor (a printer error leads with its code, a modem error
    ends with the CMS number); all of them end up here with `vi`, `en` and a `key`.
    """

    key = "error"
    level = "error"

    def __init__(self, vi: str, en: str, *, key: str | None = None) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en
        if key:
            self.key = key

    @property
    def message(self) -> Message:
        return Message(self.vi, self.en, self.level, self.key)


# --- pydantic's complaints, in both languages ---------------------------------------------
# Pydantic says what is wrong in English only. The procedure catalogue, the hardware profiles and
# the queue file are YAML files people write by hand, and the API answers bad requests: all say
# what is wrong with these words, each framing them its own way (the value before, or the field
# and the value after), so only the words are here.

VALIDATION_WORDS: dict[str, tuple[str, str]] = {
    "missing": ("bị thiếu (bắt buộc)", "is missing (required)"),
    "extra_forbidden": ("là khóa không được phép", "is an unknown key"),
    "string_type": ("phải là chuỗi (đặt trong dấu nháy nếu trông giống số)",
                    "must be a string (quote it if it looks like a number)"),
    "string_too_short": ("không được để trống", "must not be empty"),
    "string_shorter_than": ("phải có ít nhất {min_length} ký tự",
                            "must have at least {min_length} characters"),
    "string_too_long": ("dài quá {max_length} ký tự", "is longer than {max_length} characters"),
    "string_pattern_mismatch": ("sai định dạng, cần {pattern}", "must be {pattern}"),
    "int_type": ("phải là số nguyên, không dùng dấu chấm hàng nghìn (100000, không 100.000)",
                 "must be a whole number without thousands separator (100000, not 100.000)"),
    "int_parsing": ("phải là số nguyên", "must be a whole number"),
    "int_from_float": ("phải là số nguyên", "must be a whole number"),
    "float_type": ("phải là số", "must be a number"),
    "float_parsing": ("phải là số", "must be a number"),
    "finite_number": ("phải là số hữu hạn", "must be a finite number"),
    "bool_type": ("phải là true hoặc false", "must be true or false"),
    "bool_parsing": ("phải là true hoặc false", "must be true or false"),
    "literal_error": ("phải là một trong {expected}", "must be one of {expected}"),
    "greater_than_equal": ("phải lớn hơn hoặc bằng {ge}", "must be at least {ge}"),
    "less_than_equal": ("phải nhỏ hơn hoặc bằng {le}", "must be at most {le}"),
    "too_short": ("phải có ít nhất {min_length} mục", "must have at least {min_length} item(s)"),
    "too_long": ("có quá nhiều mục (tối đa {max_length})", "has too many items (max {max_length})"),
    "list_type": ("phải là danh sách", "must be a list"),
    "tuple_type": ("phải là danh sách", "must be a list"),
    "model_type": ("phải là một nhóm khóa: giá trị", "must be a mapping of key: value"),
    "dict_type": ("phải là một nhóm khóa: giá trị", "must be a mapping of key: value"),
    "date_type": ("phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_parsing": ("phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("phải là ngày dạng YYYY-MM-DD", "must be a date YYYY-MM-DD"),
    "date_from_datetime_inexact": ("phải là ngày, không kèm giờ", "must be a date without time"),
    "datetime_type": ("phải là ngày giờ, ví dụ 2026-12-03T09:30:00+07:00",
                      "must be a date and time, e.g. 2026-12-03T09:30:00+07:00"),
    "datetime_parsing": ("phải là ngày giờ, ví dụ 2026-12-03T09:30:00+07:00",
                         "must be a date and time, e.g. 2026-12-03T09:30:00+07:00"),
    "datetime_from_date_parsing": ("phải là ngày giờ, ví dụ 2026-12-03T09:30:00+07:00",
                                   "must be a date and time, e.g. 2026-12-03T09:30:00+07:00"),
    "timezone_aware": ("cần ghi múi giờ, ví dụ +07:00", "needs a time zone, e.g. +07:00"),
    "greater_than": ("phải lớn hơn {gt}", "must be greater than {gt}"),
    "less_than": ("phải nhỏ hơn {lt}", "must be less than {lt}"),
    "json_invalid": ("không đọc được (JSON sai)", "is not readable JSON"),
}


def validation_words(error: Mapping[str, Any], pattern: Message | None = None) -> Message:
    """What one item of pydantic's `ValidationError.errors()` complains of, in both languages:
    "phải là một trong 'a' hoặc 'b'" / "must be one of 'a' or 'b'". `pattern` names the form a
    value that failed a regex should have; without it the regex itself is shown."""
    ctx = error.get("ctx") or {}
    if isinstance(cause := ctx.get("error"), BilingualError):  # a validator's own words
        return Message(f"sai: {cause.vi}", f"is wrong: {cause.en}", "error", error["type"])
    kind = error["type"]
    if kind == "string_too_short" and ctx.get("min_length", 1) > 1:  # "empty" only fits 1
        kind = "string_shorter_than"
    pair = VALIDATION_WORDS.get(kind, ("không hợp lệ", error["msg"]))
    values: dict[str, object] = {key: str(value) for key, value in ctx.items()}
    if "expected" in ctx:  # pydantic writes "'a', 'b' or 'c'"
        values["expected"] = Message(str(ctx["expected"]).replace(" or ", " hoặc "),
                                     str(ctx["expected"]))
    if pattern is not None:
        values["pattern"] = pattern
    return Message.filled(pair, "error", error["type"], **values)


def dotted_path(loc: Iterable[str | int]) -> str:
    """A pydantic location as a person writes it: ("workflow", 1, "unit") → workflow[1].unit."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Parser(argparse.ArgumentParser):
    """argparse for every command: a refused command line is told in Vietnamese first, with
    argparse's English beside it."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        hint = ""
        wanting = re.match(r"argument (--[\w-]+)(?:/\S+)?: expected one argument", message)
        if wanting:  # a value starting with "-" (some tokens do) reads as an option
            option = wanting.group(1)
            hint = (f"\nGiá trị bắt đầu bằng '-' thì viết liền sau '=': {option}=-… / "
                    f"a value starting with '-' goes after '=': {option}=-…")
        self.exit(2, f"{self.prog}: lệnh không hợp lệ (xem {self.prog} --help) / "
                     f"error: {message}{hint}\n")
