"""Queue-call announcements: "Xin mời số thứ tự A 0 1 2, đến quầy số 3", said twice.

An announcement is planned as words (the ticket's letters by their Vietnamese names, its digits
one by one, the counter as a number), built into one WAV from cached clips (clips.py) with short
gaps, a comma pause and an optional chime, and played. Built WAVs are cached too, so calling
the same ticket again (a citizen who did not come) costs nothing; the cache keeps only the most
recent `keep` of them, since tickets × counters would otherwise fill a kiosk's SD card.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.audio.base import AudioError, AudioPlayer
from drivers.audio.clips import ClipCache, Pcm, concatenate, silence, write_wav
from drivers.closing import Closing

log = logging.getLogger(__name__)

CALL_PHRASE = "Xin mời số thứ tự"
COUNTER_PHRASE = "đến quầy số"
DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Letter names as Vietnamese schools teach them; F, J, W, Z by their common loan-word names.
# J is written "di": espeak-ng reads a bare "gi" as a lone consonant, and "di" sounds the same
# in the northern voice.
LETTERS = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê",
    "H": "hát", "I": "i", "J": "di", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ",
    "O": "o", "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê",
    "W": "vê kép", "X": "ích xì", "Y": "i dài", "Z": "dét",
}
# Number words beyond the digits: mười (ten), mươi (-ty), mốt (…one after 20), tư, lăm.
NUMBER_WORDS = {"mười": "number-10", "mươi": "number-tens", "mốt": "number-1-after-tens",
                "tư": "number-4-after-tens", "lăm": "number-5-after-tens"}
CHIME, PAUSE, REPEAT = "<chime>", "<pause>", "<repeat>"


@dataclass(frozen=True)
class Word:
    key: str  # the clip's name in the cache, and of a recorded replacement (<key>.wav)
    text: str  # what is said


@dataclass(frozen=True)
class Gap:
    seconds: float
    label: str = ""  # shown in Announcement.sequence; gaps between words have none


def digit(d: int) -> Word:
    return Word(f"digit-{d}", DIGITS[d])


def ticket_words(ticket: str) -> list[Word]:
    """"A012" / "A-012" → a, không, một, hai. Separators are not said."""
    words = []
    for char in ticket.upper():
        if char.isdigit():
            words.append(digit(int(char)))
        elif char in LETTERS:
            words.append(Word(f"letter-{'dd' if char == 'Đ' else char.lower()}", LETTERS[char]))
    if not words:
        raise ValueError(f"nothing to say in ticket {ticket!r}")
    return words


def number_words(n: int) -> list[Word]:
    """A counter number as it is said: 3 → ba, 15 → mười lăm, 21 → hai mươi mốt.

    Above 99 (no centre has that many counters) the digits are read one by one.
    """
    if n < 0:
        raise ValueError("counter numbers are not negative")
    if n < 10 or n > 99:
        return [digit(int(c)) for c in str(n)]
    tens, unit = divmod(n, 10)
    head = [_number("mười")] if tens == 1 else [digit(tens), _number("mươi")]
    if unit == 0:
        return head
    if unit == 5:
        return [*head, _number("lăm")]
    if tens > 1 and unit in (1, 4):
        return [*head, _number("mốt" if unit == 1 else "tư")]
    return [*head, digit(unit)]


def _number(text: str) -> Word:
    return Word(NUMBER_WORDS[text], text)


def call_words(ticket: str, counter: int) -> list[Word | str]:
    """One pass of the call, with PAUSE where the comma is."""
    return [Word("phrase-call", CALL_PHRASE), *ticket_words(ticket), PAUSE,
            Word("phrase-counter", COUNTER_PHRASE), *number_words(counter)]


def vocabulary() -> list[Word]:
    """Every clip an announcement can need: synthesise these once, at install time."""
    fixed = [Word("phrase-call", CALL_PHRASE), Word("phrase-counter", COUNTER_PHRASE)]
    letters = [w for c in LETTERS for w in ticket_words(c)]
    return fixed + letters + [digit(d) for d in range(10)] + [_number(t) for t in NUMBER_WORDS]


@dataclass(frozen=True)
class Announcement:
    ticket: str
    counter: int
    tokens: list[str]  # the words of one pass, in order
    sequence: list[str]  # the WAV in order: CHIME, words, PAUSE (comma), REPEAT, words again
    path: Path
    duration: float  # seconds

    @property
    def spoken(self) -> list[str]:
        return [s for s in self.sequence if s not in (CHIME, PAUSE, REPEAT)]


class Announcer(Closing):
    """Builds announcements from a `ClipCache` and plays them on an `AudioPlayer`."""

    def __init__(self, clips: ClipCache, player: AudioPlayer | None = None, *, repeat: int = 2,
                 chime: bool = True, word_gap: float = 0.08, comma: float = 0.3,
                 repeat_gap: float = 1.0, keep: int = 200,
                 on_error: Callable[[AudioError], None] | None = None) -> None:
        self.clips, self.player = clips, player
        self.repeat, self.chime = repeat, chime
        self.word_gap, self.comma, self.repeat_gap = word_gap, comma, repeat_gap
        self.keep = keep
        self.on_error = on_error
        self.folder = clips.folder / "announcements"
        self._jobs: queue.Queue[tuple[str, int] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def tokens(self, ticket: str, counter: int) -> list[str]:
        return [w.text for w in call_words(ticket, counter) if isinstance(w, Word)]

    def warm_up(self) -> int:
        """Synthesise every clip not yet cached; returns how many were made."""
        before = self.clips.synthesised
        for word in vocabulary():
            self.clips.clip(word.key, word.text)
        return self.clips.synthesised - before

    def build(self, ticket: str, counter: int) -> Announcement:
        plan = self._plan(call_words(ticket, counter))
        path = self._path_for(plan)
        with self._lock:
            if not path.is_file():
                write_wav(path, concatenate(self._render(step) for step in plan))
                self._prune()
        sequence = [_label(step) for step in plan]
        return Announcement(ticket, counter, self.tokens(ticket, counter),
                            [label for label in sequence if label], path, wav_duration(path))

    def announce(self, ticket: str, counter: int, *, wait: bool = True) -> Announcement | None:
        """Build and play. `wait=False` queues it for a worker thread (calls never overlap)."""
        if not wait:
            self._start_worker()
            self._jobs.put((ticket, counter))
            return None
        announcement = self.build(ticket, counter)
        if self.player is not None:
            self.player.play(announcement.path)
        return announcement

    def close(self, timeout: float = 30.0) -> None:
        """Finish the queued announcements and stop the worker."""
        worker, self._worker = self._worker, None
        if worker is not None:
            self._jobs.put(None)
            worker.join(timeout)

    # --- planning and rendering -----------------------------------------------------------

    def _plan(self, words: list[Word | str]) -> list[Word | Gap | str]:
        plan: list[Word | Gap | str] = [CHIME, Gap(0.3)] if self.chime else []
        for n in range(self.repeat):
            if n:
                plan.append(Gap(self.repeat_gap, REPEAT))
            for i, word in enumerate(words):
                plan.append(Gap(self.comma, PAUSE) if word == PAUSE else word)
                if isinstance(word, Word) and i + 1 < len(words) and words[i + 1] != PAUSE:
                    plan.append(Gap(self.word_gap))
        return plan

    def _render(self, step: Word | Gap | str) -> Pcm:
        if isinstance(step, Word):
            return self.clips.clip(step.key, step.text)
        if isinstance(step, Gap):
            return silence(step.seconds, self.clips.rate)
        return self.clips.chime()

    def _path_for(self, plan: list[Word | Gap | str]) -> Path:
        steps = [[s.key, s.text] if isinstance(s, Word)
                 else s.seconds if isinstance(s, Gap) else s for s in plan]
        blob = json.dumps([self.clips.signature(), steps], ensure_ascii=False)
        digest = hashlib.sha1(blob.encode()).hexdigest()[:16]
        return self.folder / f"{digest}.wav"

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.wav"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[: max(len(files) - self.keep, 0)]:
            old.unlink(missing_ok=True)

    # --- the worker --------------------------------------------------------------------------

    def _start_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="announcer", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                self.announce(*job)
            except AudioError as exc:  # the app shows it; the next call may work again
                log.warning("announcement %s failed: %s", job, exc)
                if self.on_error is not None:
                    self.on_error(exc)


def _label(step: Word | Gap | str) -> str:
    if isinstance(step, Word):
        return step.text
    return step.label if isinstance(step, Gap) else step


def wav_duration(path: str | Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()
