"""The meetings settings: which video platform and how to reach it (an administrator edits
them in «Администрирование → Настройки»; a config file's ``[meetings]`` section seeds them).
See docs/meetings.md for what each platform needs on its own side."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Literal

import msgspec

from unionline.registry import FieldLabel, SettingsForm


class MeetingsSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    provider: Annotated[str, msgspec.Meta(max_length=50)] = "jitsi"
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=24 * 60)] = 60
    reminder_minutes: Annotated[int, msgspec.Meta(ge=0, le=7 * 24 * 60)] = 60
    absent_after_minutes: Annotated[int, msgspec.Meta(ge=1, le=240)] = 10
    link_grace_minutes: Annotated[int, msgspec.Meta(ge=0, le=24 * 60)] = 60
    # Members get <public_url>/meet/<key> instead of the platform's long address (always on SMS).
    short_links: bool = False
    # Jitsi Meet with token authentication (prosody's token auth, "app id" and secret or key).
    jitsi_url: Annotated[str, msgspec.Meta(max_length=300)] = "https://meet.example.org"
    jitsi_app_id: Annotated[str, msgspec.Meta(max_length=200)] = ""
    jitsi_app_secret: str = ""
    jitsi_algorithm: Literal["HS256", "RS256"] = "HS256"
    jitsi_private_key: str = ""  # PEM, for RS256
    jitsi_kid: Annotated[str, msgspec.Meta(max_length=300)] = ""
    jitsi_audience: Annotated[str, msgspec.Meta(max_length=200)] = "jitsi"
    jitsi_subject: Annotated[str, msgspec.Meta(max_length=200)] = ""  # empty: the domain
    # BigBlueButton: its API address and shared secret (bbb-conf --secret).
    bbb_url: Annotated[str, msgspec.Meta(max_length=300)] = ""
    bbb_secret: str = ""
    bbb_checksum: Literal["sha1", "sha256"] = "sha256"
    # A plain link: a fixed room of a commercial service, per organization or operator id.
    link_url: Annotated[str, msgspec.Meta(max_length=500)] = ""
    link_rooms: dict[str, str] = msgspec.field(default_factory=dict)


class Platforms(Mapping[str, tuple[str, str]]):
    """The installed platforms as «Платформа» offers them (name -> Russian, English title),
    read each time: a third party's platform added in process is offered too."""

    @staticmethod
    def _now() -> dict[str, tuple[str, str]]:
        from unionline.plugins.meetings.providers import providers

        return {p.name: (p.title_ru, p.title_en) for p in providers().values()}

    def __getitem__(self, name: str) -> tuple[str, str]:
        return self._now()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())


FORM = SettingsForm(
    kind=MeetingsSettings,
    title_ru="Видеовстречи",
    title_en="Video meetings",
    labels={
        "provider": FieldLabel(
            "Платформа",
            "Platform",
            help_ru="На какой платформе проходят встречи. «Постоянная ссылка» — комната Zoom, "
            "Телемоста и т. п., её адрес — ниже",
            help_en="Where meetings are held. «Fixed link»: a room of Zoom and the like, its "
            "address below",
            choices=Platforms(),
        ),
        "duration_minutes": FieldLabel("Длительность по умолчанию, мин", "Default length, min"),
        "reminder_minutes": FieldLabel(
            "Напоминание за, мин", "Reminder before, min", help_ru="0 — не напоминать"
        ),
        "absent_after_minutes": FieldLabel(
            "Член профсоюза не вошёл через, мин", "Member absent after, min"
        ),
        "link_grace_minutes": FieldLabel(
            "Ссылка действует после конца, мин", "Link valid after the end, min"
        ),
        "short_links": FieldLabel(
            "Короткие ссылки для членов профсоюза",
            "Short links for members",
            help_ru="Адрес Unionline вместо длинной ссылки платформы; в SMS — всегда",
            help_en="Unionline's address instead of the platform's long link; always on SMS",
        ),
        "jitsi_url": FieldLabel("Адрес Jitsi Meet", "Jitsi Meet address"),
        "jitsi_app_id": FieldLabel("Jitsi: app_id", "Jitsi: app_id"),
        "jitsi_app_secret": FieldLabel("Jitsi: app_secret (HS256)", "Jitsi: app_secret (HS256)"),
        "jitsi_algorithm": FieldLabel("Jitsi: алгоритм подписи", "Jitsi: signing algorithm"),
        "jitsi_private_key": FieldLabel("Jitsi: закрытый ключ (RS256, PEM)", "Jitsi: private key"),
        "jitsi_kid": FieldLabel("Jitsi: kid ключа", "Jitsi: key id (kid)"),
        "jitsi_audience": FieldLabel("Jitsi: aud", "Jitsi: aud"),
        "jitsi_subject": FieldLabel("Jitsi: sub (домен)", "Jitsi: sub (domain)"),
        "bbb_url": FieldLabel("Адрес API BigBlueButton", "BigBlueButton API address"),
        "bbb_secret": FieldLabel("Секрет BigBlueButton", "BigBlueButton secret"),
        "bbb_checksum": FieldLabel("BigBlueButton: контрольная сумма", "BigBlueButton: checksum"),
        "link_url": FieldLabel("Постоянная ссылка на комнату", "Fixed room link"),
        "link_rooms": FieldLabel(
            "Комнаты организаций и операторов",
            "Rooms of organizations and operators",
            help_ru='{"<id организации или оператора>": "https://…"}',
        ),
    },
    secrets=frozenset({"jitsi_app_secret", "jitsi_private_key", "bbb_secret"}),
)
