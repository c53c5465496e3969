# SPDX-License-Identifier: MIT
"""The one validated configuration, read from ``MOBILITY_*`` environment variables.

It extends the domain's :class:`~mobility.settings.MobilitySettings` (the store and the reference
files, shared with the ``mobility`` command) with the web's own fields. Built once by the entry
point and passed to ``create_app``; nothing else reads the environment.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from api.client_address import trusted_networks
from mobility.settings import MobilitySettings


class Settings(MobilitySettings):
    """Service configuration (see the README's configuration table)."""

    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Deprecated: plain keys accepted in X-API-Key as read-and-write keys of "
        "every commune, comma-separated; prefer `mobility keys create` (hashed, scoped).",
    )
    ocpi_country_code: str = Field(
        default="FR", pattern=r"^[A-Z]{2}$", description="This CPO's OCPI country_code."
    )
    ocpi_party_id: str = Field(
        default="CMP", pattern=r"^[A-Z0-9]{3}$", description="This CPO's OCPI party_id."
    )
    ocpi_business_name: str = Field(
        default="Clean Mobility Planner",
        min_length=1,
        max_length=100,
        description="The business_details name this server gives in OCPI credentials.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks of the reverse proxies whose X-Forwarded-For is "
        "believed, comma-separated; none: the client is the connection's peer.",
    )
    rate_limit_window_s: int = Field(
        default=60, ge=1, le=86_400, description="Length of the fixed rate-limit windows."
    )
    rate_limit_reads: int = Field(
        default=1_200, ge=0, description="Reads per window from one client address; 0: no limit."
    )
    rate_limit_analyses: int = Field(
        default=60,
        ge=0,
        description="Analyses (coverage, gaps, service areas, siting, intermodality, SDIRVE, "
        "AFIR) per window from one client address; 0: no limit.",
    )
    rate_limit_writes: int = Field(
        default=120, ge=0, description="Writes per window from one client address; 0: no limit."
    )
    rate_limit_per_key: int = Field(
        default=1_200,
        ge=0,
        description="Requests per window made with one API key, from any address; 0: no limit.",
    )
    failed_key_limit: int = Field(
        default=30,
        ge=0,
        description="Wrong keys or OCPI tokens from one client per failed_key_window_s before "
        "every key it sends is refused with 429; 0: no limit.",
    )
    failed_key_window_s: int = Field(default=600, ge=1, le=86_400)
    analysis_time_limit_s: float = Field(
        default=60.0,
        ge=0,
        description="Longest an analysis may take before the answer is 503; 0: no limit.",
    )
    kept_answers_mb: float = Field(
        default=64.0,
        ge=0,
        description="Analysis answers each worker keeps while the data is unchanged; 0: none.",
    )
    read_requires_key: bool = Field(
        default=False,
        description="Close reads: every GET needs a key with the read scope (docs and OCPI aside).",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS, comma-separated."
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Base URL clients see (behind a proxy); from the request if unset.",
    )
    max_upload_mb: float = Field(default=200.0, gt=0, description="Largest accepted request body.")
    max_json_mb: float = Field(
        default=10.0,
        gt=0,
        description="Largest JSON body (a feature, a scenario, a siting request), read whole.",
    )
    items_max_limit: int = Field(default=10_000, ge=1, le=100_000)
    map_tile_url: str | None = Field(
        default=None,
        pattern=r"^$|^(https?://|/)\S+$",
        description="Tile URL template ({z}/{x}/{y}, {s}) drawn under /map; none: no basemap.",
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [proxy.strip() for proxy in value.split(",") if proxy.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        trusted_networks(value)  # an address or network that does not parse is refused here
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        weak = [key for key in self.api_keys if len(key.get_secret_value()) < 16]
        if weak:
            raise ValueError("every MOBILITY_API_KEYS entry must be at least 16 characters long")
        if "*" in self.cors_origins and len(self.cors_origins) > 1:
            raise ValueError("MOBILITY_CORS_ORIGINS: '*' cannot be combined with named origins")
        return self

    def accepts_key(self, candidate: str) -> bool:
        """Tell whether a presented key is one of the configured keys (constant-time compare)."""
        import hmac

        return any(
            hmac.compare_digest(candidate.encode(), key.get_secret_value().encode())
            for key in self.api_keys
        )
