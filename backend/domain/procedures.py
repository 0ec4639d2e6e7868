"""The procedure catalog (thủ tục hành chính): versioned YAML files, validated and searchable.
The files are read by `backend/catalog/__init__.py`; this module checks what they hold.

`backend/catalog/units.yaml` lists the units of the site; `backend/catalog/procedures/` holds
one file per procedure version, named `<code>.yaml` (or `<code>@<version>.yaml` to keep an
older version beside the current one). A case stores the version it was received under as a
JSON snapshot (`Procedure.from_snapshot`), so a later catalog edit never changes an old case.

Every mistake in a file is reported as a `CatalogError` naming the file, the field path and
the problem, in Vietnamese first and English beside it, because the people who keep these
files up to date read Vietnamese.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
)

from backend.domain import vocabulary
from backend.domain.errors import BilingualError, Message
from backend.domain.text import fold
from drivers.message import dotted_path, validation_words

UnitKind = Literal["reception", "department", "leadership", "external"]
Role = Literal["clerk", "officer", "leader"]
TimeUnit = Literal["working_days", "calendar_days", "working_hours"]
FeeWhen = Literal["at_intake", "at_return", "none"]
Channel = Literal["counter", "post", "online"]

# Each format with the words shown when a value does not fit it (Vietnamese, English).
_FORMATS = {
    "slug": (r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", "chữ thường không dấu, số, gạch nối (vd. ho-tich)",
             "lower-case letters, digits and dashes (e.g. ho-tich)"),
    "unit": (r"^[A-Z][A-Z0-9_]*$", "chữ in hoa không dấu (vd. MOTCUA)",
             "upper-case letters (e.g. MOTCUA)"),
    "procedure": (r"^\d\.\d{6}$", "dạng 1.001612", "like 1.001612"),
    "agency": (r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$", "dạng 000.00.06.H56", "like 000.00.06.H56"),
}
_FORMAT_WORDS = {pattern: (vi, en) for pattern, vi, en in _FORMATS.values()}


def _format(name: str) -> StringConstraints:
    return StringConstraints(pattern=_FORMATS[name][0])


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, _format("slug")]
UnitCode = Annotated[str, _format("unit")]
ProcedureCode = Annotated[str, _format("procedure")]
AgencyCode = Annotated[str, _format("agency")]
Count = Annotated[StrictInt, Field(ge=0)]
Time = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class CatalogError(BilingualError, ValueError):
    """An invalid catalog file or snapshot; str() lists every problem, one per line."""

    key = "invalid_catalog"

    def __init__(self, lines: Iterable[Message], problems: Iterable[Problem] = ()):
        self.lines = tuple(lines)
        self.problems = tuple(problems)  # the field problems behind the lines, when known
        super().__init__("; ".join(m.vi for m in self.lines), "; ".join(m.en for m in self.lines))
        self.args = ("\n".join(self.messages),)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(map(str, self.lines))


class ProcedureNotFound(BilingualError, LookupError):
    """No procedure (or no such version) in the catalog."""

    key = "procedure_not_found"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(_Frozen):
    code: UnitCode
    name: Text
    kind: UnitKind


class Agency(_Frozen):
    """The site: its national agency code, its name and its units (units.yaml)."""

    code: AgencyCode
    name: Text
    units: tuple[Unit, ...] = Field(min_length=1)


class ProcedureField(_Frozen):
    """The field (lĩnh vực) a procedure belongs to, e.g. Hộ tịch."""

    code: Slug
    name: Text


class ProcessingTime(_Frozen):
    amount: Time
    unit: TimeUnit


class Fee(_Frozen):
    amount: Count  # whole VND; 0 when free
    name: Text
    when: FeeWhen
    note: str = ""


class Document(_Frozen):
    id: Slug
    name: Text
    originals: Count
    copies: Count
    required: StrictBool


class Step(_Frozen):
    unit: UnitCode
    name: Text
    time: Time  # in the procedure's processing_time.unit
    roles: tuple[Role, ...] = Field(min_length=1)


class Procedure(_Frozen):
    code: ProcedureCode
    version: date  # the day this version took effect
    decision: Text
    name: Text
    field: ProcedureField
    level: Text
    processing_time: ProcessingTime
    fee: Fee
    documents: tuple[Document, ...] = Field(min_length=1)
    sets: Annotated[StrictInt, Field(ge=1)]
    receiving_unit: UnitCode
    result_channels: tuple[Channel, ...] = Field(min_length=1)
    sensitive: StrictBool = False
    legal_basis: tuple[Text, ...] = Field(min_length=1)
    workflow: tuple[Step, ...] = Field(min_length=2)

    @property
    def key(self) -> tuple[str, date]:
        return self.code, self.version

    def public_name(self) -> str:
        """What a lookup without proof of identity may show: only the field if sensitive."""
        return self.field.name if self.sensitive else self.name

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any]) -> Procedure:
        """Rebuild a procedure stored in a case. Units are not checked: a unit that has since
        been renamed or removed must not make an old case unreadable."""
        code = data.get("code", "?") if isinstance(data, Mapping) else "?"
        return _validate_procedure(data, f"Thủ tục {code} (bản lưu / snapshot)", units=None)


_M = TypeVar("_M", bound=BaseModel)


class Problem(NamedTuple):
    path: str  # e.g. "workflow[2].unit"; "" for the whole file
    vi: str
    en: str


# --- checking what a file held (reading the files is backend/catalog's) -----------------------


def check_units(data: Any, path: Path) -> Agency:
    """The units file's content, validated; `path` only names it in messages."""
    label = f"Danh mục đơn vị ({path.name})"
    agency = _validate(Agency, data, label)
    _raise_if(label, _agency_problems(agency))
    return agency


