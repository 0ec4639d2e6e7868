"""GET /api/v1/procedures sends a ready response: byte for byte what its response model would
have sent, and still described by it in /openapi.json."""

from __future__ import annotations

import json

from backend.api.answers import ProcedureList


def through_the_model(body: dict) -> bytes:
    """What FastAPI sent when the route returned a dict for ProcedureList to check."""
    answer = ProcedureList.model_validate(body).model_dump(mode="json", exclude_unset=True)
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()


def test_the_list_is_byte_for_byte_what_its_model_would_send(server):
    client = server.client()
    for query in ({}, {"q": "hộ tịch"}, {"q": "khai sinh", "field": "nope"}):
        sent = client.session.get(f"{server.address}/api/v1/procedures", params=query, timeout=30)
        assert sent.status_code == 200 and sent.headers["content-type"] == "application/json"
        assert sent.content == through_the_model(sent.json()), query
    everything = client._request("GET", "/api/v1/procedures")
    codes = [p["code"] for p in everything["items"]]
    assert everything["count"] == len(codes) > 5 and codes == sorted(codes)
    assert set(everything["items"][0]) >= {"code", "name", "documents", "workflow", "fee"}


def test_the_model_still_documents_the_list(server):
    spec = server.client()._request("GET", "/openapi.json")
    ok = spec["paths"]["/api/v1/procedures"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProcedureList"}
    assert "items" in spec["components"]["schemas"]["ProcedureList"]["properties"]
