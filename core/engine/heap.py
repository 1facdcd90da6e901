"""Keep freed memory for the next iteration instead of handing it back to the system.

A training iteration of a LeNet-sized network allocates and frees a few megabytes of
arrays (im2col columns, activations, gradients). glibc's malloc gives the top of its heap
back to the kernel whenever more than its trim threshold (128 KiB to start with) is free
there, so every iteration grew the heap again and the kernel zeroed fresh pages for it:
a third of a LeNet step (batch 32) was system time. Raising the trim and mmap thresholds
keeps those pages: the process holds on to its peak, as a buffer pool would, and the
numbers computed are the same (only where the arrays live changes).

Only on glibc (Linux); elsewhere, or if the C library cannot be loaded, nothing changes.
"""

from __future__ import annotations

import ctypes

_M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 1 << 30  # free memory kept at the heap's top before any goes back
MMAP_THRESHOLD = 32 << 20  # arrays above this are mapped on their own (glibc's largest setting)

_done = False


def keep_freed_memory() -> bool:
    """Set the thresholds once per process; True if glibc took them."""
    global _done
    if _done:
        return True
    try:
        libc = ctypes.CDLL(None)  # the process's own symbols: the C library it runs on
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    _done = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return _done
