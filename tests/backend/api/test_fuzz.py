"""Property-based fuzzing of every operation in /openapi.json: valid and invalid requests,
anonymous and signed in as each kind of caller. Whatever arrives, never a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from backend.client import Client

EXAMPLES = 4  # per operation and mode: the four runs stay within about two minutes
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def caller_token(server, who: str | None) -> str | None:
    if who == "kiosk":
        return server.client("admin").register_device("kiosk-fuzz", "kiosk")["token"]
    return server.client(who).token if who else None


def fuzz_operation(operation, mode, url: str, headers: dict) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @FUZZ
    def run(case) -> None:
        response = case.call(base_url=url, headers=headers, timeout=30)
        assert response.status_code < 500, (response.status_code, case.as_curl_command(),
                                            response.text[:300])
        if response.status_code >= 400:
            body = response.json()
            assert body.get("vi") and body.get("en"), (case.as_curl_command(), body)

    try:
        run()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (no parameters, no body).
        assert mode == GenerationMode.NEGATIVE, operation.label


@pytest.mark.slow
@pytest.mark.parametrize("who", [None, "clerk", "admin", "kiosk"])
def test_no_request_causes_a_server_error(server, who):
    token = caller_token(server, who)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    seen = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/logout":
            continue  # ending its own session would leave the rest of the run anonymous
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_operation(operation, mode, server.url, headers)
        seen += 1
    assert seen > 30
    assert Client(server.url).health()["ok"]
