"""One message in Vietnamese and English, and the error base that carries one.

Everything a person may read — a printer's status, a self-test line, an API refusal, a screen's
notice — is a `Message`: the clerk reads `vi`, the technician greps the log for `en`, `key` is
the stable machine name tests and logs use, `level` the colour a screen gives it. Results carry
the message whole, so no one joins the halves into "vi / en" only to split them again.

It lives in `drivers` because drivers must not import the backend while the backend and both
apps import drivers: this is the one place all of them can reach without a circle.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


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
