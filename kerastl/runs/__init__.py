"""The application layer: the runs the command line starts, each writing one output folder.

`train.py` (`kerastl train`: read, fit, calibrate, score, save, record), `lr_find.py`
(`kerastl lr-find`), `curve.py` (`kerastl curve`), `demo.py` (`kerastl demo`) and
`run_config.py` (a training run's `config.yaml`). Every run writes its folder through
`kerastl.atomic_files.run_folder` (check, lock, run marker, atomic facts file), as pretraining
does. The library (tasks, training, data, ...) never imports this package.
"""
