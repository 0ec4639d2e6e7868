"""Receipt decoding at the kiosk camera: speed and read rate of the decoder against the baseline.

    .venv/bin/python bench/decode.py [-n 200] [--empty 56] [--tune-seed 2026] [--held-out-seed N]
                                     [--second-model-n 200] [--tune-n N] [--unread DIR]

Runs each candidate on the same synthetic 1280×720 photos (bench/receipt_photos.py): receipts
held at −30°..+30°, close or at arm's length, with keystone, bent, blurred by focus or by a moving
hand, over- or under-exposed, in glare, noisy, JPEG-compressed; half of them with the QR code torn
off or folded away, so only the Code 128 is left; and code-free frames (clutter, text-only
receipts, printed pages, textures, stripes, finder-like grids, noise).

Two photo sets: the *tuning* set (the seed the strategy was tuned on) and the *held-out* set (a
seed never used while tuning). The held-out set gives the headline. A third set comes from a
second photo model written apart from the first (bench/receipt_photos_cv.py: 3D pose, disc
defocus, other glare, noise and JPEG), at the held-out seed, so that the figure does not rest on
one generator. Per set and candidate it
prints the read rate over all receipts (either symbol read, which is what gives the citizen their
case), on receipts with their QR code, on receipts with the Code 128 alone, wrong reads, reads on
code-free frames, and the decode time per frame (median, p90, p99, wall clock and CPU) with its
ratio to the baseline's in the same run. Then the chosen decoder's read rate per condition, and
whether the targets are met on the held-out set.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import receipt_photos as rp
from bench import receipt_photos_cv as rp_cv
from drivers.cameras.decoder import CODE128, DEFAULT_BACKEND, DEFAULT_STRATEGY, QR, Decoder

BASELINE = "zxing tiered"  # the strategy the kiosk used before the located passes
CHOSEN = f"{DEFAULT_BACKEND} {DEFAULT_STRATEGY}"
# The default, the ones before it ("located-level", without the QR code read module by
# module, "located-stitch", without the ungated levelled row scan, "located-qr", without
# the thin-bar and stitched row scans, "located-open", without the QR finder painted along
# a found finder's side, "located-finder", without the open-ended row scan,
# "located-tall", without the QR finder pass, "located-uneven",
# without the tall cut-out passes, and "located", without the passes for uneven light) and the
# Code 128 glare pass (glare.py) on top of "located".
CANDIDATES = [("zxing", "tiered"), ("pyzbar", "plain"), ("zxing", "located"),
              ("zxing", "located-glare"), ("zxing", "located-uneven"),
              ("zxing", "located-tall"), ("zxing", "located-finder"), ("zxing", "located-open"),
              ("zxing", "located-qr"), ("zxing", "located-stitch"), ("zxing", "located-level"),
              ("zxing", DEFAULT_STRATEGY)]
TARGET_MS, TARGET_RATE = 15.0, 0.98
# Seeds 2026 and 1001 (and 555 of the second model) were looked at while tuning the row-scan
# pass; 7331, the held-out seed before it, had been looked at too, and so was 48213 once its run
# showed a wrong read (now a test). This one was run once, at the end, with both photo models.
HELD_OUT_SEED = 86519


@dataclass
class Tally:
    wall: list[float] = field(default_factory=list)  # seconds per receipt frame
    cpu: list[float] = field(default_factory=list)
    wall_empty: list[float] = field(default_factory=list)  # seconds per code-free frame
    read: list[bool] = field(default_factory=list)  # per receipt: a symbol read, all right
    qr_lost: list[bool] = field(default_factory=list)  # per receipt: only the Code 128 left
    stages: dict[str, int] = field(default_factory=dict)  # which pass read the receipt
    wrong: list[str] = field(default_factory=list)  # a symbol read with the wrong text
    false_reads: list[str] = field(default_factory=list)  # anything read on a code-free frame

    def rate(self, lost: bool | None = None) -> float:
        picked = [r for r, q in zip(self.read, self.qr_lost, strict=True)
                  if lost is None or q == lost]
        return float(np.mean(picked)) if picked else float("nan")


def timed(decoder: Decoder, image: np.ndarray):
    wall, cpu = time.perf_counter(), time.process_time()
    found = decoder.decode(image)
    return found, time.perf_counter() - wall, time.process_time() - cpu


def score(tally: Tally, photo: rp.Photo, decoder: Decoder) -> None:
    found, wall, cpu = timed(decoder, photo.image)
    if photo.payload is None:
        tally.wall_empty.append(wall)
        tally.false_reads += [f"{photo.kind}#{photo.index}: {d.format} {d.text!r}" for d in found]
        return
    tally.wall.append(wall)
    tally.cpu.append(cpu)
    want = {QR: photo.payload.qr, CODE128: photo.payload.code128}
    wrong = [f"receipt#{photo.index}: {d.format} {d.text!r}" for d in found
             if d.text != want[d.format]]
    tally.wrong += wrong
    tally.read.append(bool(found) and not wrong)
    tally.qr_lost.append(bool(photo.shot.qr_lost))
    for stage in {d.stage for d in found}:
        tally.stages[stage] = tally.stages.get(stage, 0) + 1


def run(decoders: dict[str, Decoder], n: int, empty: int, seed: int, model=rp,
        unread: Path | None = None):
    """Every decoder on each photo in turn, so load on the machine hits them alike. With
    `unread`, the receipts the chosen decoder missed or misread, and the code-free frames it
    read anything on, are written there as PNG files."""
    tallies = {name: Tally() for name in decoders}
    shots = []
    for photo in [*model.photos(n, seed), *model.empty_photos(empty, seed)]:
        if photo.payload is not None:
            shots.append(photo.shot)
        chosen = tallies[CHOSEN]
        before = (len(chosen.wrong), len(chosen.false_reads))
        for name, decoder in decoders.items():
            score(tallies[name], photo, decoder)
        missed = photo.payload is not None and not chosen.read[-1]
        if unread and (missed or before != (len(chosen.wrong), len(chosen.false_reads))):
            save_photo(unread, f"{model.__name__.rsplit('.', 1)[-1]}-s{seed}", photo)
    return tallies, shots


def shot_name(photo: rp.Photo) -> str:
    """A file name that says how the photo was taken, for looking at the misses by eye."""
    s = photo.shot
    return (f"{photo.kind}-{photo.index:03d}-{s.qr_lost or 'qr'}-"
            f"d{s.px_per_mm / rp.DOTS_PER_MM:.2f}-a{s.angle:+.0f}-k{s.keystone:.2f}-"
            f"bend{int(s.bend > 0)}-f{s.blur:.1f}-m{s.motion}-g{s.glare:.0f}x{s.glare_spots}-"
            f"e{s.dark:.2f}-n{s.noise:.0f}-j{s.jpeg}")


def save_photo(folder: Path, prefix: str, photo: rp.Photo) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(folder / f"{prefix}-{shot_name(photo)}.png"), photo.image)


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(values, q) * 1000) if values else float("nan")


def print_table(label: str, tallies: dict[str, Tally]) -> None:
    base = tallies[BASELINE]
    print(f"\n{label}")
    print(f"{'decoder strategy':22} {'all':>6} {'QR on':>6} {'C128 only':>9} {'wrong':>5} "
          f"{'false':>5} | {'med':>6} {'p90':>6} {'p99':>6} {'×base':>6} {'cpu med':>7} "
          f"{'×base':>6} | {'no code med':>11} {'p90':>6}")
    for name, t in tallies.items():
        mark = " *" if name == CHOSEN else ""
        print(f"{name + mark:22} {t.rate():6.1%} {t.rate(False):6.1%} {t.rate(True):9.1%} "
              f"{len(t.wrong):5d} {len(t.false_reads):5d} | {ms(t.wall, 50):6.1f} "
              f"{ms(t.wall, 90):6.1f} {ms(t.wall, 99):6.1f} "
              f"{ms(t.wall, 50) / ms(base.wall, 50):6.2f} {ms(t.cpu, 50):7.1f} "
              f"{ms(t.cpu, 50) / ms(base.cpu, 50):6.2f} | {ms(t.wall_empty, 50):11.1f} "
              f"{ms(t.wall_empty, 90):6.1f}")
    stages = tallies[CHOSEN].stages
    print(f"'{CHOSEN}' receipts read per pass: "
          + ", ".join(f"{k} {v}" for k, v in sorted(stages.items(), key=lambda kv: -kv[1])))


LEGEND = (
    "all: receipts read (either symbol, no wrong text); QR on: receipts with their QR code; "
    "C128 only: QR torn off or folded away;\nwrong: a symbol read with the wrong text; false: "
    "reads on code-free frames; times in ms per 1280×720 frame with a code (wall clock, and CPU\n"
    "time of the process), ×base = median / the baseline's median in the same run; no code: "
    "code-free frames (every pass runs); * = the decoder the camera uses.")

CONDITIONS = {
    "QR on": lambda s: not s.qr_lost, "QR torn off": lambda s: s.qr_lost == "torn",
    "QR folded": lambda s: s.qr_lost == "folded",
    # The range is 1.2–2.8 px per printer dot; the first model draws a fifth of its
    # shots farther (_scale), and aiming steps either model back when the code would not fit.
    "issue's ≥1.2 px/dot": lambda s: s.px_per_mm >= 1.2 * rp.DOTS_PER_MM,
    "far <1.2 px/dot": lambda s: s.px_per_mm < 1.2 * rp.DOTS_PER_MM,
    "tilt >15°": lambda s: abs(s.angle) > 15, "keystone >0.1": lambda s: s.keystone > 0.1,
    "bent/curled": lambda s: s.bend > 0, "focus blur >1": lambda s: s.blur > 1,
    "motion blur": lambda s: s.motion > 0, "gain <0.6": lambda s: s.dark < 0.6,
    "glare": lambda s: s.glare > 0, "noise σ>6": lambda s: s.noise > 6,
    "jpeg": lambda s: s.jpeg > 0,
}


def print_conditions(label: str, tallies: dict[str, Tally], shots: list[rp.Shot]) -> None:
    print(f"\n{label}: read rate per condition (either symbol)")
    names = [BASELINE, "zxing located", CHOSEN]
    print(f"{'condition':18} {'n':>4} " + " ".join(f"{n:>14}" for n in names))
    for label, test in CONDITIONS.items():
        idx = [i for i, s in enumerate(shots) if test(s)]
        cells = [f"{np.mean([tallies[n].read[i] for i in idx]):14.1%}" if idx else f"{'-':>14}"
                 for n in names]
        print(f"{label:18} {len(idx):4d} " + " ".join(cells))


def print_verdict(label: str, tallies: dict[str, Tally]) -> None:
    t = tallies[CHOSEN]
    checks = [
        (f"median decode time with a code < {TARGET_MS:g} ms (wall clock)",
         ms(t.wall, 50) < TARGET_MS),
        (f"median decode time with a code < {TARGET_MS:g} ms (CPU)", ms(t.cpu, 50) < TARGET_MS),
        (f"either symbol read on ≥ {TARGET_RATE:.0%} of photos", t.rate() >= TARGET_RATE),
        ("no false reads on code-free frames", not t.false_reads),
        ("no wrong reads on receipts", not t.wrong),
    ]
    print(f"\ntargets for '{CHOSEN}' on {label}:")
    for label, ok in checks:
        print(f"  {'MET    ' if ok else 'NOT MET'} {label}")
    for name, tally in tallies.items():
        for line in tally.false_reads + tally.wrong:
            print(f"  wrong or false read by {name}: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="receipt photos per set")
    parser.add_argument("--empty", type=int, default=56, help="code-free frames per set")
    parser.add_argument("--tune-seed", type=int, default=2026,
                        help="the seed the strategy was tuned on")
    parser.add_argument("--held-out-seed", type=int, default=HELD_OUT_SEED,
                        help="a seed never used while tuning: the headline")
    parser.add_argument("--second-model-n", type=int, default=200,
                        help="receipt photos of the second photo model (0: leave it out)")
    parser.add_argument("--tune-n", type=int, default=None,
                        help="receipt photos of the tuning set (default -n; 0: leave it out)")
    parser.add_argument("--unread", type=Path, default=None,
                        help="folder for PNGs of the held-out photos the chosen decoder missed, "
                             "misread or false-read (both models), shot parameters in the name")
    args = parser.parse_args()
    decoders = {f"{b} {s}": Decoder(b, s) for b, s in CANDIDATES}
    warm = next(rp.photos(1, args.tune_seed)).image
    for decoder in decoders.values():  # imports, lookup tables, library start-up
        decoder.decode(warm)
    start = time.perf_counter()
    tune_n = args.n if args.tune_n is None else args.tune_n
    tuned = run(decoders, tune_n, args.empty, args.tune_seed)[0] if tune_n else None
    held, shots = run(decoders, args.n, args.empty, args.held_out_seed, unread=args.unread)
    print(f"{args.n} receipt photos + {args.empty} code-free frames per set, "
          f"{time.perf_counter() - start:.0f} s, load average {os.getloadavg()[0]:.1f}")
    if tuned:
        print_table(f"TUNING set (seed {args.tune_seed}, used while tuning)", tuned)
    print_table(f"HELD-OUT set (seed {args.held_out_seed}, never used while tuning) — headline",
                held)
    print(LEGEND)
    print_conditions("held-out set", held, shots)
    print_verdict("the held-out set", held)
    if args.second_model_n:
        second, second_shots = run(decoders, args.second_model_n, args.empty,
                                   args.held_out_seed, rp_cv, args.unread)
        print_table(f"SECOND PHOTO MODEL (receipt_photos_cv.py, seed {args.held_out_seed}, "
                    f"never used while tuning; load average {os.getloadavg()[0]:.1f})", second)
        print_conditions("second photo model", second, second_shots)
        print_verdict("the second photo model", second)


if __name__ == "__main__":
    main()
