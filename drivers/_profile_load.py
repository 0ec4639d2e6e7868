"""Reading hardware profiles for drivers/profiles.py: YAML with line numbers, `inherits`,
validation, and pydantic's errors turned into bilingual file:line messages.

Line numbers come from PyYAML's node marks: the loader below builds ordinary dicts and lists
but remembers the line of every key and list item, so a pydantic error location such as
("devices", "recipt_printer") maps back to the line where that key was written — in the file
where it was written, which after `inherits` may be the parent's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from drivers import yamlfile
from drivers._profile_schema import (
    _INJECTED,
    _KIND_PATHS,
    DEVICE_MODELS,
    DRIVERS_DIR,
    KINDS,
    ROLES,
    DeviceProfile,
    Problem,
    ProfileSet,
    Station,
    path_form,
)
from drivers.address import AddressError, parse_address
from drivers.message import Message, dotted_path, validation_words

Loc = tuple[str | int, ...]
Marks = dict[Loc, tuple[str, int]]  # where in the data -> (file as shown, line)


# --- YAML with lines -----------------------------------------------------------------------


def _plain(value: Any, shown: str, at: Loc, marks: Marks) -> Any:
    """Plain dicts/lists again, recording each key's and item's line in `marks`."""
    if isinstance(value, yamlfile.LinedDict):
        for key, line in value.lines.items():
            marks[(*at, key)] = (shown, line)
        return {key: _plain(item, shown, (*at, key), marks) for key, item in value.items()}
    if isinstance(value, yamlfile.LinedList):
        for index, line in enumerate(value.lines):
            marks[(*at, index)] = (shown, line)
        return [_plain(item, shown, (*at, index), marks) for index, item in enumerate(value)]
    return value


def read_marked(path: Path, shown: str) -> tuple[dict[str, Any], Marks]:
    """A YAML file's top-level mapping and the line of everything in it. Raises _FileProblem
    (carrying one Problem) for non-UTF-8 text, YAML syntax errors and non-mapping files."""
    try:
        data = yamlfile.load(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise _FileProblem(Problem(shown, None, "không phải UTF-8", "not UTF-8")) from None
    except yaml.YAMLError as exc:
        raise _FileProblem(_yaml_problem(shown, exc)) from None
    if not isinstance(data, dict):
        raise _FileProblem(Problem(shown, 1, "tệp phải là một nhóm khóa: giá trị",
                                   "the file must be a mapping of key: value"))
    marks: Marks = {}
    return _plain(data, shown, (), marks), marks


class _FileProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _yaml_problem(shown: str, exc: yaml.YAMLError) -> Problem:
    line = (yamlfile.position(exc) or (None,))[0]
    return Problem(shown, line, *yamlfile.explain(exc))


# --- files ---------------------------------------------------------------------------------


@dataclass
class _Raw:
    name: str
    folder: str  # devices/<folder>/ or "stations"
    shown: str
    data: dict[str, Any]
    marks: Marks

    def line(self, *loc: str | int) -> int:
        return self.marks.get(loc, (self.shown, 1))[1]


def _read_folder(root: Path, pattern: str, problems: list[Problem]) -> dict[str, _Raw]:
    raws: dict[str, _Raw] = {}
    for path in sorted(root.glob(pattern)):
        shown = path.relative_to(root.parent).as_posix()
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem):
            problems.append(Problem(shown, None, "tên tệp chỉ gồm chữ thường, số và '-'",
                                    "file names are lower-case letters, digits and '-'"))
            continue
        if path.stem in raws:
            other = raws[path.stem].shown
            problems.append(Problem(shown, None, f"tên '{path.stem}' trùng với {other}",
                                    f"name '{path.stem}' is already used by {other}"))
            continue
        try:
            data, marks = read_marked(path, shown)
        except _FileProblem as exc:
            problems.append(exc.problem)
            continue
        raws[path.stem] = _Raw(path.stem, path.parent.name, shown, data, marks)
    return raws


def read_all(root: Path) -> ProfileSet:
    result = ProfileSet(root)
    if not root.is_dir():
        result.problems.append(Problem(str(root), None, "không có thư mục hồ sơ",
                                       "profile folder not found"))
        return result
    for stray in sorted(root.glob("devices/*.yaml")):
        result.problems.append(Problem(stray.relative_to(root.parent).as_posix(), None,
                                       "hồ sơ thiết bị phải nằm trong devices/<loại>/",
                                       "device profiles belong in devices/<kind>/"))
    devices = _read_folder(root, "devices/*/*.yaml", result.problems)
    resolver = _Resolver(devices, result.problems)
    for name in sorted(devices):
        profile = _device(devices[name], resolver, result)
        if profile is not None:
            result.devices[name] = profile
    for raw in _read_folder(root, "stations/*.yaml", result.problems).values():
        station = _station(raw, set(devices), result)
        if station is not None:
            result.stations[raw.name] = station
    result.problems[:] = list(dict.fromkeys(result.problems))  # a parent's fault, once
    return result


# --- inherits ------------------------------------------------------------------------------


@dataclass
class _Merged:
    data: dict[str, Any]
    marks: Marks
    lineage: tuple[str, ...]


class _Resolver:
    """Resolves `inherits` chains once per profile, reporting missing parents and cycles."""

    def __init__(self, raws: dict[str, _Raw], problems: list[Problem]) -> None:
        self.raws, self.problems = raws, problems
        self.done: dict[str, _Merged | None] = {}

    def resolve(self, name: str, stack: tuple[str, ...] = ()) -> _Merged | None:
        if name not in self.done:
            self.done[name] = self._resolve(self.raws[name], (*stack, name))
        return self.done[name]

    def _resolve(self, raw: _Raw, stack: tuple[str, ...]) -> _Merged | None:
        own = _Merged(raw.data, raw.marks, (raw.name,))
        parent = raw.data.get("inherits")
        if parent is None:
            return own
        problems = self._parent_problems(raw, parent, stack)
        if problems:
            self.problems.extend(problems)
            return None
        base = self.resolve(parent, stack)
        if base is None:
            return None
        if _kind_clash(raw, base, self.problems):
            return None
        return _inherit(base, own)

    def _parent_problems(self, raw: _Raw, parent: Any, stack: tuple[str, ...]) -> list[Problem]:
        line = raw.line("inherits")
        if not isinstance(parent, str):
            return [Problem(raw.shown, line, "trường 'inherits' phải là tên một hồ sơ",
                            "field 'inherits' must be a profile name")]
        if parent in stack:  # every file on the loop gets the message: any may be the mistake
            members = stack[stack.index(parent):]
            return [self._cycle(self.raws[name], members) for name in members]
        if parent not in self.raws:
            return [Problem(raw.shown, line, f"trường 'inherits': không có hồ sơ cha '{parent}'",
                            f"field 'inherits': parent profile '{parent}' not found")]
        return []

    @staticmethod
    def _cycle(raw: _Raw, members: tuple[str, ...]) -> Problem:
        start = members.index(raw.name)
        cycle = " → ".join((*members[start:], *members[:start], raw.name))
        return Problem(raw.shown, raw.line("inherits"),
                       f"trường 'inherits' tạo vòng kế thừa: {cycle}",
                       f"field 'inherits' makes an inheritance cycle: {cycle}")


def _kind_clash(raw: _Raw, base: _Merged, problems: list[Problem]) -> bool:
    own, inherited = raw.data.get("kind"), base.data.get("kind")
    if own is None or inherited is None or own == inherited:
        return False
    problems.append(Problem(raw.shown, raw.line("kind"),
                            f"trường 'kind' là '{own}' nhưng hồ sơ cha là '{inherited}'",
                            f"field 'kind' is '{own}' but the parent is a '{inherited}'"))
    return True


def _inherit(base: _Merged, own: _Merged) -> _Merged:
    # `match` names one model's hardware: a child never inherits its parent's.
    data = {key: value for key, value in base.data.items() if key not in ("match", "inherits")}
    marks = {loc: at for loc, at in base.marks.items() if loc[0] not in ("match", "inherits")}
    replaced = [loc for loc in own.marks if not isinstance(_get(own.data, loc), dict)]
    marks = {loc: at for loc, at in marks.items() if not _under_any(loc, replaced)}
    return _Merged(deep_merge(data, own.data), {**marks, **own.marks},
                   (*own.lineage, *base.lineage))


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`: mappings merge key by key, anything else replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _get(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _under_any(loc: Loc, prefixes: list[Loc]) -> bool:
    return any(len(loc) > len(p) and loc[:len(p)] == p for p in prefixes)


# --- validation ----------------------------------------------------------------------------


def _device(raw: _Raw, resolver: _Resolver, result: ProfileSet) -> DeviceProfile | None:
    merged = resolver.resolve(raw.name)
    if merged is None or not _kind_ok(raw, merged, result.problems):
        return None
    data = _strip_injected(merged, raw, result.problems)
    data.update(name=raw.name, source=raw.shown, lineage=merged.lineage)
    try:
        device = DEVICE_MODELS[data["kind"]].model_validate(data)
    except ValidationError as exc:
        result.problems.extend(_explain_all(exc, merged, raw.shown))
        return None
    result.warnings.extend(driver_warnings(device, raw.line("driver")))
    return device


def _kind_ok(raw: _Raw, merged: _Merged, problems: list[Problem]) -> bool:
    kind = merged.data.get("kind")
    if kind not in KINDS:
        shown, line = merged.marks.get(("kind",), (raw.shown, 1))
        problems.append(Problem(shown, line, "trường 'kind' phải là một trong " + ", ".join(KINDS),
                                "field 'kind' must be one of " + ", ".join(KINDS)))
        return False
    if kind != raw.folder:
        problems.append(Problem(raw.shown, raw.line("kind"),
                                f"hồ sơ loại '{kind}' phải nằm trong devices/{kind}/",
                                f"a '{kind}' profile belongs in devices/{kind}/"))
        return False
    return True


def _strip_injected(merged: _Merged, raw: _Raw, problems: list[Problem]) -> dict[str, Any]:
    data = dict(merged.data)
    for key in _INJECTED:
        if key in data:
            shown, line = merged.marks.get((key,), (raw.shown, 1))
            problems.append(_unknown_field(shown, line, key, ()))
            del data[key]
    return data


def _station(raw: _Raw, device_files: set[str], result: ProfileSet) -> Station | None:
    merged = _Merged(raw.data, raw.marks, (raw.name,))
    data = _strip_injected(merged, raw, result.problems)
    data.update(name=raw.name, source=raw.shown, lineage=(raw.name,))
    # Roles are checked on the raw data, so an unknown device is reported next to a typo.
    problems = [p for role, name, path in _raw_roles(raw.data)
                if (p := _role_problem(raw, role, name, path, device_files, result))]
    result.problems.extend(problems)
    try:
        station = Station.model_validate(data)
    except ValidationError as exc:
        result.problems.extend(_explain_all(exc, merged, raw.shown))
        return None
    return None if problems else station


def _raw_roles(data: dict[str, Any]) -> list[tuple[str, str, Any]]:
    devices = data.get("devices")
    if not isinstance(devices, dict):
        return []
    return [(role, spec["device"], spec.get("path")) for role, spec in devices.items()
            if role in ROLES and isinstance(spec, dict) and isinstance(spec.get("device"), str)]


def _role_problem(raw: _Raw, role: str, name: str, path: Any, device_files: set[str],
                  result: ProfileSet) -> Problem | None:
    line = raw.line("devices", role, "device")
    if name not in device_files:
        return Problem(raw.shown, line, f"trường 'devices.{role}.device': không có hồ sơ "
                       f"thiết bị '{name}'", f"field 'devices.{role}.device': unknown device "
                       f"profile '{name}'")
    device = result.devices.get(name)
    if device is None:
        return Problem(raw.shown, line, f"hồ sơ thiết bị '{name}' có lỗi (xem trên)",
                       f"device profile '{name}' is invalid (see above)")
    if device.kind != ROLES[role]:
        return Problem(raw.shown, line, f"vai trò '{role}' cần {ROLES[role]}, '{name}' là "
                       f"{device.kind}", f"role '{role}' needs a {ROLES[role]}, '{name}' is a "
                       f"{device.kind}")
    form = path_form(path) if isinstance(path, str) else None
    if form is not None and form != "fake" and form not in _KIND_PATHS[device.kind]:
        return Problem(raw.shown, raw.line("devices", role, "path"),
                       f"đường dẫn '{path}' không dùng được cho {device.kind}",
                       f"path '{path}' does not fit a {device.kind}")
    return _address_problem(raw, role, path) if device.kind in ("printer", "scanner") else None


def _address_problem(raw: _Raw, role: str, path: Any) -> Problem | None:
    """The apps open printers and scanners by address: one they could not read is an error
    here, at its line, not when the unit starts."""
    if not isinstance(path, str) or path_form(path) is None:
        return None  # the schema reports it, with the accepted forms
    try:
        parse_address(path)
    except AddressError as error:
        return Problem(raw.shown, raw.line("devices", role, "path"), error.vi, error.en)
    return None


def driver_warnings(device: DeviceProfile, line: int) -> list[Problem]:
    """A driver module or class that is not (yet) in drivers/ — a warning, not an error, so a
    profile can be written before its driver lands."""
    parts = device.driver.split(".")
    cls = parts.pop() if parts[-1][:1].isupper() else None
    base = DRIVERS_DIR.parent.joinpath(*parts)
    source = next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)
    module = ".".join(parts)
    if source is None:
        return [Problem(device.source, line, f"chưa có mô-đun driver '{module}'",
                        f"driver module '{module}' not found")]
    if cls and not re.search(rf"^class {cls}\b", source.read_text(encoding="utf-8"), re.M):
        return [Problem(device.source, line, f"không thấy lớp '{cls}' trong '{module}'",
                        f"class '{cls}' not found in '{module}'")]
    return []


# --- pydantic errors, in Vietnamese and English (the words: drivers/message.py) ------------

# What a well-formed value looks like, by field name, for pattern errors.
_FORMATS = {
    "path": "/dev/..., usb:vvvv:pppp, tcp://host:port, rfc2217://host:port, csi:0, "
            "alsa:default, fake:name",
    "driver": "drivers.<gói>.<mô-đun>[.Lớp] / drivers.<package>.<module>[.Class]",
    "resolution": "1920x1080", "fourcc": "MJPG", "backend_url": "http://host:port",
    "inherits": "vendor-model", "device": "vendor-model"}


def _explain_all(exc: ValidationError, merged: _Merged, shown: str) -> list[Problem]:
    return [_explain(error, merged, shown) for error in exc.errors(include_url=False)]


def _explain(error: dict[str, Any], merged: _Merged, shown: str) -> Problem:
    loc = tuple(error["loc"])
    where, line = _where(loc, merged.marks, shown)
    if error["type"] == "extra_forbidden":
        return _unknown_field(where, line, str(loc[-1]), loc[:-1])
    name = _field_name(loc, merged.data)
    vi, en = _describe(error, name)
    return Problem(where, line, f"trường '{name}' {vi}", f"field '{name}' {en}")


def _unknown_field(shown: str, line: int, key: str, parent: Loc) -> Problem:
    # The context goes last, so the message reads as the plain one a technician expects:
    # "x.yaml dòng 7: trường 'recipt_printer' không hợp lệ / line 7: unknown field ..."
    inside = dotted_path(parent)
    context = f" (trong/in '{inside}')" if inside else ""
    return Problem(shown, line, f"trường '{key}' không hợp lệ",
                   f"unknown field '{key}'{context}")


def _describe(error: dict[str, Any], name: str) -> tuple[str, str]:
    hint = _FORMATS.get(name.rsplit(".", 1)[-1])
    words = validation_words(error, Message(f"dạng {hint}", hint) if hint else None)
    given = _given(error)
    return words.vi + given[0], words.en + given[1]


def _given(error: dict[str, Any]) -> tuple[str, str]:
    if error["type"] in ("missing", "model_type", "dict_type", "list_type", "too_short"):
        return "", ""
    value = error.get("input")
    if isinstance(value, dict | list) or value is None:
        return "", ""
    return f" (đang là {value!r})", f" (got {value!r})"


def _where(loc: Loc, marks: Marks, shown: str) -> tuple[str, int]:
    for end in range(len(loc), 0, -1):
        if loc[:end] in marks:
            return marks[loc[:end]]
    return shown, 1


def _field_name(loc: Loc, data: Any) -> str:
    """The dotted field the error is about, leaving out pydantic's union-member tags."""
    parts: list[str | int] = []
    for part in loc:
        if _has(data, part):
            data = data[part]
        elif isinstance(data, dict) and isinstance(part, str):
            parts.append(part)  # the missing key itself
            break
        else:
            break
        parts.append(part)
    return dotted_path(tuple(parts))


def _has(data: Any, part: str | int) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(data, list) and isinstance(part, int) and part < len(data)
