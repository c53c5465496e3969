# SPDX-License-Identifier: MIT
"""``mobility assets load`` with the new formats, the progress bar and the JSON report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mobility.cli import ProgressBar, main
from tests.support.feeds import extract_with_the_bad_parking_in_the_10e, idfm_gtfs


def test_gtfs_with_progress_and_the_http_report(
    sample_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, _ = idfm_gtfs()
    path = tmp_path / "idfm.zip"
    path.write_bytes(feed.zip())
    code = main(
        ["--database-url", sample_url, "assets", "load", "75110", str(path), "--format", "gtfs",
         "--progress", "--json"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["format"] == "gtfs" and report["status"] == "written"
    assert report["written"]["hubs"] > 0
    lines = [line.split("\r")[-1] for line in captured.err.strip().split("\n")]
    assert [line.split()[0] for line in lines] == ["reading", "placing", "writing"]
    assert all("100%" in line for line in lines)


def test_osm_xml_refused_in_all_or_nothing(
    sample_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    extract = tmp_path / "extract.osm"
    extract.write_bytes(extract_with_the_bad_parking_in_the_10e())
    code = main(["--database-url", sample_url, "assets", "load", "75110", str(extract)])
    out = capsys.readouterr()
    assert code == 1
    assert "nothing written" in out.out and "capacity:disabled" in out.out
    assert out.err == ""  # no bar: stderr is not a terminal and --progress was not given


def test_the_bar_draws_in_place() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, interval_s=0)
    bar("read", 45_000_000, 90_000_000)
    bar("read", 90_000_000, 90_000_000)
    bar("place", 89, 89)
    bar.close()
    text = stream.getvalue()
    assert text.count("\n") == 2 and text.count("\r") == 3
    assert "reading  [###############...............]  50%  45.0 / 90.0 MB" in text
    assert "placing  [##############################] 100%  89 / 89" in text


def test_a_batch_bar_counts_its_failures_and_the_time_left_at_the_pace_so_far() -> None:
    bar = ProgressBar(io.StringIO(), interval_s=0)
    line = bar.render("communes", 5, 20, 10.0, failed=1)
    assert (
        line
        == "communes [#######.......................]  25%  5 / 20, 1 failed  10.0 s, ~30 s left"
    )
    assert bar.render("communes", 20, 20, 40.0).endswith("100%  20 / 20  40.0 s")  # no time left
