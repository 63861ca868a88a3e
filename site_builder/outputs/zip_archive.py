"""A zip archive made in memory: every entry deflated, with one fixed timestamp, so equal content gives equal bytes.

An entry can also be given already deflated, as :class:`Piece`\\ s deflated apart and joined: each piece
is compressed by a fresh compressor and ends in a full flush (an empty stored block on a byte boundary,
not the final block), so pieces join into one valid deflate stream whatever their order, and a piece
made once can be kept and joined again into later archives (the workbook's rows, ``xlsx_rows.py``).
The entry's CRC-32 is combined from the pieces' own, so joining them never reads their text again.

Written for the workbook (``xlsx.py``); openpyxl writes through :meth:`ZipArchive.writestr` and
:meth:`ZipArchive.write` as it would through a ``zipfile.ZipFile``. No ZIP64: an archive or entry of
4 GiB or more, or of 65,535 entries or more, is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LEVEL = zlib.Z_DEFAULT_COMPRESSION  # what zipfile uses for ZIP_DEFLATED
_LIMIT = 0xFFFF_FFFF
_VERSION = 20  # deflate needs version 2.0 to extract
_MADE_BY = 3 << 8 | _VERSION  # Unix, as zipfile writes it on Linux
_FILE_MODE = 0o644 << 16
_UTF8_NAME = 0x800


@dataclass(frozen=True)
class Piece:
    """Part of an entry: raw deflate ending in a full flush (or in the final block), its text's length and CRC-32."""

    data: bytes
    size: int
    crc: int


def deflate(text: bytes, last: bool = False, level: int = LEVEL) -> Piece:
    """``text`` deflated by a compressor of its own; ``last``: it ends the stream (every entry's last piece)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(text) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
    return Piece(data, len(text), zlib.crc32(text))


def crc32_combine(first: int, second: int, second_size: int) -> int:
    """The CRC-32 of ``A + B`` from ``A``'s (``first``), ``B``'s (``second``) and ``B``'s length.

    A CRC is affine in its start value and its text, so ``crc32(B, start=c)`` equals
    ``crc32(zeros, c) ^ crc32(B) ^ crc32(zeros)`` for zeros as long as ``B``: two CRCs of zeros, which
    zlib runs at gigabytes a second, instead of the text.
    """
    zeros = bytes(second_size)
    return zlib.crc32(zeros, first) ^ second ^ zlib.crc32(zeros)


def _dos_time(when: dt.datetime) -> tuple[int, int]:
    """The zip format's time and date words; it has no time zone and no dates before 1980."""
    utc = max(when.astimezone(dt.UTC).replace(tzinfo=None), dt.datetime(1980, 1, 1))
    return utc.hour << 11 | utc.minute << 5 | utc.second // 2, (utc.year - 1980) << 9 | utc.month << 5 | utc.day


class ZipArchive:
    """Entries deflated into memory; :meth:`close` adds the central directory and :meth:`getvalue` gives the bytes."""

    def __init__(self, when: dt.datetime) -> None:
        self._time, self._date = _dos_time(when)
        self._out = io.BytesIO()
        self._directory: list[bytes] = []
        self._names: list[str] = []

    def namelist(self) -> list[str]:
        """The entries' names so far, in order (openpyxl lists their types in ``[Content_Types].xml``)."""
        return list(self._names)

    def writestr(self, name: str, data: bytes | str) -> None:
        """Add ``name`` with ``data`` (text is written as UTF-8)."""
        self.add_pieces(name, [deflate(data.encode("utf-8") if isinstance(data, str) else data, last=True)])

    def write(self, filename: str | Path, arcname: str) -> None:
        """Add ``arcname`` with the bytes of the file ``filename`` (openpyxl passes its temporary files)."""
        self.writestr(arcname, Path(filename).read_bytes())

    def add_pieces(self, name: str, pieces: Sequence[Piece]) -> None:
        """Add ``name`` as the join of ``pieces``, the last of which was deflated with ``last=True``."""
        crc, size = 0, 0
        for piece in pieces:
            crc, size = crc32_combine(crc, piece.crc, piece.size), size + piece.size
        compressed = sum(len(piece.data) for piece in pieces)
        offset = self._out.tell()
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else _UTF8_NAME
        if max(size, compressed, offset + compressed) >= _LIMIT or len(self._directory) >= 0xFFFF:
            raise ValueError(f"{name}: too large for a zip archive without ZIP64")
        fields = (flags, zlib.DEFLATED, self._time, self._date, crc, compressed, size, len(encoded))
        self._out.write(struct.pack("<IH4HIIIHH", 0x04034B50, _VERSION, *fields, 0) + encoded)
        for piece in pieces:
            self._out.write(piece.data)
        self._directory.append(struct.pack("<IHH4HIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, *fields,
                                           0, 0, 0, 0, _FILE_MODE, offset) + encoded)
        self._names.append(name)

    def close(self) -> None:
        """Write the central directory; nothing can be added after it."""
        start = self._out.tell()
        directory = b"".join(self._directory)
        if start + len(directory) >= _LIMIT:
            raise ValueError("too large for a zip archive without ZIP64")
        count = len(self._directory)
        self._out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), start, 0))

    def getvalue(self) -> bytes:
        return self._out.getvalue()
