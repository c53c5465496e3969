# SPDX-License-Identifier: MIT
"""Write the app's OpenAPI document (``make openapi``); a test fails when the file drifts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from api.main import create_app
from api.settings import Settings


def current_openapi() -> dict[str, Any]:
    """Return the OpenAPI document of an app built with default settings."""
    return create_app(Settings(api_keys=[], cors_origins=[])).openapi()


def render(document: dict[str, Any]) -> str:
    """Serialise the document the way it is committed (stable key order, trailing newline)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the document to the given path, or to standard output."""
    text = render(current_openapi())
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
