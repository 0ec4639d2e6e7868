"""Queue practice: tickets per service letter, priority first, announcements. Pure logic.

Tickets look like A-012, restart at 1 every day, and are called priority first (elderly,
disabled, pregnant), then in the order they were issued. Screens and calls never show names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from backend.domain.errors import InvalidInput
from drivers.message import Message, dotted_path, validation_words

LETTER_PATTERN = r"^[A-Z]$"
Letter = Annotated[str, StringConstraints(pattern=LETTER_PATTERN)]
_LETTER_WORDS = Message("một chữ cái in hoa A–Z", "one capital letter A–Z")
PRIORITY_REASONS = ("elderly", "disabled", "pregnant", "child", "other")


class Service(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    letter: Letter
    name: str = Field(min_length=1)
    fields: tuple[str, ...] = ()
    daily_limit: int = Field(ge=1, le=999)


class Counter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1, le=99)
    services: tuple[Letter, ...] = Field(min_length=1)


class QueueConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    services: tuple[Service, ...] = Field(min_length=1)
    counters: tuple[Counter, ...] = Field(min_length=1)

    def service(self, letter: str) -> Service:
        for service in self.services:
            if service.letter == letter:
                return service
        raise InvalidInput(f"Không có dịch vụ '{letter}'", f"No service '{letter}'",
                           field="service")

    def counter(self, number: int) -> Counter:
        for counter in self.counters:
            if counter.number == number:
                return counter
        raise InvalidInput(f"Không có quầy số {number}", f"No counter number {number}",
                           field="counter")


def queue_config(data: object, file_name: str) -> QueueConfig:
    """queue.yaml's content, validated (backend/catalog reads the file)."""
    try:
        config = QueueConfig.model_validate(data)
    except ValidationError as exc:
        problems = [_problem(error) for error in exc.errors()]
        raise InvalidInput(f"Tệp cấu hình hàng đợi {file_name} sai: "
                           + "; ".join(p.vi for p in problems),
                           f"Queue configuration {file_name} is invalid: "
                           + "; ".join(p.en for p in problems)) from None
    letters = {s.letter for s in config.services}
    for counter in config.counters:
        unknown = set(counter.services) - letters
        if unknown:
            raise InvalidInput(f"Quầy {counter.number} phục vụ dịch vụ không có: {unknown}",
                               f"Counter {counter.number} serves unknown services: {unknown}")
    return config


def _problem(error) -> Message:
    """One of pydantic's complaints as a person reads it: where, then what, in both languages."""
    pattern = _LETTER_WORDS if (error.get("ctx") or {}).get("pattern") == LETTER_PATTERN else None
    words = validation_words(error, pattern)
    where = dotted_path(error["loc"])
    return Message(f"{where} {words.vi}", f"{where} {words.en}")


def label(letter: str, number: int) -> str:
    return f"{letter}-{number:03d}"


@dataclass(frozen=True)
class Waiting:
    id: int
    service: str
    priority: bool
    issued_seq: int  # the order of issue across the day, kept through transfers
    counter: int | None = None  # set when transferred to one particular counter


def pick_next(waiting: list[Waiting], counter: Counter) -> Waiting | None:
    """Priority tickets first, then first issued; only this counter's services or transfers."""
    eligible = [w for w in waiting
                if w.counter == counter.number or (w.counter is None and
                                                  w.service in counter.services)]
    if not eligible:
        return None
    return min(eligible, key=lambda w: (not w.priority, w.issued_seq))


def people_ahead(waiting: list[Waiting], ticket: Waiting) -> int:
    """How many will be called before this ticket for the same service."""
    return sum(1 for w in waiting if w.id != ticket.id and w.service == ticket.service and
               (w.priority, -w.issued_seq) > (ticket.priority, -ticket.issued_seq))


DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def announcement(ticket_label: str, counter: int) -> str:
    """'Xin mời số thứ tự A 0 1 2, đến quầy số 3': digits one by one, as the halls say it."""
    letter, number = ticket_label.split("-")
    return f"Xin mời số thứ tự {letter} {' '.join(number)}, đến quầy số {counter}"


def announcement_words(ticket_label: str, counter: int) -> list[str]:
    """The same call as spoken words, for a voice built from recorded clips."""
    letter, number = ticket_label.split("-")
    spoken_counter = [DIGITS[int(d)] for d in str(counter)]
    return (["xin mời số thứ tự", letter] + [DIGITS[int(d)] for d in number] +
            ["đến quầy số", *spoken_counter])
