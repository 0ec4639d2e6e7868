"""Admin: procedure versions take effect on their date, abolition stops intake, uploads are
checked like files on disk. Against a live server and a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from backend.catalog import DEFAULT_CATALOG_DIR
from backend.client import ApiError
from tests.backend.api.helpers import intake, pick_procedure
from tests.backend.conftest import PASSWORD


def version_file(code: str, version: str, **changes) -> tuple[str, str]:
    """The catalogue file of `code` as a new version: (file name, YAML text)."""
    data = yaml.safe_load((DEFAULT_CATALOG_DIR / "procedures" / f"{code}.yaml").read_text())
    data.update(version=date.fromisoformat(version), **changes)
    return f"{code}@{version}.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def move_to(clock, client, moment) -> None:
    """Days pass: sessions expire, so the clerk signs in again as on any morning."""
    clock.now = moment
    client.login("clerk", PASSWORD)



def upload(admin, file_name: str, content: str) -> dict:
    return admin._request("POST", "/api/v1/admin/procedures",
                          json={"file_name": file_name, "content": content})


def test_new_version_applies_from_its_date_and_old_cases_keep_theirs(admin, clerk, clock):
    proc = pick_procedure(clerk)
    new_name = proc["name"] + " (sửa đổi)"
    answer = upload(admin, *version_file(proc["code"], "2026-12-01", name=new_name))
    assert answer == {"code": proc["code"], "version": "2026-12-01",
                      "effective_from": "2026-12-01", "added": True}
    before = intake(clerk, proc)  # 23/11: the new version is not in force yet
    assert before["procedure_version"] == proc["version"]
    assert clerk.procedure(proc["code"])["name"] == proc["name"]
    move_to(clock, clerk, clock.now.replace(day=1, month=12))
    after = intake(clerk, proc)
    assert after["procedure_version"] == "2026-12-01"
    assert after["procedure"]["name"] == new_name
    assert clerk.procedure(proc["code"])["name"] == new_name
    assert clerk.case(before["code"])["procedure"]["name"] == proc["name"]


def test_abolished_procedure_leaves_catalogue_and_refuses_intake_from_its_day(admin, clerk,
                                                                              clock):
    proc = pick_procedure(clerk)
    path = f"/api/v1/admin/procedures/{proc['code']}/abolition"
    admin._request("PUT", path, json={"from_day": "2026-11-25", "note": "QĐ 99/2026"})
    old = intake(clerk, proc)  # still in force on 23/11
    assert proc["code"] in [p["code"] for p in clerk.procedures()]
    field = proc["field"]["code"]
    in_field = {f["code"]: f["procedures"] for f in clerk.fields()}[field]
    move_to(clock, clerk, clock.now.replace(day=25))
    assert proc["code"] not in [p["code"] for p in clerk.procedures()]
    assert {f["code"]: f["procedures"] for f in clerk.fields()}.get(field, 0) == in_field - 1
    with pytest.raises(ApiError) as refused:
        intake(clerk, proc)
    assert refused.value.status == 404 and refused.value.key == "procedure_abolished"
    assert "bãi bỏ từ ngày 25/11/2026" in refused.value.vi
    assert "abolished from 2026-11-25" in refused.value.en
    kept = clerk.case(old["code"])
    assert kept["procedure_version"] == proc["version"] and kept["status"] == "received"
    admin.login("admin", PASSWORD)
    listed = {e["code"]: e for e in admin._request("GET", "/api/v1/admin/procedures")["items"]}
    assert listed[proc["code"]]["abolished_from"] == "2026-11-25"
    assert listed[proc["code"]]["in_force_version"] is None


def test_abolition_can_be_withdrawn(admin, clerk, clock):
    proc = pick_procedure(clerk)
    path = f"/api/v1/admin/procedures/{proc['code']}/abolition"
    admin._request("PUT", path, json={"from_day": "2026-11-23"})
    assert proc["code"] not in [p["code"] for p in clerk.procedures()]
    admin._request("DELETE", path)
    assert intake(clerk, proc)["procedure_version"] == proc["version"]
    with pytest.raises(ApiError) as twice:
        admin._request("DELETE", path)
    assert twice.value.status == 404 and "không bị bãi bỏ" in twice.value.vi


def test_versions_list_shows_in_force_and_upcoming(admin, clerk):
    proc = pick_procedure(clerk)
    upload(admin, *version_file(proc["code"], "2027-01-01"))
    listed = {e["code"]: e for e in admin._request("GET", "/api/v1/admin/procedures")["items"]}
    entry = listed[proc["code"]]
    assert entry["in_force_version"] == proc["version"]
    assert [(v["version"], v["in_force"], v["upcoming"]) for v in entry["versions"]] == [
        (proc["version"], True, False), ("2027-01-01", False, True)]


@pytest.mark.parametrize(("changes", "vi", "en"), [
    ({"receiving_unit": "NOWHERE"}, "receiving_unit 'NOWHERE' không tồn tại",
     "receiving_unit unknown unit 'NOWHERE'"),
    ({"sets": 0}, "sets 0 phải lớn hơn hoặc bằng 1", "sets must be at least 1"),
])
def test_bad_field_is_refused_in_both_languages_and_nothing_is_written(admin, clerk, server,
                                                                       changes, vi, en):
    proc = pick_procedure(clerk)
    name, text = version_file(proc["code"], "2026-12-01", **changes)
    count = server.app.state.store.one("select count(*) as n from procedures")["n"]
    with pytest.raises(ApiError) as refused:
        upload(admin, name, text)
    assert refused.value.status == 422 and refused.value.key == "invalid_procedure_file"
    assert refused.value.field == "file"
    assert f"Thủ tục {proc['code']} ({name}): {vi}" in refused.value.vi
    assert f"{name}: {en}" in refused.value.en
    assert server.app.state.store.one("select count(*) as n from procedures")["n"] == count


@pytest.mark.parametrize(("file_name", "content", "vi", "en"), [
    ("x.txt", "code: 1", "cần tệp .yaml", "a .yaml file is needed"),
    ("1.001612.yaml", "code: [1,", "lỗi cú pháp YAML", "YAML syntax error"),
    ("1.001612.yaml", "code: 1.001612\ncode: 1.001612\n", "bị lặp", "duplicate key"),
])
def test_unreadable_files_get_clear_messages(admin, file_name, content, vi, en):
    with pytest.raises(ApiError) as refused:
        upload(admin, file_name, content)
    assert refused.value.status == 422 and vi in refused.value.vi and en in refused.value.en


def test_a_loaded_version_is_frozen(admin, clerk):
    proc = pick_procedure(clerk)
    assert upload(admin, *version_file(proc["code"], proc["version"]))["added"] is False
    with pytest.raises(ApiError) as refused:
        upload(admin, *version_file(proc["code"], proc["version"], name="Khác"))
    assert refused.value.status == 409 and refused.value.key == "version_frozen"
    assert "không được sửa" in refused.value.vi and "frozen" in refused.value.en


def test_procedure_admin_is_for_admins_only(clerk):
    with pytest.raises(ApiError) as refused:
        clerk._request("GET", "/api/v1/admin/procedures")
    assert refused.value.status == 403
