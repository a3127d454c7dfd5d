"""Connecting a bot from the admin console: the account form's words, «Проверить подключение»
(getMe), the webhook URL with the steps left, and setWebhook done for the administrator."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from unionline.channel import CheckResult, SetupInfo, SetupStep
from unionline.registry import FieldLabel

if TYPE_CHECKING:
    from unionline.channels.telegram.channel import Account

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]

LABELS = {
    "mode": FieldLabel(
        "Как получать сообщения",
        "How updates arrive",
        help_ru="Вебхук — Telegram сам присылает сообщения на адрес сервера (нужен публичный "
        "HTTPS-адрес); опрос — сервер сам спрашивает Telegram (для установок без "
        "публичного адреса).",
        help_en="webhook: Telegram posts updates to this server (needs a public HTTPS URL); "
        "polling: the server asks Telegram (installs without a public URL).",
        choices={
            "webhook": ("Telegram присылает сам (вебхук)", "Telegram posts them (webhook)"),
            "polling": ("Сервер забирает сам (опрос)", "The server fetches them (polling)"),
        },
    ),
    "accept_groups": FieldLabel(
        "Принимать обращения из групп",
        "Accept appeals from groups",
        help_ru="Если бот добавлен в группу, сообщения в ней станут обращениями — но только "
        "от тех, кто уже писал боту в личные сообщения; ответ оператора придёт в личные "
        "сообщения, не в группу. Посты каналов обращениями не становятся никогда.",
        help_en="Messages in groups the bot is in become appeals, only from people who have "
        "written to the bot privately; operators answer in private, not in the group. "
        "Channel posts never become appeals.",
    ),
    "bot_token": FieldLabel(
        "Токен бота",
        "Bot token",
        help_ru="Выдаёт @BotFather после команды /newbot, вида 123456789:AA…",
        help_en="Given by @BotFather after /newbot, like 123456789:AA…",
    ),
    "webhook_secret": FieldLabel(
        "Секрет вебхука",
        "Webhook secret",
        help_ru="Можно не заполнять: при подключении вебхука сервер создаст его сам.",
        help_en="May stay empty: connecting the webhook makes one.",
    ),
}


def webhook_url(account: Account, base_url: str) -> str:
    from unionline.channels.telegram.routes import webhook_path

    return base_url.rstrip("/") + webhook_path(str(account.id))


async def check(account: Account) -> CheckResult:
    """getMe: the token works, and the bot's @name."""
    from unionline.channels.telegram.channel import client_for

    async with client_for(account) as client:
        me = await client.get_me()
    name = f"@{me.username}" if me.username else me.full_name
    return CheckResult(ok=True, identity=name, detail=f"Бот {name} отвечает")


def setup(account: Account, base_url: str) -> SetupInfo:
    if account.config.mode == "polling":
        return SetupInfo(
            steps=(
                SetupStep(
                    ru="Сообщения забирает сервер: включите telegram.run_pollers в настройках "
                    "или запустите «unionline telegram poll» рядом с сервером.",
                    en="The server fetches updates: enable telegram.run_pollers or run "
                    "'unionline telegram poll' next to the server.",
                ),
            )
        )
    url = webhook_url(account, base_url)
    return SetupInfo(
        webhook_url=url,
        connects=True,
        steps=(
            SetupStep(
                ru="Нажмите «Подключить вебхук»: сервер сообщит Telegram этот адрес и секрет.",
                en="Press “Connect the webhook”: the server tells Telegram this URL and a secret.",
                value=url,
            ),
            SetupStep(
                ru="Telegram принимает только HTTPS-адрес, доступный из интернета "
                "(server.public_url).",
                en="Telegram accepts only an HTTPS URL reachable from the internet "
                "(server.public_url).",
            ),
            SetupStep(
                ru="Напишите боту в Telegram — сообщение появится в консоли как обращение.",
                en="Write to the bot in Telegram: the message shows in the console as an appeal.",
            ),
        ),
    )


async def connect(account: Account, base_url: str) -> CheckResult:
    """setWebhook to this server with a secret token (made and stored when the account has
    none); then getWebhookInfo says what Telegram holds."""
    from unionline.channels.telegram.channel import client_for

    if account.config.mode == "polling":
        return CheckResult(ok=False, detail="Бот получает сообщения опросом: вебхук не нужен")
    secret = account.secrets.webhook_secret
    if not secret:
        from unionline.channel import AccountUpdate, update_account

        secret = secrets.token_urlsafe(48)
        await update_account(None, account.id, AccountUpdate(secrets={"webhook_secret": secret}))
    url = webhook_url(account, base_url)
    async with client_for(account) as client:
        await client.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
        info = await client.get_webhook_info()
    if info.url != url:
        return CheckResult(ok=False, detail=f"Telegram хранит другой адрес: {info.url or '—'}")
    return CheckResult(ok=True, identity=url, detail="Вебхук подключён")
