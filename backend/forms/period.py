"""The period report in each format: CSV (stable columns for other software), XLSX laid out
like the national form, and the printable document (HTML, PDF)."""

from __future__ import annotations

import csv
import io
import json

from backend.domain.reports import BY, COLUMNS, HEADERS_VI, LAYOUT, TOTAL, Period
from backend.forms.document import Document, Table

Rows = list[tuple[str, dict[str, int]]]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf", "html": "text/html; charset=utf-8"}
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
# The group column's heading; the province's report also groups by centre.
HEADINGS = {**{by: names[0] for by, names in BY.items()}, "site": "Trung tâm"}
# The form's header bands: (label, first column, number of columns), counted in LAYOUT.
BANDS = (("Số hồ sơ nhận giải quyết", 0, 5), ("Số hồ sơ đã giải quyết", 5, 3),
         ("Số hồ sơ đang giải quyết", 8, 2), ("Trả kết quả, rút, dừng, từ chối", 10, 4),
         ("Mức độ hài lòng", 14, 3))


def to_csv(rows: Rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group", *COLUMNS])
    for group, values in rows:
        writer.writerow([group, *(values[c] for c in COLUMNS)])
    return out.getvalue()


def to_json(rows: Rows, period: Period, by: str, names: dict[str, str]) -> str:
    """The CSV's rows and columns, in the same order, each group with its name."""
    return json.dumps({
        "from": period.first.isoformat(), "to": period.last.isoformat(), "by": by,
        "columns": list(COLUMNS),
        "rows": [{"group": group, "name": _label(group, names), **{c: values[c] for c in COLUMNS}}
                 for group, values in rows]}, ensure_ascii=False)


def _label(group: str, names: dict[str, str]) -> str:
    return "Tổng cộng" if group == TOTAL else names.get(group, group)


def to_xlsx(rows: Rows, period: Period, by: str, agency: str, names: dict[str, str]) -> bytes:
    # openpyxl (0.2 s to import) only where a workbook is made, not wherever reports are served
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    last = get_column_letter(len(LAYOUT) + 2)
    for line, text in ((1, agency.upper()), (2, TITLE), (3, f"Kỳ báo cáo {period.label()}")):
        sheet.merge_cells(f"A{line}:{last}{line}")
        sheet[f"A{line}"] = text
        sheet[f"A{line}"].font = Font(bold=line < 3, size=13 if line == 2 else 11)
        sheet[f"A{line}"].alignment = Alignment(horizontal="center")
    _xlsx_headers(sheet, by)
    for index, (group, values) in enumerate(rows, 1):
        line = 6 + index
        number = "" if group == TOTAL else index
        sheet.append([number, _label(group, names), *(values[c] for c in LAYOUT)])
        if group == TOTAL:
            for cell in sheet[line]:
                cell.font = Font(bold=True)
    _xlsx_style(sheet, 6 + len(rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_headers(sheet, by: str) -> None:
    """Two header rows (row 5 bands, row 6 columns) as on the paper form."""
    for column, text in ((1, "STT"), (2, HEADINGS[by])):
        sheet.merge_cells(start_row=5, start_column=column, end_row=6, end_column=column)
        sheet.cell(5, column, text)
    for label, first, span in BANDS:
        sheet.merge_cells(start_row=5, start_column=first + 3, end_row=5,
                          end_column=first + 2 + span)
        sheet.cell(5, first + 3, label)
    for index, column in enumerate(LAYOUT):
        sheet.cell(6, index + 3, HEADERS_VI[column])


def _xlsx_style(sheet, last_row: int) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    for row in sheet.iter_rows(min_row=5, max_row=last_row):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if cell.row <= 6:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 36
    for index in range(len(LAYOUT)):
        sheet.column_dimensions[get_column_letter(index + 3)].width = 12
    sheet.row_dimensions[6].height = 45
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def document(rows: Rows, period: Period, by: str, agency: str, names: dict[str, str],
             place_date: str) -> Document:
    headers = ["STT", HEADINGS[by], *(HEADERS_VI[c] for c in LAYOUT)]
    body = [["" if g == TOTAL else str(i), _label(g, names), *(str(v[c]) for c in LAYOUT)]
            for i, (g, v) in enumerate(rows, 1)]
    return Document(
        form="Biểu số liệu TTHC", title=TITLE, agency=agency, place_date=place_date,
        subtitle=f"Kỳ báo cáo {period.label()}",
        table=Table(headers, body, [3, 16, *([4.5] * len(LAYOUT))], bold_last=True),
        signatures=[("NGƯỜI LẬP BIỂU", ""), ("THỦ TRƯỞNG ĐƠN VỊ", "")], landscape=True)
