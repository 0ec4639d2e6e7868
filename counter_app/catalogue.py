"""Procedures for the intake form: searched on the server, kept here for offline intake.

Online the backend's search is used (diacritics optional: "giay phep" finds "Giấy phép"), and
every procedure seen is kept in the station's database; offline the same folding search runs
over that copy, so the clerk searches the same way whether the network is there or not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from backend.domain.text import fold
from counter_app.link import Link
from counter_app.localstore import LocalStore
from counter_app.strings import fail
from counter_app.texts import OfflineError


class Catalogue:
    def __init__(self, store: LocalStore, link: Link, clock: Callable[[], datetime]) -> None:
        self.store, self.link, self.clock = store, link, clock

    def refresh(self) -> int:
        """Copy the whole current catalogue (done at login while online)."""
        return len(self._keep(self.link.call(self.link.client.procedures, "")))

    def search(self, query: str) -> list[dict]:
        try:
            return self._keep(self.link.call(self.link.client.procedures, query))
        except OfflineError:
            return self.search_local(query)

    def get(self, code: str) -> dict:
        try:
            return self._keep([self.link.call(self.link.client.procedure, code)])[0]
        except OfflineError:
            row = self.store.one("select data from procedures where code = ?", [code])
            if row is None:
                raise fail("unknown_procedure", code=code) from None
            return json.loads(row["data"])

    def search_local(self, query: str) -> list[dict]:
        words = fold(query).split()
        rows = self.store.all("select data, fold from procedures order by code")
        return [json.loads(r["data"]) for r in rows if all(w in r["fold"] for w in words)]

    def _keep(self, procedures: list[dict]) -> list[dict]:
        now = self.clock().isoformat()
        with self.store.tx() as db:
            for proc in procedures:
                db["procedures"].upsert({
                    "code": proc["code"], "name": proc["name"], "fetched_at": now,
                    "fold": fold(f"{proc['code']} {proc['name']} {proc['field']['name']}"),
                    "data": json.dumps(proc, ensure_ascii=False)}, pk="code")
        return procedures
