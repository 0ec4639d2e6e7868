"""The printable HTML forms in Chromium: they fit A4 when printed from the browser."""


import pypdfium2
import pytest

from tests.backend.api.helpers import intake, pick_procedure, walk

A4 = (595, 842)  # points


def _signed_in(browser, server, username: str):
    token = server.client(username).token
    context = browser.new_context(viewport={"width": 1200, "height": 1000}, locale="vi-VN",
                                  extra_http_headers={"Authorization": f"Bearer {token}"})
    return context, context.new_page()


def _printed_pages(page) -> list[tuple[int, int]]:
    document = pypdfium2.PdfDocument(page.pdf(prefer_css_page_size=True))
    sizes = [tuple(round(v) for v in document[i].get_size()) for i in range(len(document))]
    document.close()
    return sizes


@pytest.mark.parametrize(("name", "path", "user", "landscape"), [
    ("report", "/api/v1/reports/period?from=2026-11-01&to=2026-11-30&format=html&by=field",
     "leader", True),
    ("mau05", "/api/v1/forms/mau05/{code}?format=html", "clerk", False),
])
def test_form_prints_on_one_a4_page(server, browser, web_shots, name, path, user, landscape):
    clerk = server.client("clerk")
    proc = pick_procedure(clerk, unit="KT")
    case = intake(clerk, proc)
    walk(server, case["code"], proc)
    context, page = _signed_in(browser, server, user)
    try:
        answer = page.goto(server.url + path.format(code=case["code"]))
        assert answer.status == 200
        assert page.inner_text("h1") in ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
                                          "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ")
        page.screenshot(path=str(web_shots / f"form-{name}.png"), full_page=True)
        sizes = _printed_pages(page)
        assert sizes == [A4[::-1] if landscape else A4]
    finally:
        context.close()
