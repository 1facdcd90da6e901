"""Rebuild digits-train.npz and digits-test.npz (a dev-time tool; never run by cnn-tui).

The UCI optical-recognition digits (1,797 images of 8×8, counts 0…16) come from the copy
inside scikit-learn's wheel; scikit-learn is not a dependency and nothing is fetched at
run time::

    pip download --no-deps scikit-learn -d /tmp/skl
    python scenarios/data/make_digits.py /tmp/skl/scikit_learn-*.whl

x is stored as float32 (k/16 is exact in float32), shape [N, 1, 8, 8]; y as uint8 labels.
The split is a fixed seeded permutation: 1,437 training images, 360 held out.
"""

from __future__ import annotations

import gzip
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

MEMBER = "sklearn/datasets/data/digits.csv.gz"
HELD_OUT = 360
SEED = 0


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as z:
        text = gzip.decompress(z.read(MEMBER)).decode("ascii")
    table = np.loadtxt(io.StringIO(text), delimiter=",")
    assert table.shape == (1797, 65), table.shape
    x = (table[:, :64] / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = table[:, 64].astype(np.uint8)
    order = np.random.default_rng(SEED).permutation(len(x))
    test, train = order[:HELD_OUT], order[HELD_OUT:]
    here = Path(__file__).parent
    np.savez_compressed(here / "digits-train.npz", x=x[train], y=y[train])
    np.savez_compressed(here / "digits-test.npz", x=x[test], y=y[test])
    print(f"train {len(train)}  held-out {len(test)}  labels {np.bincount(y[test], minlength=10)}")


if __name__ == "__main__":
    main(sys.argv[1])
