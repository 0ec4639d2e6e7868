"""SMS lookups answered by the hub (`motcua hub sms`): the reply the centre itself sends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime

from backend import sms
from backend.domain.calendar import VN_TZ
from backend.store import sync
from backend.store.site import load_site
from tests.hub.test_sync import some_cases


def test_a_hub_sms_process_replies_as_the_centre_does(server, hub, connected, hub_dsn):
    from drivers.modems.fake import FakeModem

    made = some_cases(server, 2)
    store = server.app.state.store
    sync.Agent(store, log=lambda _: None).run(once=True)
    with FakeModem() as fake:
        proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "hub", "sms", "--port",
                                 fake.port_name, "--database", hub_dsn],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            fake.deliver("+84912345678", f"TTHC {made[1]['code']}")
            fake.deliver("+84912345679", "TTHC 000.00.06.H56-261123-0999")
            deadline = time.monotonic() + 60
            while len(fake.sent) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    replies = {m.number: m.text for m in fake.sent}
    now = datetime.now(VN_TZ)  # the process's clock: whether the case is late now
    site = load_site(store)
    assert replies["+84912345678"] == sms.reply_for(store, site, f"TTHC {made[1]['code']}",
                                                    now)
    assert replies["+84912345679"].startswith("Không tìm thấy hồ sơ")
    assert "Nguyễn" not in replies["+84912345678"]
