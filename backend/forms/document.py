"""One printable document model, rendered to A4 HTML (Jinja2) and A4 PDF (fpdf2).

Every form and report is built as a `Document`, so the HTML a clerk prints from the browser and
the PDF that is filed carry the same content. fpdf2 embeds the bundled DejaVu font as a Unicode
TrueType subset, so every Vietnamese letter prints as it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:  # fpdf2 is imported where a PDF is made: 0.3 s that serving pages never needs
    from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
TEMPLATES = Path(__file__).parent.parent / "web" / "templates" / "forms"
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                          autoescape=jinja2.select_autoescape(["html"]))


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    bold_last: bool = False  # a TOTAL row


@dataclass
class Document:
    form: str  # "Mẫu số 05", shown top right
    title: str
    agency: str
    unit: str = ""
    place_date: str = ""
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    table: Table | None = None
    after: list[str] = field(default_factory=list)
    signatures: list[tuple[str, str]] = field(default_factory=list)  # (role, name)
    landscape: bool = False


def html(doc: Document) -> str:
    return _env.get_template("document.html").render(doc=doc, motto=MOTTO)


def pdf(doc: Document) -> bytes:
    from fpdf import FPDF

    out = FPDF(orientation="L" if doc.landscape else "P", format="A4")
    out.set_margins(15, 12, 15)
    out.set_auto_page_break(True, 15)
    out.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    out.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    out.set_title(doc.title)
    out.add_page()
    _heading(out, doc)
    _body(out, doc)
    _signatures(out, doc)
    return bytes(out.output())


def _heading(out: FPDF, doc: Document) -> None:
    half = out.epw / 2
    out.set_font("DejaVu", "B", 9)
    top = out.get_y()
    out.multi_cell(half - 5, 5, f"{doc.agency.upper()}\n{doc.unit}".strip(), align="C")
    left_bottom = out.get_y()
    out.set_xy(out.l_margin + half, top)
    out.multi_cell(half, 5, f"{MOTTO[0]}\n{MOTTO[1]}", align="C")
    out.set_y(max(left_bottom, out.get_y()))
    _line(out, doc.form, 8, align="R")
    if doc.place_date:
        _line(out, doc.place_date, 9, align="R")
    out.ln(3)
    _line(out, doc.title, 13, bold=True, height=7)
    if doc.subtitle:
        _line(out, doc.subtitle, 10, height=6)
    out.ln(3)


def _line(out: FPDF, text: str, size: float, *, bold: bool = False, height: float = 5,
          align: str = "C") -> None:
    """`text` across the page's width (wrapped if long), then the left margin of the next line."""
    out.set_font("DejaVu", "B" if bold else "", size)
    out.multi_cell(0, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _body(out: FPDF, doc: Document) -> None:
    out.set_font("DejaVu", "", 10)
    _paragraphs(out, doc.paragraphs)
    if doc.table:
        _table(out, doc.table)
    _paragraphs(out, doc.after)


def _paragraphs(out: FPDF, texts: list[str]) -> None:
    for text in texts:
        out.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        out.ln(1)


def _table(out: FPDF, table: Table) -> None:
    from fpdf.fonts import FontFace

    size = 7 if len(table.headers) > 9 else 8.5
    out.set_font("DejaVu", "", size)
    widths = tuple(table.widths or [1] * len(table.headers))
    with out.table(col_widths=widths, text_align="CENTER", line_height=size * 0.5,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235))) as grid:
        grid.row(table.headers)
        for number, row in enumerate(table.rows, 1):
            bold = table.bold_last and number == len(table.rows)
            grid.row([str(v) for v in row], style=FontFace(emphasis="BOLD") if bold else None)
    out.ln(3)


def _signatures(out: FPDF, doc: Document) -> None:
    if not doc.signatures:
        return
    out.ln(4)
    width = out.epw / len(doc.signatures)
    top = out.get_y()
    for index, (role, name) in enumerate(doc.signatures):
        out.set_xy(out.l_margin + index * width, top)
        out.set_font("DejaVu", "B", 10)
        out.multi_cell(width, 5, role, align="C")
        out.set_x(out.l_margin + index * width)
        out.set_font("DejaVu", "", 8)
        out.multi_cell(width, 5, "(Ký, ghi rõ họ tên)", align="C")
        out.set_xy(out.l_margin + index * width, top + 30)
        out.set_font("DejaVu", "B", 10)
        out.multi_cell(width, 5, name or "", align="C")
