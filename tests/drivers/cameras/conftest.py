"""Photos for the camera tests, drawn once and then read back from the pytest cache.

Drawing a synthetic photo costs 40-150 ms of CPU (bench/receipt_photos*.py), reading one back
about 2 ms; the decoder's sweeps draw about seventy. The key holds the photo models' own
source and the draw function's, so an edit to either draws its photos afresh. Tests of the
models themselves (tests/drivers/cameras/test_photo_models.py) still draw every pixel.
"""

import hashlib
import inspect
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from bench import receipt_photos as rp
from drivers.cameras.decoder import Decoder

MODELS = ("receipt_photos", "receipt_photos_cv", "receipt_print", "photo_scene",
          "photo_camera", "photo_baits")
BENCH = Path(rp.__file__).parent


class Drawn:
    """`drawn(draw, *args)` is `draw(*args)` (a generator's photos as a list), from disk when
    an earlier run or worker drew it with the same models."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        models = b"".join((BENCH / f"{name}.py").read_bytes() for name in MODELS)
        self.models = hashlib.sha256(models + np.__version__.encode()).hexdigest()

    def __call__(self, draw, *args):
        # The draw's own source is in the key too: a test module's draw, calling the models
        # only, is drawn afresh once edited.
        call = (f"{self.models}|{inspect.getsource(draw)}|{draw.__module__}.{draw.__qualname__}"
                f"{args!r}")
        path = self.folder / f"{hashlib.sha256(call.encode()).hexdigest()[:32]}.pickle"
        try:
            return pickle.loads(path.read_bytes())
        except (OSError, EOFError, pickle.UnpicklingError):
            pass
        photo = draw(*args)
        photo = photo if isinstance(photo, np.ndarray) else list(photo)
        partial = path.with_suffix(f".{os.getpid()}")  # two workers may draw the same photo
        partial.write_bytes(pickle.dumps(photo, protocol=5))
        partial.replace(path)
        return photo

    def receipt_of_set(self, model, seed: int, index: int, size: int = 400):
        """(payload, photo) of receipt `index` of the `model`'s set of `size` drawn from
        `seed` (bench/receipt_photos.py or bench/receipt_photos_cv.py)."""
        payload, shot, photo_seed = model.receipt_shot(seed, index, size)
        draw = rp.receipt_photo if model is rp else model.photo
        return payload, self(draw, payload, shot, photo_seed)

    def read_only_by(self, photo: tuple, strategy, without) -> None:
        """A hard photo (model, seed, index in a set of 400, stage) is read right by the
        decoder `strategy` at that stage, and not at all by `without` (the strategy before)."""
        model, seed, index, stage = photo
        payload, frame = self.receipt_of_set(model, seed, index)
        want = payload.qr if stage.startswith("qr") else payload.code128
        found = Decoder(strategy=strategy).decode(frame)
        assert [(d.text, d.stage) for d in found] == [(want, stage)]
        assert Decoder(strategy=without).decode(frame) == []


@pytest.fixture(scope="session")
def drawn(request, tmp_path_factory):
    cache = getattr(request.config, "cache", None)  # None under `-p no:cacheprovider`
    folder = cache.mkdir("receipt-photos") if cache else tmp_path_factory.mktemp("photos")
    return Drawn(Path(folder))


@pytest.fixture(scope="session")
def payload():
    return rp.make_payload(7)


@pytest.fixture(scope="session")
def receipt_frame(payload, drawn):
    """One well-lit, slightly tilted photo of a receipt (BGR 1280×720)."""
    return drawn(rp.receipt_photo, payload, rp.Shot(angle=8, px_per_mm=9.0), 11)


@pytest.fixture(scope="session")
def empty_frame():
    return rp.clutter(np.random.default_rng(3))
