"""Read arrays from an npz file without trusting it: headers first, then a capped read.

``numpy.load`` reads a whole member before anything can be checked, so a 196 KB zip can
inflate to gigabytes, an npy header can claim shape (10^17, 2), and a damaged zip raises
whatever zipfile raises. Here each ``NAME.npy`` member's header is read first (shape and
dtype), checked against the budget and the accepted kinds of number, and only then are
exactly the bytes the header promises read (one more to prove the member ends there, which
also checks its CRC). Nothing is ever unpickled and nothing is extracted to disk, so member
names (``../../x``) do not matter.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from numpy.lib import format as npy_format

from core.i18n import mark, tr
from core.os_reason import os_reason
from core.scenario.budget import MAX_NPZ_DIRECTORY, MAX_NPZ_MEMBERS, MAX_SAMPLE_VALUES
from core.scenario.read_file import open_regular

if TYPE_CHECKING:  # zipfile is imported when an npz is read (a scenario with its samples inline reads none)
    import zipfile

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_KINDS = {"i": mark("whole numbers"), "u": mark("whole numbers"), "f": mark("real numbers")}
_DAMAGED = mark("damaged or truncated (its zip data does not check out): save it again with numpy.savez")


_READ_ERRORS: tuple[type[BaseException], ...] = (  # what zipfile raises on bad data, with its own two
    OSError, EOFError, ValueError, KeyError, NotImplementedError, RuntimeError, struct.error, zlib.error)


class NpzError(Exception):
    """An npz file that cannot be read as samples; the message says why, in plain words."""


def _n(value: int) -> str:
    return f"{value:,}"


def _directory(handle: BinaryIO) -> tuple[int, int]:
    """(members, directory bytes) from the zip's end record, read from the file's tail."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_start = max(0, size - (_EOCD.size + 65535))
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        handle.seek(0)
        if handle.read(6) == b"\x93NUMPY":
            raise NpzError(tr("a single array (.npy), not an npz file: save the samples with numpy.savez(path, "
                              "x=..., y=...)"))
        raise NpzError(tr("not an npz file, or a truncated one (expected one saved by numpy.savez with arrays x "
                          "and y)"))
    _, _, _, _, members, directory, _, _ = _EOCD.unpack_from(tail, at)
    if members == 0xFFFF or directory == 0xFFFFFFFF:  # zip64: the real counts are elsewhere
        locator = at - _ZIP64_LOCATOR.size
        if locator < 0 or tail[locator:locator + 4] != b"PK\x06\x07":
            raise NpzError(tr(_DAMAGED))
        offset = _ZIP64_LOCATOR.unpack_from(tail, locator)[2]
        handle.seek(offset)
        record = handle.read(_ZIP64_EOCD.size)
        if len(record) < _ZIP64_EOCD.size or record[:4] != b"PK\x06\x06":
            raise NpzError(tr(_DAMAGED))
        fields = _ZIP64_EOCD.unpack(record)
        members, directory = fields[7], fields[8]
    handle.seek(0)
    return members, directory


def _header(stream: BinaryIO, name: str) -> tuple[tuple[int, ...], np.dtype, bool]:
    try:
        version = npy_format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(stream)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = npy_format.read_array_header_2_0(stream)
        else:
            raise ValueError
    except (ValueError, TypeError, SyntaxError, EOFError):
        raise NpzError(tr("{name} is not a NumPy array (its .npy header cannot be read)", name=name)) from None
    return tuple(int(s) for s in shape), dtype, bool(fortran)


def _check_dtype(dtype: np.dtype, name: str) -> None:
    if dtype.hasobject:
        raise NpzError(tr("{name} holds Python objects (a pickle), which cnn-tui never loads: save numbers "
                          "(float64 or int)", name=name))
    if dtype.fields is not None or dtype.subdtype is not None or dtype.kind not in _KINDS:
        kinds = {"b": mark("true/false values"), "c": mark("complex numbers"), "m": mark("time spans (timedelta64)"),
                 "M": mark("dates (datetime64)"), "U": mark("text"), "S": mark("bytes"), "V": mark("records")}
        kind = tr(kinds.get(dtype.kind, mark("data")))
        raise NpzError(tr("{name} holds {kind}, not real numbers (expected float or int arrays)",
                          name=name, kind=kind))


def _read_member(archive: zipfile.ZipFile, member: str, name: str, max_values: int) -> np.ndarray:
    with archive.open(member) as stream:
        shape, dtype, fortran = _header(stream, name)  # type: ignore[arg-type]
        _check_dtype(dtype, name)
        count = math.prod(shape)
        if count > max_values:
            raise NpzError(tr("{name} has shape [{shape}]: {values} values; the limit is {limit}",
                              name=name, shape=', '.join(map(str, shape)), values=_n(count), limit=_n(max_values)))
        nbytes = count * dtype.itemsize
        data = stream.read(nbytes)
        if len(data) < nbytes:
            raise NpzError(tr("{name} is truncated: its header promises {n} values but the data ends before",
                              name=name, n=_n(count)))
        if stream.read(1):  # also makes zipfile check the CRC
            raise NpzError(tr("{name} holds more data than its header says", name=name))
    array = np.frombuffer(data, dtype=dtype)
    return array.reshape(shape, order="F" if fortran else "C")


def _codec_errors() -> tuple[type[BaseException], ...]:
    """The decompressors' own errors (bz2 raises OSError; lzma its LZMAError, when present)."""
    try:
        import lzma
    except ImportError:
        return ()
    return (lzma.LZMAError,)


def read_npz(path: Path, names: tuple[str, ...], max_values: int = MAX_SAMPLE_VALUES) -> dict[str, np.ndarray]:
    """The arrays ``names`` that the npz at ``path`` holds (a missing one is left out), each
    checked before it is read. Raises NpzError, or ScenarioError for a path that is not a
    regular file; FileNotFoundError when there is no file."""
    try:
        path.stat()
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as err:  # a name too long, a NUL in it, no permission
        why = os_reason(err, tr("not a usable path"))
        raise NpzError(tr("cannot be opened ({why})", why=why)) from None
    with open_regular(path, tr("an npz file")) as handle:
        members, directory = _directory(handle)
        if members > MAX_NPZ_MEMBERS or directory > MAX_NPZ_DIRECTORY:
            raise NpzError(tr("it holds {members} members ({directory} bytes of zip directory); the limit is "
                              "{limit} (an npz of samples holds x and y)",
                              members=_n(members), directory=_n(directory), limit=_n(MAX_NPZ_MEMBERS)))
        import zipfile

        try:
            with zipfile.ZipFile(handle) as archive:
                present = set(archive.namelist())
                return {name: _read_member(archive, f"{name}.npy", name, max_values)
                        for name in names if f"{name}.npy" in present}
        except NpzError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile) + _READ_ERRORS + _codec_errors():
            raise NpzError(tr(_DAMAGED)) from None
