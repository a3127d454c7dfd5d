"""Connecting a community from the admin console: the account form's words, «Проверить
подключение» (groups.getById with the community's token) and the Callback API steps, with the
confirmation code flow explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

from unionline.channel import CheckResult, SetupInfo, SetupStep
from unionline.registry import FieldLabel

if TYPE_CHECKING:
    from unionline.channels.vk.channel import Account

# The message events the channel handles, as VK's community settings name them.
EVENTS_RU = (
    "«Входящее сообщение», «Исходящее сообщение», «Редактирование сообщения», "
    "«Разрешение на получение» и «Запрет на получение»"
)
EVENTS_EN = (
    "“Message received”, “Message sent”, “Message edited”, “Messages allowed” and “Messages denied”"
)

LABELS = {
    "group_id": FieldLabel(
        "ID сообщества",
        "Community id",
        help_ru="Число из адреса club123456 или из «Управление → Работа с API».",
        help_en="The number of club123456, or from “Manage → API usage”.",
    ),
    "mode": FieldLabel(
        "Как получать сообщения",
        "How events arrive",
        help_ru="callback — ВКонтакте присылает события на адрес сервера (Callback API); "
        "longpoll — сервер сам спрашивает ВКонтакте (Bots Long Poll).",
        help_en="callback: VK posts events to this server; longpoll: the server asks VK.",
    ),
    "access_token": FieldLabel(
        "Ключ доступа сообщества",
        "Community access token",
        help_ru="«Управление → Работа с API → Ключи доступа», с правами на сообщения и файлы.",
        help_en="“Manage → API usage → Access tokens”, with messages and files allowed.",
    ),
    "secret": FieldLabel(
        "Секретный ключ Callback API",
        "Callback API secret key",
        help_ru="Тот же, что в настройках Callback API сообщества.",
        help_en="The same as in the community's Callback API settings.",
    ),
    "confirmation_code": FieldLabel(
        "Код подтверждения",
        "Confirmation code",
        help_ru="Строка, которую ВКонтакте показывает в настройках Callback API: сервер "
        "возвращает её, когда ВКонтакте проверяет адрес.",
        help_en="The string VK shows in the Callback API settings; the server answers it when "
        "VK checks the address.",
    ),
}


async def check(account: Account) -> CheckResult:
    """groups.getById with the community's token: the token works, and the community's name."""
    from unionline.channels.vk.channel import client_for

    async with client_for(account) as client:
        group = await client.get_group()
    if group.id != account.config.group_id:
        return CheckResult(ok=False, detail=f"Ключ принадлежит другому сообществу (id {group.id})")
    return CheckResult(ok=True, identity=group.name or f"club{group.id}")


def setup(account: Account, base_url: str) -> SetupInfo:
    from unionline.channels.vk.routes import callback_path

    if account.config.mode == "longpoll":
        return SetupInfo(
            steps=(
                SetupStep(
                    ru="В сообществе: «Управление → Работа с API → Long Poll API» — включите "
                    f"и отметьте типы событий {EVENTS_RU}.",
                    en="In the community: “Manage → API usage → Long Poll API”: enable it and "
                    f"tick the events {EVENTS_EN}.",
                ),
                SetupStep(
                    ru="Включите vk.run_pollers в настройках или запустите «unionline vk poll» "
                    "рядом с сервером.",
                    en="Enable vk.run_pollers or run 'unionline vk poll' next to the server.",
                ),
            )
        )
    url = base_url.rstrip("/") + callback_path(str(account.id))
    return SetupInfo(
        webhook_url=url,
        steps=(
            SetupStep(
                ru="В сообществе откройте «Управление → Работа с API → Callback API», версия API "
                "5.199, и вставьте адрес:",
                en="In the community open “Manage → API usage → Callback API” (API 5.199) and "
                "paste the address:",
                value=url,
            ),
            SetupStep(
                ru="Скопируйте «Строку, которую должен вернуть сервер» в поле «Код "
                "подтверждения» этого подключения и сохраните; задайте там же «Секретный ключ» "
                "и впишите его сюда.",
                en="Copy “the string the server must return” into this account's confirmation "
                "code and save; set a secret key there and enter it here.",
            ),
            SetupStep(
                ru="Нажмите «Подтвердить» во ВКонтакте: сервер ответит кодом подтверждения. "
                f"Затем в «Типах событий» отметьте {EVENTS_RU}.",
                en="Press “Confirm” in VK: the server answers the confirmation code. Then tick "
                f"{EVENTS_EN} in the event types.",
            ),
        ),
    )
