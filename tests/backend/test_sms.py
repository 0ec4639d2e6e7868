from datetime import datetime

import pytest

from backend import sms
from backend.domain.calendar import VN_TZ
from backend.domain.text import unaccent
from backend.domain.workflow import Actor
from backend.store import cases, catalog
from backend.store.site import load_site

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=VN_TZ)


@pytest.fixture
def case_code(store):
    proc = next(p for p in catalog.search(store) if not p.sensitive)
    documents = {d.id: 1 for d in proc.documents if d.required}
    row, _ = cases.intake(store, load_site(store), cases.Intake(
        proc, cases.Applicant("Nguyễn Văn Hùng", phone="0912345678"), documents),
        Actor("clerk", "clerk", "MOTCUA"), NOW)
    return row["code"]


@pytest.mark.parametrize("text, code", [
    ("TTHC 000.00.06.H56-261123-0001", "000.00.06.H56-261123-0001"),
    ("  tthc   000.00.06.H56-261123-0001 ", "000.00.06.H56-261123-0001"),
    ("hello", None), ("TTHC", None), ("", None)])
def test_parse_request(text, code):
    assert sms.parse_request(text) == code


def test_reply_has_status_and_dates_but_no_personal_data(store, case_code):
    reply = sms.reply_for(store, load_site(store), f"TTHC {case_code}", NOW)
    assert reply.startswith(f"Hồ sơ {case_code}: Được tiếp nhận")
    assert "Nhận 09:30 23/11/2026" in reply and "Hẹn trả" in reply
    assert "Nguyễn" not in reply and "0912345678" not in reply


def test_bad_requests_get_guidance(store):
    site = load_site(store)
    assert sms.reply_for(store, site, "xin chao", NOW).startswith("Sai cú pháp")
    assert "không phải ngày có thật" in sms.reply_for(store, site,
                                                      "TTHC 000.00.06.H56-261399-0001", NOW)
    assert "Không tìm thấy" in sms.reply_for(store, site, "TTHC 000.00.06.H56-261123-0999", NOW)


def test_unaccent_keeps_case():
    assert unaccent("Hồ sơ ĐÃ XỬ LÝ xong") == "Ho so DA XU LY xong"
