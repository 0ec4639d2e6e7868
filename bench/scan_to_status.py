"""Scan to status: from the camera frame that shows a receipt to the kiosk's status view built.

    .venv/bin/python bench/scan_to_status.py [--runs 60] [--cases 5000]

Seeds a database, starts `motcua serve` on loopback (its own process, as the kiosk's backend is
another machine), prints one receipt per case on the virtual printer (the counter's own Mẫu 01:
QR of CODE/TOKEN and the 20-digit Code 128), warps each into a camera photo aimed at its QR
(tilted up to ±25°, some bent, glare, JPEG), and plays it through the fake camera into the
real kiosk core: camera thread, decoder thread, inbox, lookup on a worker thread, status view
model. Timed from the moment the camera delivers the first frame holding the receipt until the
status view exists:

- "immediate": the core's thread runs each posted result at once (the best an app can do);
- "30 fps UI": the core is pumped once per frame as the Kivy app does (maxfps 30).

Baselines measured in the same run: the lookup HTTP call alone, and decoding the photo alone.
Target: median under 300 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from backend.domain import codes
from drivers.cameras.decoder import Decoder
from drivers.cameras.fake import FakeCamera
from drivers.printers import (
    Document,
    EscposPrinter,
    PrinterProfile,
    VirtualPrinter,
)

# --- receipts and photos (also used by tests/kiosk_app) ----------------------------------------


def receipt_document(case: dict) -> Document:
    """The receipt the counter prints for an intake answer (Mẫu 01, counter_app/receipts.py) on
    58 mm paper: the Code 128 of the 20-digit `compact` form under the case code at the top, the
    QR of `qr` (CODE/TOKEN) at the foot, about 10 cm apart."""
    from counter_app import receipts
    from counter_app.config import StationConfig

    return receipts.receipt(case, StationConfig(paper_mm=58))


def printed_receipt(doc: Document, out_dir: Path | None = None) -> np.ndarray:
    """The receipt as the virtual 58 mm printer renders it: gray, 255 paper, 0 dots."""
    profile = PrinterProfile.for_paper(58)
    printer = VirtualPrinter.from_profile(profile, out_dir)
    result = EscposPrinter(printer.connection(), profile).print_document(doc)
    if not result.ok:
        raise RuntimeError(result.reason)
    return np.asarray(printer.receipts[-1].image.convert("L"))


def photo_of(receipt: np.ndarray, shot, seed: int) -> np.ndarray:
    """The printed receipt held up to the kiosk camera (bench/receipt_photos.py's model)."""
    from bench import receipt_photos as rp

    paper = np.full((receipt.shape[0], rp.PAPER_DOTS), 255, np.uint8)
    left = (rp.PAPER_DOTS - receipt.shape[1]) // 2
    paper[:, left:left + receipt.shape[1]] = receipt
    rng = np.random.default_rng(seed)
    frame = rp.clutter(rng)
    rp.paste_receipt(frame, paper, _code_middle(receipt), shot, rng)
    return rp.degrade(frame, shot, rng)


def _code_middle(receipt: np.ndarray) -> float:
    """Where the citizen aims: the middle of the symbol read first on the flat receipt (the QR
    when there is one); the real receipt's two symbols do not fit one frame together."""
    ys = [y for d in Decoder().decode(receipt) for _x, y in d.corners]
    return (min(ys) + max(ys)) / 2 if ys else receipt.shape[0] / 2


def shot_for(i: int):
    """Hand-held shots of increasing difficulty, deterministic per run number."""
    from bench import receipt_photos as rp

    angle = [-25, -12, 0, 8, 18, 25][i % 6]
    return rp.Shot(angle=angle, px_per_mm=7.5 + (i % 3), bend=(1 / 600 if i % 4 == 1 else 0.0),
                   glare=(140.0 if i % 5 == 2 else 0.0), jpeg=(70 if i % 2 else 0),
                   noise=1.5)


# --- the pipeline under test ----------------------------------------------------------------


class StampingCamera(FakeCamera):
    """A fake camera that notes when it first delivers the frame holding the receipt."""

    def __init__(self, empty: np.ndarray) -> None:
        super().__init__([empty], fps=30)
        self.empty = empty
        self.receipt_since: float | None = None
        self._lock = threading.Lock()
        self._receipt = False

    def hold_up(self, photo: np.ndarray) -> None:
        with self._lock:
            self.show([photo])
            self._receipt, self.receipt_since = True, None

    def take_away(self) -> None:
        with self._lock:
            self.show([self.empty])
            self._receipt = False

    def read(self):
        frame = super().read()
        with self._lock:
            if self._receipt and self.receipt_since is None:
                self.receipt_since = time.perf_counter()
        return frame


def kiosk_for(url: str, camera: StampingCamera):
    from kiosk_app.config import KioskConfig
    from kiosk_app.core import Kiosk
    from kiosk_app.devices import Hardware

    config = KioskConfig.from_dict({"backend_url": url, "device_name": "bench"})
    return Kiosk(config, hardware=Hardware(camera=camera)).start()


class Watch:
    """Subscribed to the core: notes when the status view of the awaited case exists."""

    def __init__(self) -> None:
        self.code: str | None = None
        self.built: float | None = None

    def __call__(self, state) -> None:
        if self.built is None and state.case is not None and state.case.code == self.code:
            self.built = time.perf_counter()


def one_scan(kiosk, watch: Watch, camera: StampingCamera, photo: np.ndarray, code: str,
             frame_period: float) -> float:
    """Seconds from the receipt's first frame to the status view of `code`."""
    watch.code, watch.built = code, None
    camera.hold_up(photo)
    deadline = time.perf_counter() + 10
    while watch.built is None and time.perf_counter() < deadline:
        if frame_period:
            time.sleep(frame_period)
            kiosk.pump()
        else:
            kiosk.inbox.run_next(0.002)
            kiosk.pump()
    camera.take_away()
    kiosk.go_home()
    time.sleep(0.15)  # the empty scene again before the next citizen
    if watch.built is None or camera.receipt_since is None:
        raise RuntimeError(f"no status for {code} (decoder missed the photo?)")
    return watch.built - camera.receipt_since


def scans(url: str, cases: list[dict], photos: list[np.ndarray], frame_period: float) -> list:
    """Each receipt once, on a kiosk of its own for this pass: a kiosk does not look up a
    receipt shown again within seconds of the last sighting, as a hand moving it would."""
    from bench import receipt_photos as rp

    camera = StampingCamera(rp.clutter(np.random.default_rng(99)))
    kiosk, watch = kiosk_for(url, camera), Watch()
    kiosk.subscribe(watch)
    try:
        return [one_scan(kiosk, watch, camera, p, c["code"], frame_period)
                for c, p in zip(cases, photos, strict=True)]
    finally:
        kiosk.close()


# --- the run --------------------------------------------------------------------------------


def seed_backend(tmp: Path, n_cases: int):
    from backend.store import site
    from bench.seed import seeded_store

    store, pairs = seeded_store(str(tmp / "bench.sqlite"), n_cases)
    site.set_setting(store, "lookup_rate_per_minute", "1000000")  # one kiosk, many scans
    the_site = site.load_site(store)
    store.close()
    return the_site, pairs


def case_answer(the_site, code: str, token: str) -> dict:
    """What an intake answer carries, for a seeded case: as much as its receipt prints."""
    from counter_app.receipts import sample_case

    parsed = codes.parse_code(code)
    answer = sample_case({"name": the_site.agency_name}, "Lê Văn Bàn", "2026-01-05T08:00:00+07:00")
    return answer | {
        "code": code, "qr": codes.qr_payload(parsed, token),
        "compact": str(codes.make_compact(parsed, the_site.agency_index, token)),
        "applicant": {"name": "Nguyễn Văn Bền", "phone": "0912345678"},
        "procedure": answer["procedure"] | {"code": "1.001193", "name": "Đăng ký khai sinh"},
        "documents": [{"name": "Tờ khai đăng ký khai sinh", "count": 1},
                      {"name": "Giấy chứng sinh", "count": 1}],
        "due_at": "2026-01-06T08:00:00+07:00"}


def stats(name: str, seconds: list[float], baseline: float | None = None) -> float:
    ms = sorted(1000 * s for s in seconds)
    median = statistics.median(ms)
    p90 = ms[max(0, round(0.9 * len(ms)) - 1)]
    ratio = f"   {median / baseline:5.1f}× lookup" if baseline else ""
    print(f"{name:<34} median {median:7.1f} ms   p90 {p90:7.1f} ms   (n={len(ms)}){ratio}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    from bench.lookup import served

    with tempfile.TemporaryDirectory() as tmp:
        the_site, pairs = seed_backend(Path(tmp), args.cases)
        with served(str(Path(tmp) / "bench.sqlite"), port=args.port) as port:
            run(f"http://127.0.0.1:{port}", the_site, pairs, args.runs)


def run(url: str, the_site, pairs, runs: int) -> None:
    from backend.client import Client

    step = max(1, len(pairs) // runs)
    cases = [case_answer(the_site, *pairs[i * step]) for i in range(runs)]
    print(f"printing and photographing {runs} receipts…", flush=True)
    photos = [photo_of(printed_receipt(receipt_document(c)), shot_for(i), seed=i)
              for i, c in enumerate(cases)]
    decoder, client = Decoder(), Client(url)
    lookups, decodes = [], []
    for case, photo in zip(cases, photos, strict=True):
        started = time.perf_counter()
        client.lookup(case["qr"])
        lookups.append(time.perf_counter() - started)
        started = time.perf_counter()
        decoder.decode(photo)
        decodes.append(time.perf_counter() - started)
    client.session.close()
    results = {name: scans(url, cases, photos, period)
               for name, period in (("immediate", 0.0), ("30 fps UI", 1 / 30))}
    base = stats("baseline: lookup HTTP call alone", lookups)
    stats("baseline: decode the photo alone", decodes)
    for name, seconds in results.items():
        stats(f"scan → status view ({name})", seconds, base)


if __name__ == "__main__":
    main()
