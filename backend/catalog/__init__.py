"""The catalogue's files, read: `units.yaml`, `procedures/*.yaml` (one file per procedure
version) and `queue.yaml`. Files are read strictly (drivers/yamlfile.py: a repeated key is an
error) and handed to backend.domain to check, so the domain itself never touches a file.
Every problem comes back as a CatalogError naming the file, Vietnamese first.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from backend.domain.errors import InvalidInput, Message
from backend.domain.procedures import (
    Agency,
    Catalog,
    CatalogError,
    Procedure,
    Unit,
    check_procedure,
    check_units,
    duplicate_versions,
)
from backend.domain.queue import QueueConfig, queue_config
from drivers import yamlfile

DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent


def load_units(path: Path | str) -> Agency:
    path = Path(path)
    return check_units(_read_yaml(path), path)


def load_procedure(path: Path | str, units: Mapping[str, Unit] | None = None) -> Procedure:
    """Load one procedure file; with `units`, also check every unit code against them."""
    path = Path(path)
    return check_procedure(_read_yaml(path), path, units)


def parse_procedure(text: str, file_name: str, units: Mapping[str, Unit] | None) -> Procedure:
    """A procedure file that arrived as text (an admin's upload), checked as a file on disk is:
    the name must say which procedure it holds, so a wrong file is caught before it loads."""
    path = Path(Path(file_name).name or "?")
    if path.suffix not in (".yaml", ".yml"):
        raise CatalogError([Message(f"Tệp {path.name}: cần tệp .yaml", "a .yaml file is needed")])
    return check_procedure(_parse_yaml(text.removeprefix("\ufeff"), path), path, units)


def load_catalog(directory: Path | str = DEFAULT_CATALOG_DIR) -> Catalog:
    """Load units.yaml and procedures/*.yaml; report the problems of every file at once."""
    directory = Path(directory)
    agency = load_units(directory / "units.yaml")
    units = {unit.code: unit for unit in agency.units}
    loaded: list[tuple[Path, Procedure]] = []
    lines: list[Message] = []
    for path in _procedure_files(directory / "procedures"):
        try:
            loaded.append((path, load_procedure(path, units)))
        except CatalogError as exc:
            lines.extend(exc.lines)
    lines.extend(duplicate_versions(loaded))
    if lines:
        raise CatalogError(lines)
    return Catalog(agency, {procedure.key: procedure for _, procedure in loaded})


_QUEUE_CONFIGS: dict[tuple, QueueConfig] = {}  # (path, mtime, size) -> its frozen config


def load_queue_config(path: Path | str = DEFAULT_CATALOG_DIR / "queue.yaml") -> QueueConfig:
    """Read once per version of the file: each app the test suite binds reads it again."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return _read_queue_config(path)  # which says what is wrong
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _QUEUE_CONFIGS:
        _QUEUE_CONFIGS[key] = _read_queue_config(path)
    return _QUEUE_CONFIGS[key]


def _read_queue_config(path: Path) -> QueueConfig:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yamlfile.SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"Tệp cấu hình hàng đợi {path.name} sai: {exc}",
                           f"Queue configuration {path.name} is invalid: {exc}") from None
    return queue_config(data, path.name)


def _procedure_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise CatalogError([Message(f"Thư mục {folder} không tồn tại", "folder not found")])
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise CatalogError([Message(f"Thư mục {folder} không có thủ tục nào",
                                    "no procedure files")])
    return files


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogError([Message(f"Tệp {path}: không tìm thấy", "file not found")]) from None
    except UnicodeDecodeError:
        raise CatalogError([Message(f"Tệp {path.name}: không phải UTF-8", "not UTF-8")]) from None
    return _parse_yaml(text, path)


def _parse_yaml(text: str, path: Path) -> Any:
    try:
        return yamlfile.load(text)
    except yaml.YAMLError as exc:
        raise CatalogError([_yaml_message(path, exc)]) from None


def _yaml_message(path: Path, exc: yaml.YAMLError) -> Message:
    where = f"Tệp {path.name}"
    if (at := yamlfile.position(exc)) is not None:
        where += f" dòng {at[0]}, cột {at[1]}"
    vi, en = yamlfile.explain(exc)
    return Message(f"{where}: {vi}", en)
