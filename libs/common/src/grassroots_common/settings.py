"""Configuration, only from the environment (and a data folder on the embedded default)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore")

    service: str = "service"
    database_url: str = "postgresql://postgres@localhost/postgres"
    # The persons' keys (grassroots_common.personal), apart from the events; shared by every
    # service. Default: the database ``grassroots_keys`` on the server of ``database_url``.
    keys_database_url: str | None = None
    nats_url: str = "nats://127.0.0.1:4222"
    # Prefix of stream names and subjects: isolates tests (and tenants) sharing one NATS server.
    nats_prefix: str = ""
    stream_replicas: int = 1
    data_dir: Path = Path("data")
    jwt_secret: str | None = None
    jwt_secret_file: Path | None = None
    jwt_jwks_url: str | None = None
    jwt_algorithm: str = "HS256"
    # Seconds a token may live at most (exp - iat): longer-lived tokens and tokens without exp are refused.
    jwt_max_lifetime: float = Field(default=24 * 3600, gt=0, le=7 * 24 * 3600)
    log_format: str = Field(default="console", pattern="^(console|json)$")
    log_level: str = "info"
    run_workers: bool = True
    run_api: bool = True
    # Seed demo data on start when the database holds none (the embedded default sets it).
    seed_demo: bool = False
    # A moved clock for training and staging (grassroots_common.clock): refused unless seed_demo.
    grassroots_clock_offset: str | None = None
    grassroots_clock_start: str | None = None
    max_body_bytes: int = 256 * 1024
    max_upload_bytes: int = 10 * 1024 * 1024
    read_wait_max: float = 5.0
    # The relay publishes at most one batch per interval while events keep coming (and publishes at
    # once after a quiet spell): larger batches cost every consumer less, at up to this much delay.
    relay_interval: float = Field(default=0.03, gt=0, le=1.0)
    # An Idempotency-Key's record (the first answer, for retries) is kept this many days, then
    # deleted by an hourly pass: a retry after that is a new request. The web app's offline outbox
    # sends what it kept with its key for at most 7 days (apps/web/lib/outbox.js, MAX_AGE_DAYS),
    # so a key is kept at least that long.
    idempotency_days: int = Field(default=30, ge=7, le=3650)
    # The browsable API docs (/docs); the embedded default turns them on, deploy leaves them off.
    public_docs: bool = False
    host: str = "127.0.0.1"
    port: int = 8100
    # Reminders (the reporting service's notification port): where each reminder is sent once.
    # "log" appends JSON lines to ``notify_log_file`` (default ``<data dir>/notifications.jsonl``);
    # "webhook" POSTs JSON to ``notify_webhook_url`` (a WeCom or SMS gateway sits behind it).
    notify_channel: str = Field(default="log", pattern="^(log|webhook)$")
    notify_log_file: Path | None = None
    notify_webhook_url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://")
    notify_webhook_timeout: float = Field(default=5.0, gt=0, le=60)
    notify_webhook_retries: int = Field(default=3, ge=0, le=10)
    # Tickets show in their holder's inbox this many working days before their deadline (0: the day).
    remind_ticket_workdays: int = Field(default=1, ge=0, le=10)
    # A weekly log's reminder is sent this many hours before its deadline (the inbox shows it all week).
    remind_log_lead_hours: float = Field(default=72, ge=0, le=168)
    # How often each schedule (``Runtime.schedule``) runs a pass on the replica that holds its lock.
    grid_scheduler_interval_seconds: float = Field(default=30, gt=0, le=24 * 3600)
    reporting_notice_interval_seconds: float = Field(default=60, gt=0, le=24 * 3600)
    reporting_reminder_interval_seconds: float = Field(default=60, gt=0, le=24 * 3600)

    @model_validator(mode="after")
    def _webhook_has_url(self) -> ServiceSettings:
        if self.notify_channel == "webhook" and not self.notify_webhook_url:
            raise ValueError("NOTIFY_CHANNEL=webhook needs NOTIFY_WEBHOOK_URL")
        return self


def load_settings(service: str, **overrides: object) -> ServiceSettings:
    """Settings for ``service``: ``<SERVICE>_DATABASE_URL`` etc. win over the shared variables."""
    values: dict[str, object] = {"service": service}
    prefix = service.upper() + "_"
    for name in ServiceSettings.model_fields:
        specific = os.environ.get(prefix + name.upper())
        if specific is not None:
            values[name] = specific
    values.update(overrides)
    return ServiceSettings(**values)  # type: ignore[arg-type]


def instance_name() -> str:
    """This process among the replicas: ``GRASSROOTS_INSTANCE`` (the cluster names each process),
    else host and pid. Lock holders are shown by it."""
    return os.environ.get("GRASSROOTS_INSTANCE") or f"{socket.gethostname()}:{os.getpid()}"
