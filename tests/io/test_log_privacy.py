"""Log records name a file by its name only: folders often hold a patient's name."""

from __future__ import annotations

import logging

import numpy as np

import clonus
from clonus._logging import _file_name_only


def test_folders_of_a_path_are_never_logged(tmp_path, caplog):
    folder = tmp_path / "Jane_Doe_1984-03-02"
    folder.mkdir()
    p = folder / "trial1.csv"
    t = np.arange(400) / 100.0
    rows = [f"{x:.2f},{0.3 * np.sin(2 * np.pi * 5 * x):.5f}" for x in t]
    # a preamble line and jittered clock: two of the readers' INFO messages name the path
    p.write_text("# recorded with MyApp\ntime_s,gyro_x (rad/s)\n" + "\n".join(rows) + "\n")
    caplog.set_level(logging.DEBUG, logger="clonus")
    clonus.read(p)
    clonus.read(str(p))
    assert "trial1.csv" in caplog.text  # the messages are there...
    assert "Jane_Doe" not in caplog.text  # ...without the folders


def test_units_and_plain_words_are_not_taken_for_paths():
    assert _file_name_only("m/s^2") == "m/s^2"
    assert _file_name_only("deg/s") == "deg/s"
    assert _file_name_only("gyro_x,gyro_y") == "gyro_x,gyro_y"
    assert _file_name_only("/home/Jane_Doe/trial.csv") == "trial.csv"
    assert _file_name_only("Jane_Doe/trial.csv") == "trial.csv"
