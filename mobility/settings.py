# SPDX-License-Identifier: MIT
"""The domain's configuration, read from ``MOBILITY_*`` environment variables.

Which store to open and where the shipped reference files are: the two facts the ``mobility``
command and the API share. The API's settings extend this model with the web's own fields, so both
entry points read the same variables through the same validation. An entry point builds it once
and passes it down; no other module reads the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from mobility.store import DEFAULT_DATABASE_URL, DEFAULT_POOL_SIZE

DATABASE_SCHEMES = ("sqlite:", "postgresql:", "postgresql+psycopg:")
"""The URL prefixes of the two stores: the embedded SQLite file and PostGIS."""


class MobilitySettings(BaseSettings):
    """Store and reference-file configuration (see the README's configuration table)."""

    model_config = SettingsConfigDict(env_prefix="MOBILITY_", env_file=None, extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="sqlite:///path (embedded, default) or postgresql://user@host/db (PostGIS).",
    )
    database_pool_size: int = Field(
        default=DEFAULT_POOL_SIZE,
        ge=1,
        le=1000,
        description="Database connections each process keeps open, at most; a request finding "
        "them all lent waits for one.",
    )
    data_dir: Path | None = Field(
        default=None,
        description="Directory holding the national schemas when the package has no data/ beside.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if not value.startswith(DATABASE_SCHEMES):
            raise ValueError("MOBILITY_DATABASE_URL must start with sqlite: or postgresql:")
        return value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("data_dir")
    @classmethod
    def _existing_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"MOBILITY_DATA_DIR names no directory: {value}")
        return value
