# SPDX-License-Identifier: MIT
"""The arrays of a prepared commune as one uncompressed ``.npz``, read back without copies.

``np.load`` copies every member out of the archive (and checks its CRC) before anything can be
read. The payload is already whole in memory and checked against its own checksum, so its
arrays are read in place instead: each member's ``.npy`` header gives its dtype and shape, and
the array is a read-only view of the payload's bytes. The writer pads each member's local
header (a zip "extra" field, as Android's ``zipalign`` does) so that every array starts on a
64-byte boundary, as numpy and scipy expect; an array found unaligned (bytes written by another
writer) is copied. The archive stays a plain ``.npz``: ``np.load`` reads it too.

Nothing here unpickles: a member of object dtype is refused, like ``allow_pickle=False``.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import zipfile
from typing import Any

import numpy as np
import numpy.typing as npt

ALIGN_BYTES = 64
"""Boundary every array's data starts on (numpy aligns ``.npy`` headers on the same)."""
PADDING_FIELD_ID = 0xD935
"""Zip extra field id of the padding (the one ``zipalign`` uses)."""
LOCAL_HEADER = struct.Struct("<4s22xHH")
"""A zip local file header: signature, then (past 22 bytes) the name and extra lengths."""
LOCAL_SIGNATURE = b"PK\x03\x04"
NPY_HEADER_MAX_BYTES = 1 << 16
"""Bytes read to parse a member's ``.npy`` header (numpy writes a few hundred)."""


class Arrays:
    """The arrays of a payload, each distinct one written once.

    Walking and driving often share most of their table (a source without road classes gives
    both modes the same graph): an array equal to one already written is written as an alias.
    """

    def __init__(self) -> None:
        self.stored: dict[str, npt.NDArray[Any]] = {}
        self.aliases: dict[str, str] = {}
        self._by_content: dict[tuple[str, tuple[int, ...], bytes], str] = {}

    def __setitem__(self, name: str, array: npt.NDArray[Any]) -> None:
        array = np.ascontiguousarray(array)
        digest = hashlib.blake2b(array.view(np.uint8).data, digest_size=16).digest()
        content = (array.dtype.str, array.shape, digest)
        first = self._by_content.get(content)
        if first is not None and np.array_equal(self.stored[first], array):
            self.aliases[name] = first
            return
        self._by_content[content] = name
        self.stored[name] = array


def write_arrays(arrays: dict[str, npt.NDArray[Any]]) -> bytes:
    """Return the arrays as an uncompressed ``.npz`` whose every array starts aligned."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            data_at = buffer.tell() + LOCAL_HEADER.size + len(info.filename.encode()) + 4
            padding = -data_at % ALIGN_BYTES
            info.extra = struct.pack("<HH", PADDING_FIELD_ID, padding) + b"\0" * padding
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def read_arrays(payload: bytes) -> dict[str, npt.NDArray[Any]]:
    """Return the arrays of an uncompressed ``.npz``, as read-only views of ``payload``.

    Raises ValueError (or zipfile.BadZipFile) when the archive or a member cannot be read.
    """
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        members = archive.infolist()
    arrays: dict[str, npt.NDArray[Any]] = {}
    for info in members:
        if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
            raise ValueError(f"member {info.filename!r} is not a stored array")
        start = _data_start(payload, info.header_offset)
        end = start + info.file_size
        if end > len(payload):
            raise ValueError(f"member {info.filename!r} runs past the end")
        arrays[info.filename[: -len(".npy")]] = _member_array(payload, start, end)
    return arrays


def _data_start(payload: bytes, header_at: int) -> int:
    """Return where a member's bytes start, past its local header, name and extra field."""
    header = payload[header_at : header_at + LOCAL_HEADER.size]
    if len(header) < LOCAL_HEADER.size:
        raise ValueError("a local header runs past the end")
    signature, name_bytes, extra_bytes = LOCAL_HEADER.unpack(header)
    if signature != LOCAL_SIGNATURE:
        raise ValueError("a member's local header is damaged")
    return int(header_at + LOCAL_HEADER.size + name_bytes + extra_bytes)


def _member_array(payload: bytes, start: int, end: int) -> npt.NDArray[Any]:
    """Return the ``.npy`` array held in ``payload[start:end]`` as a read-only view."""
    head = io.BytesIO(payload[start : min(end, start + NPY_HEADER_MAX_BYTES)])
    version = np.lib.format.read_magic(head)
    if version == (1, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(head)
    elif version == (2, 0):
        shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(head)
    else:
        raise ValueError(f"an array header of version {version} is not read")
    if dtype.hasobject:
        raise ValueError("an array of objects would need unpickling")
    count = math.prod(shape)
    offset = start + head.tell()
    if offset + count * dtype.itemsize > end:
        raise ValueError("an array runs past its member")
    if count == 0:
        array = np.empty(shape, dtype=dtype)
    else:
        flat = np.frombuffer(payload, dtype=dtype, count=count, offset=offset)
        array = flat.reshape(shape, order="F" if fortran_order else "C")
        if not array.flags.aligned:
            array = array.copy()
    array.flags.writeable = False
    return array
