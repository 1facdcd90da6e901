"""The bundled ``digits`` scenario: its npz data and that training on it learns.

The data are the UCI 8×8 handwritten digits (scenarios/data/DIGITS-LICENSE.md): 1,437
training and 360 held-out images, pixel values scaled to 0…1, labels 0–9.
"""

from __future__ import annotations

import numpy as np
import pytest

from core.engine.passes import predict
from core.engine.scenario import SampleSet
from core.engine.training import Trainer, evaluate
from core.scenario.catalog import bundled_dir, load

TRAIN, HELD_OUT = 1437, 360


@pytest.fixture(scope="module")
def digits():
    return load("digits")


def test_npz_files_have_the_documented_arrays() -> None:
    for name, count in (("digits-train.npz", TRAIN), ("digits-test.npz", HELD_OUT)):
        with np.load(bundled_dir() / "data" / name, allow_pickle=False) as data:
            assert sorted(data.files) == ["x", "y"]
            assert data["x"].shape == (count, 1, 8, 8)
            assert data["y"].shape == (count,)
            assert np.issubdtype(data["y"].dtype, np.integer)
            # 0…16 dot counts divided by 16, stored exactly
            assert np.array_equal(data["x"] * 16, np.round(data["x"] * 16))
    assert (bundled_dir() / "data" / "DIGITS-LICENSE.md").is_file()


def test_scenario_loads_train_and_held_out_sets(digits) -> None:
    assert digits.network.input_shape == (1, 8, 8)
    assert digits.network.output_size == 10
    for samples, count in ((digits.samples, TRAIN), (digits.test_samples, HELD_OUT)):
        assert samples is not None
        assert samples.x.shape == (count, 1, 8, 8)
        assert samples.x.dtype == np.float64
        assert samples.x.min() == 0.0 and samples.x.max() == 1.0
        assert samples.y.shape == (count, 10)
        assert np.array_equal(samples.y.sum(axis=1), np.ones(count))  # one-hot targets
        labels = samples.y.argmax(axis=1)
        assert set(labels.tolist()) == set(range(10))  # every digit occurs
        assert samples.is_classification


def test_train_and_held_out_sets_do_not_share_images(digits) -> None:
    train = {row.tobytes() for row in digits.samples.x.reshape(TRAIN, -1)}
    held_out = [row.tobytes() for row in digits.test_samples.x.reshape(HELD_OUT, -1)]
    assert not any(row in train for row in held_out)


def test_network_is_the_documented_cnn(digits) -> None:
    kinds = [layer.kind for layer in digits.network.layers]
    assert kinds == ["conv2d", "maxpool2d", "flatten", "dense"]
    assert digits.network.layers[0].out_shape == (8, 8, 8)
    assert digits.network.layers[1].out_shape == (8, 4, 4)
    assert digits.network.loss.name == "cross_entropy"
    assert digits.seed is not None


def test_training_on_a_small_subset_lowers_the_loss(digits) -> None:
    small = digits.copy()
    small.samples = SampleSet(digits.samples.x[:100], digits.samples.y[:100],
                              digits.samples.y[:100].argmax(axis=1))
    small.test_samples = None
    trainer = Trainer(small)
    before, _ = evaluate(small, trainer.params, small.samples)
    stats = trainer.run_epochs(5)
    after, accuracy = evaluate(small, trainer.params, small.samples)
    assert after < 0.5 * before
    assert stats[-1].loss < stats[0].loss
    assert accuracy is not None and accuracy > 0.8
    # deterministic: a second run from the same scenario gives the same numbers
    again = Trainer(small)
    again.run_epochs(5)
    for name, params in trainer.params.items():
        for key, value in params.items():
            assert np.array_equal(value, again.params[name][key])


def test_predictions_cover_the_whole_held_out_set(digits) -> None:
    out = predict(digits.network, digits.params, digits.test_samples.x)
    assert out.shape == (HELD_OUT, 10)
    assert np.allclose(out.sum(axis=1), 1.0)
