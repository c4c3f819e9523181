"""The notification port: how a reminder leaves the platform.

``Notifier`` is the port; ``LogFileNotifier`` (JSON lines appended to a file) and
``WebhookNotifier`` (JSON POSTed to a URL, bounded by a timeout, retried with backoff) are its
adapters, chosen by ``settings.notify_channel``. A WeCom (企业微信) or SMS gateway plugs in as
another adapter of the same port, or behind the webhook. The port only delivers: which reminders
are due and that each is sent once is ``reporting.dispatch``'s business (a record per reminder in
PostgreSQL), and every delivery carries the reminder's key so a receiver can deduplicate a
delivery repeated after a crash between sending and recording it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path
from typing import Protocol

import httpx
import orjson
import structlog

from grassroots_common.settings import ServiceSettings
from reporting.reminders import Reminder

log = structlog.get_logger(__name__)


class DeliveryFailed(Exception):
    """The channel did not take the reminder; the dispatcher tries again on a later pass."""


def payload(reminder: Reminder, sent_at: dt.datetime) -> dict:
    return {
        "key": reminder.key,
        "recipient": reminder.recipient,
        "kind": reminder.kind,
        "subject": reminder.subject,
        "period": reminder.period,
        "title": reminder.title,
        "detail": reminder.detail,
        "link": reminder.link,
        "due_at": reminder.due_at.isoformat() if reminder.due_at else None,
        "sent_at": sent_at.isoformat(),
    }


class Notifier(Protocol):
    channel: str

    async def send(self, reminder: Reminder, sent_at: dt.datetime) -> None:
        """Deliver one reminder, or raise ``DeliveryFailed``."""
        ...

    async def close(self) -> None: ...


class LogFileNotifier:
    """One JSON line per reminder, appended and flushed to disk before the send counts as done."""

    channel = "log"

    def __init__(self, path: Path) -> None:
        self.path = path

    def _append(self, line: bytes) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as out:
            out.write(line)
            out.flush()
            os.fsync(out.fileno())

    async def send(self, reminder: Reminder, sent_at: dt.datetime) -> None:
        line = orjson.dumps(payload(reminder, sent_at)) + b"\n"
        try:
            await asyncio.to_thread(self._append, line)
        except OSError as exc:
            raise DeliveryFailed(f"cannot write {self.path}: {exc}") from exc

    async def close(self) -> None:
        return None


class WebhookNotifier:
    """POST the reminder as JSON with an ``Idempotency-Key`` header (the reminder's key). A timeout,
    a connection error or a 5xx/429 answer is retried (``retries`` times, backoff doubling from
    ``backoff`` seconds); a 4xx answer is final for this pass."""

    channel = "webhook"

    def __init__(self, url: str, *, timeout: float = 5.0, retries: int = 3, backoff: float = 0.5) -> None:
        self.url = url
        self.retries = retries
        self.backoff = backoff
        self.client = httpx.AsyncClient(timeout=httpx.Timeout(timeout))

    async def send(self, reminder: Reminder, sent_at: dt.datetime) -> None:
        body = payload(reminder, sent_at)
        headers = {"Idempotency-Key": reminder.key, "Content-Type": "application/json"}
        error = ""
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                answer = await self.client.post(self.url, content=orjson.dumps(body), headers=headers)
            except httpx.HTTPError as exc:
                error = repr(exc)
                continue
            if answer.is_success:
                return
            error = f"HTTP {answer.status_code}"
            if answer.status_code < 500 and answer.status_code != 429:
                break
        raise DeliveryFailed(f"webhook {self.url}: {error}")

    async def close(self) -> None:
        await self.client.aclose()


def notifier_from(settings: ServiceSettings) -> Notifier:
    if settings.notify_channel == "webhook" and settings.notify_webhook_url:
        return WebhookNotifier(
            settings.notify_webhook_url,
            timeout=settings.notify_webhook_timeout,
            retries=settings.notify_webhook_retries,
        )
    return LogFileNotifier(settings.notify_log_file or settings.data_dir / "notifications.jsonl")
