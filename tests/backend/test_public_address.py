"""The site's public address: set at `db init` or later, checked, published by GET /api/v1/site,
and carried by the receipt QR as https://<address>/L/CODE/TOKEN, which every way in accepts."""

from __future__ import annotations

import pytest
import requests

from backend.cli import main
from backend.client import ApiError
from backend.domain import codes
from backend.domain.errors import InvalidInput
from backend.store import site
from backend.store.db import Store

from .api.helpers import intake, pick_procedure


@pytest.mark.parametrize("given, stored", [
    ("https://TraCuu.TanNinh.gov.vn/", "https://tracuu.tanninh.gov.vn"),
    ("http://14.225.0.7:8080", "http://14.225.0.7:8080"),
    ("", ""),
])
def test_a_public_address_is_normalised(given, stored):
    assert codes.public_address(given) == stored


@pytest.mark.parametrize("given, reason", [
    ("http://127.0.0.1:8000", "nội bộ"), ("https://localhost", "nội bộ"),
    ("http://192.168.1.10", "nội bộ"), ("http://10.0.0.2:8000", "nội bộ"),
    ("https://motcua", "nội bộ"), ("https://motcua.local", "nội bộ"),
    ("tracuu.tanninh.gov.vn", "https://"), ("ftp://tracuu.tanninh.gov.vn", "https://"),
    ("https://tracuu.tanninh.gov.vn/motcua", "đường dẫn"),
])
def test_an_address_a_citizen_cannot_open_is_refused(given, reason):
    with pytest.raises(InvalidInput) as caught:
        codes.public_address(given)
    assert reason in caught.value.vi and caught.value.en and caught.value.field


def test_db_init_and_site_set(tmp_path, capsys):
    db = str(tmp_path / "m.sqlite")
    assert main(["--db", db, "db", "init", "--public-address", "https://TraCuu.Example.vn/"]) == 0
    assert site.load_site(Store(db)).public_base_url == "https://tracuu.example.vn"
    assert main(["--db", db, "site", "set", "public_address", "http://127.0.0.1:8000"]) == 2
    err = capsys.readouterr().err
    assert "người dân không mở được" in err and "citizens cannot open" in err
    assert site.load_site(Store(db)).public_base_url == "https://tracuu.example.vn"  # kept
    assert main(["--db", db, "site", "set", "public_address", "https://dvc.example.vn"]) == 0
    assert main(["--db", db, "site", "show"]) == 0
    assert "public_address = https://dvc.example.vn" in capsys.readouterr().out
    assert main(["--db", db, "site", "set", "public_address", ""]) == 0
    assert site.load_site(Store(db)).public_base_url == ""
    assert main(["--db", db, "db", "init", "--public-address", "http://10.1.1.1"]) == 2


def test_the_url_form_is_published_printed_and_accepted(server, store):
    public = server.client()
    assert public.site()["public_address"] is None and public.site()["lookup_page"] is None
    site.set_public(store, "public_address", "https://tracuu.example.vn")
    info = public.site()  # a running server picks the change up
    assert info["public_address"] == "https://tracuu.example.vn"
    assert info["lookup_page"] == "https://tracuu.example.vn/tra-cuu"
    clerk = server.client("clerk")
    case = intake(clerk, pick_procedure(clerk))
    code, token = case["code"], case["token"]
    assert case["qr"] == f"HTTPS://TRACUU.EXAMPLE.VN/L/{code}/{token}"
    for scanned in (case["qr"], case["qr"].lower().replace(code.lower(), code) + "/",
                    f"https://tracuu.example.vn/L/{code.lower()}/{token}"):
        scan = codes.parse_scan(scanned)
        assert (str(scan.code), scan.token) == (code, token)
        answer = public.lookup(scanned)
        assert answer["code"] == code and answer["applicant"]  # the token proved the receipt
    opened = requests.get(f"{server.url}/L/{code}/{token}", timeout=10)
    assert opened.status_code == 200 and code in opened.text
    assert opened.url.endswith(f"/tra-cuu?ma={code}&t={token}")


def test_an_admin_sets_it_over_the_api_and_bad_input_changes_nothing(server):
    admin, clerk = server.client("admin"), server.client("clerk")
    body = {"public_address": "https://DVC.Example.vn/"}
    assert admin._request("PUT", "/api/v1/site", json=body)["public_address"] == (
        "https://dvc.example.vn")
    with pytest.raises(ApiError) as refused:
        clerk._request("PUT", "/api/v1/site", json=body)
    assert refused.value.status == 403
    with pytest.raises(ApiError) as bad:
        admin._request("PUT", "/api/v1/site", json={"public_address": "http://192.168.1.5"})
    assert bad.value.status == 422 and "nội bộ" in bad.value.vi and bad.value.en
    assert server.client().site()["lookup_page"] == "https://dvc.example.vn/tra-cuu"  # kept
