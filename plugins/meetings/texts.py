"""What a member reads about a meeting on their channel, with the time in their time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Moscow")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Moscow")


def local_time(moment: datetime, timezone: str) -> str:
    """«7 декабря 2026, 15:00 (Europe/Moscow)»: the moment on the reader's clock."""
    local = moment.astimezone(zone(timezone))
    name = zone(timezone).key
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}, {local:%H:%M} ({name})"


def clock(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(zone(timezone)):%H:%M}"


def invitation(title: str, starts_at: datetime, timezone: str, url: str, instant: bool) -> str:
    if instant:
        return f"{title}: приглашаем вас присоединиться к видеозвонку. Войти: {url}"
    return f"Видеовстреча «{title}» — {local_time(starts_at, timezone)}. Ссылка для входа: {url}"


def changed(title: str, starts_at: datetime, timezone: str, url: str) -> str:
    return (
        f"Видеовстреча «{title}» перенесена: {local_time(starts_at, timezone)}. "
        f"Ссылка для входа: {url}"
    )


def cancelled(title: str, starts_at: datetime, timezone: str) -> str:
    return f"Видеовстреча «{title}» ({local_time(starts_at, timezone)}) отменена."


def reminder(title: str, starts_at: datetime, timezone: str, url: str) -> str:
    return (
        f"Напоминаем: видеовстреча «{title}» начнётся в {clock(starts_at, timezone)} "
        f"({zone(timezone).key}). Ссылка для входа: {url}"
    )
