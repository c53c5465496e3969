# SPDX-License-Identifier: MIT
"""Where the test inputs live (all inside the repository)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PARIS = DATA / "paris-10e"
SAMPLE_MANIFEST = PARIS / "commune.json"
FIXTURES = ROOT / "tests" / "fixtures"
SAINT_GERMAIN = FIXTURES / "saint-germain-en-laye-78551"
IDF_CONTEXT = DATA / "idf-context"