def check_procedure(data: Any, path: Path, units: Mapping[str, Unit] | None) -> Procedure:
    """A procedure file's content, validated; the file's name must say which procedure it
    holds. With `units`, every unit code is checked against them too."""
    label = f"Thủ tục {_code_for_label(data, path)} ({path.name})"
    procedure = _validate_procedure(data, label, units)
    _raise_if(label, _file_name_problems(procedure, path))
    return procedure


def _code_for_label(data: Any, path: Path) -> str:
    code = data.get("code") if isinstance(data, dict) else None
    return code if isinstance(code, str) else path.stem.split("@")[0]


# --- validation ----------------------------------------------------------------------------


def _validate_procedure(data: Any, label: str, units: Mapping[str, Unit] | None) -> Procedure:
    procedure = _validate(Procedure, data, label)
    problems = _shape_problems(procedure)
    if units is not None:
        problems += _unit_problems(procedure, units)
    _raise_if(label, problems)
    return procedure


def _validate(model: type[_M], data: Any, label: str) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = _pydantic_problems(exc)
        raise CatalogError((_line(label, p) for p in problems), problems) from None


def _raise_if(label: str, problems: list[Problem]) -> None:
    if problems:
        raise CatalogError((_line(label, p) for p in problems), problems)


def _line(label: str, problem: Problem) -> Message:
    head = f"{label}: {problem.path} " if problem.path else f"{label}: "
    return Message(f"{head}{problem.vi}", problem.en)


_NO_INPUT = {"missing", "extra_forbidden", "model_type", "tuple_type", "too_short"}


def _pydantic_problems(exc: ValidationError) -> list[Problem]:
    return [_pydantic_problem(error) for error in exc.errors()]


def _pydantic_problem(error: Mapping[str, Any]) -> Problem:
    pattern = (error.get("ctx") or {}).get("pattern")
    words = validation_words(error, Message(*_FORMAT_WORDS[pattern])
                             if pattern in _FORMAT_WORDS else None)
    vi = words.vi if error["type"] in _NO_INPUT else f"{error['input']!r} {words.vi}"
    return Problem(dotted_path(error["loc"]), vi, words.en)


