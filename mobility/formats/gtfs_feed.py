# SPDX-License-Identifier: MIT
"""The files of a GTFS feed: a zip of CSV tables, or one bare ``stops.txt``, read row by row.

Kept apart from the hubs built from them (:mod:`mobility.formats.gtfs`) because what can go
wrong here is the container, not the transit data: a broken or corrupt zip, a member that is not
UTF-8, a CSV that cannot be parsed. Each becomes an
:class:`~mobility.errors.UnsupportedFormatError` that names the file of the feed at fault.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import IO

from mobility.errors import UnsupportedFormatError

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
"""The first bytes of a zip archive (a local file header, or the end record of an empty one)."""


class FeedTable:
    """A CSV file of the feed: its name, header index and rows with their line numbers."""

    def __init__(self, name: str, stream: IO[bytes]) -> None:
        self.name = name
        self._text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text)
        try:
            header = next(self._reader, None)
        except UnicodeDecodeError:
            raise not_utf8(name) from None
        self.header = [column.strip() for column in header or []]
        self.index = {column: position for position, column in enumerate(self.header)}

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(line, record)`` for each non-blank row (the header is line 1)."""
        next_line = self._reader.line_num + 1
        try:
            for record in self._reader:
                line = next_line
                next_line = self._reader.line_num + 1
                if not record or (len(record) == 1 and not record[0].strip()):
                    continue
                yield line, record
        except UnicodeDecodeError:
            raise not_utf8(self.name) from None
        except csv.Error as error:
            raise UnsupportedFormatError(
                f"{self.name} cannot be read as CSV near line {self._reader.line_num}: {error}."
            ) from None

    def getter(self, column: str) -> Callable[[list[str]], str]:
        """Return a function giving a row's trimmed value of ``column`` ('' when absent)."""
        position = self.index.get(column)
        if position is None:
            return lambda _record: ""
        return lambda record: record[position].strip() if position < len(record) else ""


def not_utf8(name: str) -> UnsupportedFormatError:
    """Return the refusal of a feed file that is not UTF-8, with the usual cause and the cure."""
    return UnsupportedFormatError(
        f"{name} is not UTF-8 text (GTFS files must be UTF-8; often Latin-1 or Windows-1252 as "
        "spreadsheets save by default). Save it as UTF-8 and send it again."
    )


class GtfsFeed:
    """Opens the files of a zipped feed, or the one bare ``stops.txt``."""

    def __init__(self, data: bytes) -> None:
        self._zip: zipfile.ZipFile | None = None
        self._bare = data
        self._members: dict[str, str] = {}
        if data.startswith(ZIP_MAGIC):
            try:
                self._zip = zipfile.ZipFile(io.BytesIO(data))
                names = self._zip.namelist()
            except (zipfile.BadZipFile, ValueError, EOFError) as error:
                raise UnsupportedFormatError(
                    f"The file is not a readable zip archive ({error}): a GTFS feed is a zip of "
                    "CSV files (stops.txt, routes.txt...)."
                ) from None
            for name in sorted(names, key=lambda n: n.count("/")):
                base = name.rsplit("/", 1)[-1].lower()
                if base.endswith(".txt"):
                    self._members.setdefault(base, name)
            if "stops.txt" not in self._members:
                found = ", ".join(sorted(self._members)) or "no .txt file"
                raise UnsupportedFormatError(
                    f"The zip holds no stops.txt, so it is not a GTFS feed (found: {found})."
                )

    def has(self, name: str) -> bool:
        """Tell whether the feed holds a file of that (lower-case) name, in any folder."""
        return name in self._members

    def table(self, name: str) -> FeedTable:
        """Open one file of the feed as a table; a corrupt member refuses when read."""
        if self._zip is None:
            return FeedTable(name, io.BytesIO(self._bare))
        try:
            stream = self._zip.open(self._members[name])
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError) as error:
            raise UnsupportedFormatError(f"{name} cannot be read from the zip: {error}.") from None
        return FeedTable(name, io.BufferedReader(_ZipErrors(stream, name)))

    def close(self) -> None:
        """Close the archive."""
        if self._zip is not None:
            self._zip.close()


class _ZipErrors(io.RawIOBase):
    """Wrap a zip member so that a corrupt member raises UnsupportedFormatError when read."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self._stream = stream
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            chunk = self._stream.read(len(buffer))
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
            raise UnsupportedFormatError(
                f"{self._name} is corrupt inside the zip: {error}."
            ) from None
        buffer[: len(chunk)] = chunk
        return len(chunk)
