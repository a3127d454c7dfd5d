"""Telegram settings: the ``[telegram]`` section, and each bot account's config and secrets."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

BOT_TOKEN = r"^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$(?!\n)"
SECRET_TOKEN = r"^[A-Za-z0-9_-]{0,256}$(?!\n)"  # what setWebhook accepts as secret_token


class TelegramSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[telegram]`` section of the configuration file."""

    # The Bot API server: Telegram's, or a local Bot API server (telegram-bot-api).
    api_url: str = "https://api.telegram.org"
    # Run long polling for accounts in "polling" mode inside the web app process (a single
    # process install); otherwise run ``unionline telegram poll`` next to the app.
    run_pollers: bool = False
    poll_timeout: Annotated[int, msgspec.Meta(ge=0, le=50)] = 25  # seconds a getUpdates waits
    request_timeout: Annotated[float, msgspec.Meta(gt=0)] = 30.0


class BotConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A bot account's config: how updates reach us."""

    # webhook: Telegram POSTs to /channels/telegram/<account>/webhook (needs a public HTTPS URL;
    # see ``unionline telegram set-webhook``); polling: we ask with getUpdates.
    mode: Literal["webhook", "polling"] = "webhook"
    # Messages in groups and supergroups with the bot become appeals of the members who wrote
    # them (only of members who already wrote to the bot privately; answered in private).
    accept_groups: bool = False


class BotSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A bot account's secrets (encrypted at rest)."""

    bot_token: Annotated[str, msgspec.Meta(pattern=BOT_TOKEN)]
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; set-webhook makes one if empty.
    webhook_secret: Annotated[str, msgspec.Meta(pattern=SECRET_TOKEN)] = ""


def telegram_settings() -> TelegramSettings:
    from unionline import current

    return current().settings.section("telegram", TelegramSettings)