def _shape_problems(p: Procedure) -> list[Problem]:
    """Checks that need no other file: timing, first and last step, repeats, fee."""
    return [*_time_problems(p), *_end_step_problems(p), *_repeat_problems(p), *_fee_problems(p)]


def _time_problems(p: Procedure) -> list[Problem]:
    total, amount = math.fsum(s.time for s in p.workflow), p.processing_time.amount
    if math.isclose(total, amount, rel_tol=0, abs_tol=1e-9):
        return []
    return [Problem("workflow[*].time",
                    f"tổng thời gian các bước là {total:g}, khác processing_time.amount {amount:g}",
                    f"step times sum to {total:g}, not processing_time.amount {amount:g}")]


def _end_step_problems(p: Procedure) -> list[Problem]:
    """The file is received and the result handed back at the one-stop desk, by a clerk."""
    problems = []
    ends = ((0, vocabulary.ACTIONS["intake"][0], "intake"),
            (len(p.workflow) - 1, vocabulary.ACTIONS["return"][0], "return"))
    for i, vi, en in ends:
        step = p.workflow[i]
        if step.unit != p.receiving_unit:
            problems.append(Problem(
                f"workflow[{i}].unit",
                f"'{step.unit}' phải là đơn vị tiếp nhận '{p.receiving_unit}' (bước {vi})",
                f"must be the receiving unit '{p.receiving_unit}' ({en} step)"))
        if "clerk" not in step.roles:
            problems.append(Problem(f"workflow[{i}].roles", f"phải có vai trò clerk (bước {vi})",
                                    f"must include role clerk ({en} step)"))
    return problems


def _repeat_problems(p: Procedure) -> list[Problem]:
    problems = _repeats([d.id for d in p.documents], lambda i: f"documents[{i}].id")
    problems += _repeats(p.result_channels, lambda i: f"result_channels[{i}]")
    for n, step in enumerate(p.workflow):
        problems += _repeats(step.roles, lambda i, n=n: f"workflow[{n}].roles[{i}]")
    return problems


def _repeats(values: Iterable[str], path_of: Callable[[int], str]) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for i, value in enumerate(values):
        if value in seen:
            problems.append(Problem(path_of(i), f"'{value}' bị lặp", f"duplicate '{value}'"))
        seen.add(value)
    return problems


def _fee_problems(p: Procedure) -> list[Problem]:
    amount, when = p.fee.amount, p.fee.when
    if (amount == 0) == (when == "none"):
        return []
    return [Problem("fee.when",
                    f"'{when}' không khớp fee.amount {amount}: miễn phí thì ghi none, "
                    "có thu thì ghi at_intake hoặc at_return",
                    f"'{when}' does not fit fee.amount {amount}: free means none, "
                    "a charge needs at_intake or at_return")]


def _unit_problems(p: Procedure, units: Mapping[str, Unit]) -> list[Problem]:
    problems = [_unknown_unit(f"workflow[{i}].unit", step.unit)
                for i, step in enumerate(p.workflow) if step.unit not in units]
    receiving = units.get(p.receiving_unit)
    if receiving is None:
        problems.insert(0, _unknown_unit("receiving_unit", p.receiving_unit))
    elif receiving.kind != "reception":
        problems.insert(0, Problem(
            "receiving_unit",
            f"'{receiving.code}' không phải bộ phận tiếp nhận (kind là {receiving.kind})",
            f"'{receiving.code}' is not a reception unit (kind {receiving.kind})"))
    return problems


def _unknown_unit(path: str, code: str) -> Problem:
    return Problem(path, f"'{code}' không tồn tại", f"unknown unit '{code}'")


def _agency_problems(agency: Agency) -> list[Problem]:
    problems = _repeats([u.code for u in agency.units], lambda i: f"units[{i}].code")
    if not any(u.kind == "reception" for u in agency.units):
        problems.append(Problem("units", "cần ít nhất một đơn vị kind: reception (bộ phận một "
                                "cửa)", "needs at least one unit of kind reception"))
    return problems


