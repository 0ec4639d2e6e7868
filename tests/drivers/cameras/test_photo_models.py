"""The photo models draw the same pixels whatever module holds which part of them.

bench/receipt_photos.py was split into receipt_print, photo_scene, photo_camera and photo_baits;
the digests below were taken from the single-module version before the split (with the pinned
opencv-python-headless 5.0.0.93), so a read rate measured before the split and one measured
after it are on the same photos.
"""

import hashlib

from bench import receipt_photos as rp
from bench import receipt_photos_cv as rp_cv


def digest(photos) -> str:
    d = hashlib.sha256()
    for photo in photos:
        d.update(photo.image.tobytes())
    return d.hexdigest()[:16]


def test_receipt_photos_are_pixel_for_pixel_those_of_before_the_split():
    assert digest(rp.photos(6, seed=3)) == "e2539130a3d5557a"


def test_code_free_frames_of_every_kind_are_those_of_before_the_split():
    photos = list(rp.empty_photos(7, seed=3))
    assert {p.kind for p in photos} == set(rp.EMPTY_KINDS)
    assert digest(photos) == "4434756beefc80cc"


def test_the_second_model_draws_the_receipt_it_did_before_the_split():
    assert digest(rp_cv.photos(2, seed=3)) == "4310f8a73e11bd94"
