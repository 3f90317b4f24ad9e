"""What newscast sets up in the processes it owns (its command line, the workers of a local Dask cluster).

glibc serves every buffer over 128 KB with a fresh mmap until its thresholds adapt, and gives freed memory back
to the system at once; a build's numpy buffers (a clip at a time, levelled, encoded) are then faulted in from
zeroed pages again and again: 0.2 s of system time in a cold build of the example article, and a fixed cost that
made a short episode dearer per minute than a long one. With both thresholds raised, freed buffers are reused.
A library caller's process is left alone.

numpy's OpenBLAS starts a thread per core as numpy is imported, and each spins a while waiting for work: 0.1 s
of CPU in every process on two cores (importing numpy, onnxruntime and piper: 0.31 -> 0.21 s). newscast does no
linear algebra, so the processes it owns ask OpenBLAS for one thread (a value the user set is kept).
"""

from __future__ import annotations

import ctypes
import os
import sys

MMAP_THRESHOLD = 64 << 20  # bytes; buffers above this still get their own mapping
TRIM_THRESHOLD = 256 << 20  # free memory kept at the top of the heap before any is given back
# The same settings for a process about to start, which glibc reads from its environment.
MALLOC_ENVIRONMENT = {"MALLOC_MMAP_THRESHOLD_": str(MMAP_THRESHOLD), "MALLOC_TRIM_THRESHOLD_": str(TRIM_THRESHOLD)}
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (malloc.h)
BLAS_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1"}  # read once, as numpy is imported


def keep_freed_memory() -> bool:
    """Raise this process's malloc thresholds; False where the C library is not glibc (nothing changes)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # musl and other C libraries
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def quiet_blas() -> bool:
    """One OpenBLAS thread for this process and the processes it starts, unless the user chose a number; False
    when numpy is imported already (its threads are running, nothing changes)."""
    if "numpy" in sys.modules:
        return False
    for name, value in BLAS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    return True