def _file_name_problems(p: Procedure, path: Path) -> list[Problem]:
    """The file name is how people find a procedure; it must say which one it holds."""
    if path.stem in (p.code, f"{p.code}@{p.version}"):
        return []
    return [Problem("code", f"'{p.code}' không khớp tên tệp (cần {p.code}.yaml hoặc "
                    f"{p.code}@{p.version}.yaml)",
                    f"does not match the file name (expected {p.code}.yaml or "
                    f"{p.code}@{p.version}.yaml)")]


def duplicate_versions(loaded: list[tuple[Path, Procedure]]) -> list[Message]:
    first_file: dict[tuple[str, date], Path] = {}
    lines = []
    for path, p in loaded:
        other = first_file.setdefault(p.key, path)
        if other is not path:
            lines.append(Message(f"Thủ tục {p.code} ({path.name}): version {p.version} trùng "
                                 f"với tệp {other.name}",
                                 f"duplicate version {p.version} (also in {other.name})"))
    return lines


# --- the catalog ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    agency: Agency
    procedures: Mapping[tuple[str, date], Procedure]  # keyed by (code, version)

    @property
    def units(self) -> dict[str, Unit]:
        return {unit.code: unit for unit in self.agency.units}

    def unit(self, code: str) -> Unit:
        try:
            return self.units[code]
        except KeyError:
            raise ProcedureNotFound(f"Không có đơn vị '{code}'", f"no unit '{code}'") from None

    def versions(self, code: str) -> list[date]:
        """Versions of one procedure, oldest first."""
        return sorted(version for c, version in self.procedures if c == code)

    def get(self, code: str, version: date | str) -> Procedure:
        if isinstance(version, str):
            version = date.fromisoformat(version)
        try:
            return self.procedures[code, version]
        except KeyError:
            raise ProcedureNotFound(f"Không có thủ tục {code} phiên bản {version}",
                                    f"no procedure {code} version {version}") from None

    def current(self, code: str, on: date | None = None) -> Procedure:
        """The highest version; with `on`, the highest that had taken effect by that day."""
        versions = [v for v in self.versions(code) if on is None or v <= on]
        if not versions:
            when = f" có hiệu lực ngày {on}" if on else ""
            when_en = f" in effect on {on}" if on else ""
            raise ProcedureNotFound(f"Không có thủ tục {code}{when}",
                                    f"no procedure {code}{when_en}")
        return self.procedures[code, versions[-1]]

    def all_current(self) -> list[Procedure]:
        """The current version of every procedure, by code."""
        return [self.current(code) for code in sorted({c for c, _ in self.procedures})]

    def fields(self) -> list[ProcedureField]:
        """Distinct fields of the current procedures, by folded name."""
        found = {p.field.code: p.field for p in self.all_current()}
        return sorted(found.values(), key=lambda f: fold(f.name))

    def search(self, query: str, field: str | None = None) -> list[Procedure]:
        """Current procedures whose code/name/field hold every query word, diacritics and
        case ignored, in any order; `field` (code or name) narrows to one field."""
        words = _query_words(query)
        found = [p for p in self.all_current() if _in_field(p, field) and _has_words(p, words)]
        return sorted(found, key=lambda p: (fold(p.field.name), fold(p.name), p.code))


# Punctuation around a typed word ("sinh," or "(xây") should not stop it matching.
_WORD_EDGES = ".,;:!?\"'()[]“”‘’"


def _query_words(query: str) -> list[str]:
    words = (word.strip(_WORD_EDGES) for word in fold(query).split())
    return [word for word in words if word]


def _has_words(p: Procedure, words: list[str]) -> bool:
    haystack = fold(f"{p.code} {p.name} {p.field.code} {p.field.name}")
    return all(word in haystack for word in words)


def _in_field(p: Procedure, field: str | None) -> bool:
    return not field or fold(field) in (fold(p.field.code), fold(p.field.name))
