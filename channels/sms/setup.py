"""The connection page of an SMS account: the callback address and the steps left."""

from __future__ import annotations

from typing import Any

from unionline.channel import ChannelAccount, SetupInfo, SetupStep


def gateway_setup(gateway: Any, account: ChannelAccount[Any, Any], base_url: str) -> SetupInfo:
    from unionline.channels.sms.routes import callback_path

    url = base_url.rstrip("/") + callback_path(gateway.name, str(account.id))
    polling = getattr(account.config, "statuses", "callback") == "polling"
    steps = [
        SetupStep(
            ru=f"В личном кабинете {gateway.title} укажите адрес обработчика (callback) статусов"
            + (" и входящих SMS" if gateway.receives else "")
            + ":",
            en=f"In the {gateway.title} account set the callback address for statuses"
            + (" and incoming SMS" if gateway.receives else "")
            + ":",
            value=url,
        )
    ]
    if polling:
        steps.append(
            SetupStep(
                ru="Статусы доставки сервер узнаёт опросом: включите sms.run_pollers в "
                "настройках или запустите «unionline sms run» рядом с сервером.",
                en="Statuses are polled: enable sms.run_pollers or run 'unionline sms run'.",
            )
        )
    if not gateway.receives:
        steps.append(
            SetupStep(
                ru=f"{gateway.title} не пересылает SMS от участников: этот канал только отвечает "
                "и рассылает.",
                en=f"{gateway.title} forwards no members' SMS: this channel only sends.",
            )
        )
    return SetupInfo(webhook_url=url, steps=tuple(steps))
