"""`kerastl.training.checkpoint`: the one checkpoint format (state.json + variables.npz) and its helpers."""

import keras
import numpy as np
import pytest

from kerastl.errors import KerastlError
from kerastl.training.checkpoint import (VARIABLES_FILE, load_arrays, read_state, restore_checkpoint, save_arrays,
                                         save_variables, training_variables, write_state)


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def test_state_round_trips_and_bad_json_names_the_fix(tmp_path):
    write_state(tmp_path, {"step": 3, "text": "München"})
    assert read_state(tmp_path) == {"step": 3, "text": "München"}
    assert read_state(tmp_path / "missing") is None
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(KerastlError, match="not valid JSON.*Fix: start over"):
        read_state(tmp_path, fix="start over")


def test_arrays_round_trip_and_positional_files_still_read(tmp_path):
    arrays = [np.arange(3.0), np.ones((2, 2))]
    save_arrays(tmp_path / "a.npz", arrays)
    assert all(np.array_equal(a, b) for a, b in zip(load_arrays(tmp_path / "a.npz"), arrays))
    np.savez(tmp_path / "old.npz", *arrays)  # best-epoch weights as written before (arr_0, arr_1)
    assert all(np.array_equal(a, b) for a, b in zip(load_arrays(tmp_path / "old.npz"), arrays))


def test_variables_restore_into_a_fresh_model_and_a_mismatch_is_refused(tmp_path):
    model = _model()
    variables = training_variables(model)
    save_variables(tmp_path, [keras.ops.convert_to_numpy(v) + 1 for v in variables])
    fresh = _model()
    restore_checkpoint(fresh, tmp_path)
    assert all(np.allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b) + 1)
               for a, b in zip(training_variables(fresh), variables))
    save_arrays(tmp_path / VARIABLES_FILE, [np.zeros(1)])
    with pytest.raises(KerastlError, match="holds 1 variables"):
        restore_checkpoint(fresh, tmp_path)
