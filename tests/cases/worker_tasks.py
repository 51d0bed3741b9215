"""Task functions run by the real qcluster in test_worker.py (importable by the worker)."""

import os
from pathlib import Path

from cases.sweep import sweep


def sweep_one_batch_then_die(marker: str) -> None:
    """First run: sweep one small batch, then kill the worker process mid-task."""
    if Path(marker).exists():
        sweep()
        return
    sweep(batch_size=2, _max_batches=1)
    Path(marker).write_text("died once")
    os._exit(9)  # no cleanup, no ack: as if the machine lost the process
