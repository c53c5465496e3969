# SPDX-License-Identifier: MIT
from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.errors import NotFoundError, UnsupportedFormatError
from mobility.network import load_streets, sources
from mobility.network.loading import guess_format_from_name
from mobility.network.sources import decompress_if_gzip, sniff_format
from tests.mobility.network.support import (
    GARE_DU_NORD_OSM,
    PARIS_GRAPHML,
    SGL_GRAPHML,
    graphml_doc,
    graphml_node,
)


def test_bytes_are_sniffed_and_gunzipped() -> None:
    graph = load_streets(PARIS_GRAPHML.read_bytes())
    assert graph.number_of_edges() == 1886
    graph = load_streets(GARE_DU_NORD_OSM.read_bytes())
    assert graph.graph["source_format"] == "osm"


def test_saint_germain_loads_whole() -> None:
    """Every node and edge of a real commune's GraphML, counted in the file's own text."""
    text = gzip.decompress(SGL_GRAPHML.read_bytes()).decode()
    graph = load_streets(SGL_GRAPHML)
    assert graph.number_of_nodes() == text.count("<node ") == 3778
    assert graph.number_of_edges() == text.count("<edge ") == 10588


def test_path_without_telling_suffix_is_sniffed(tmp_path: Path) -> None:
    target = tmp_path / "upload.bin"
    target.write_bytes(gzip.compress(PARIS_GRAPHML.read_bytes()))
    assert load_streets(target).number_of_nodes() == 638


def test_explicit_format_wins_over_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "streets.osm"
    target.write_bytes(PARIS_GRAPHML.read_bytes())
    with pytest.raises(UnsupportedFormatError, match="Expected a <osm>"):
        load_streets(target)
    assert load_streets(target, fmt="graphml").number_of_nodes() == 638


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.graphml", "graphml"),
        ("a.GraphML.gz", "graphml"),
        ("a.osm.gz", "osm"),
        ("a.osm", "osm"),
        ("a.xml", None),
        ("a", None),
    ],
)
def test_guess_format_from_name(name: str, expected: str | None) -> None:
    assert guess_format_from_name(Path(name)) == expected


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        load_streets(tmp_path / "nope.graphml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02garbage\xff", "not an XML document"),
        (b"<graphml><graph><node id='1'>", "well-formed"),
        (b"<osm><node id='1' lat='48.8' lon='2.3'>", "well-formed"),
        (b"<?xml version='1.0'?><kml/>", "root element <kml>"),
        (b"<!-- no root -->", "not an XML document"),
        (b"<?xml version='1.0'", "well-formed"),
        (gzip.compress(b"random bytes, not xml"), "not an XML document"),
        (b"\x1f\x8b" + b"garbage" * 10, "not a valid gzip"),
        (gzip.compress(b"<osm/>")[:-12], "truncated"),
        (b"\x00\x00\x00\x0e\n\tOSMHeader\x18", "PBF"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><osm>&lol;</osm>',
            "DOCTYPE",
        ),
        (graphml_doc(graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87), ""), "no"),
    ],
)
def test_broken_inputs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        load_streets(data)


def test_unknown_format_argument_is_refused() -> None:
    with pytest.raises(UnsupportedFormatError, match="Unknown street format"):
        load_streets(b"<osm/>", fmt="shapefile")  # type: ignore[arg-type]


def test_gzip_bombs_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_XML_BYTES", 1000)
    with pytest.raises(UnsupportedFormatError, match="larger than"):
        decompress_if_gzip(gzip.compress(b" " * 5000))
    assert decompress_if_gzip(gzip.compress(b" " * 1000)) == b" " * 1000


def test_concatenated_gzip_members_are_read() -> None:
    document = b"<osm>" + b" " * 10 + b"</osm>"
    data = gzip.compress(document[:8]) + gzip.compress(document[8:])
    assert decompress_if_gzip(data) == document
    assert sniff_format(decompress_if_gzip(data)) == "osm"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_random_bytes_only_ever_raise_unsupported_format(data: bytes) -> None:
    with pytest.raises(UnsupportedFormatError):
        load_streets(data)


XML_TOKENS = (
    '< > / = " osm graphml node way edge nd id 1 lat lon 48.8 2.3 ref tag k v highway & <? ?>'
)
XML_ALPHABET = st.sampled_from([*XML_TOKENS.split(), " "])


@settings(max_examples=300, deadline=None)
@given(st.lists(XML_ALPHABET, max_size=60).map("".join))
def test_xml_like_noise_only_ever_raises_unsupported_format(text: str) -> None:
    with pytest.raises(UnsupportedFormatError):
        load_streets(text.encode())
