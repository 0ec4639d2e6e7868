"""What starting the backend imports: the PDF and spreadsheet libraries (0.5 s of CPU together)
load where a form or workbook is made, not in every server process, CLI call and test worker."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = ("backend", "drivers")
LAZY = {"fpdf", "openpyxl"}


def _module_file(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _top_level_imports(path: Path) -> set[str]:
    """Imports run when the module loads: not those inside functions or `if TYPE_CHECKING`."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import):
                names.update(alias.name for alias in inner.names)
            elif isinstance(inner, ast.ImportFrom) and inner.module and not inner.level:
                names.add(inner.module)
                names.update(f"{inner.module}.{alias.name}" for alias in inner.names)
    return names


def loaded_at_start(module: str) -> set[str]:
    """The modules importing `module` loads, following the project's own ones."""
    seen, todo, outside = set(), [module], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        for parent in (".".join(parts[:i]) for i in range(1, len(parts))):
            todo.append(parent)  # a package's __init__ runs first
        path = _module_file(name)
        if path is None:
            continue
        for imported in _top_level_imports(path):
            if imported.split(".")[0] in OWN:
                todo.append(imported)
            else:
                outside.add(imported.split(".")[0])
    return outside


def test_serving_the_backend_loads_no_pdf_or_spreadsheet_library():
    assert not LAZY & loaded_at_start("backend.app")
    assert "fastapi" in loaded_at_start("backend.app")  # the walk does reach the libraries


def test_the_forms_still_make_pdf_and_xlsx():
    from datetime import date

    from backend.domain.reports import Period
    from backend.forms import document, period

    doc = document.Document(form="Mẫu số 05", title="Sổ theo dõi", agency="UBND xã",
                            table=document.Table(["A", "B"], [["1", "Đủ"]], bold_last=True))
    assert document.pdf(doc).startswith(b"%PDF")
    book = period.to_xlsx([], Period(date(2026, 11, 1), date(2026, 11, 30)), "field",
                          "UBND xã", {})
    assert book.startswith(b"PK")  # a zip, as every .xlsx is
