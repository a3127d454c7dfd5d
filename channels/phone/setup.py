"""Connecting a line from the admin console: the form's words, «Проверить подключение», and
the address to give the PBX."""

from __future__ import annotations

from typing import Any

from unionline.channel import CheckResult, SetupInfo, SetupStep
from unionline.channels.phone.adapters import adapter_for
from unionline.channels.phone.settings import extensions
from unionline.registry import FieldLabel

LABELS = {
    "provider": FieldLabel(
        "Облачная АТС",
        "Cloud PBX",
        help_ru="mango — Манго Офис, zadarma — Задарма, uis — UIS (CoMagic), sip — встроенный "
        "SIP-агент (своя АТС или SIP-транк).",
        help_en="mango (Mango Office), zadarma (Zadarma), uis (UIS / CoMagic), sip (the built-in "
        "SIP agent: your own PBX or SIP trunk).",
    ),
    "api_url": FieldLabel(
        "Адрес API АТС",
        "PBX API address",
        help_ru="Оставьте пустым: будет использован адрес самой АТС.",
        help_en="Leave empty for the provider's own.",
    ),
    "operators": FieldLabel(
        "Добавочные операторов",
        "Operators' extensions",
        help_ru="По одной строке: «101 = логин оператора». Для UIS вместо добавочного — "
        "идентификатор сотрудника UIS. Звонок на добавочный покажет карточку члена профсоюза "
        "этому оператору.",
        help_en="One per line: '101 = operator login' (UIS: the employee id). A call ringing "
        "an extension pops the member's card on that operator's screen.",
    ),
    "caller_number": FieldLabel(
        "Номер для обратных звонков",
        "Number shown on callbacks",
        help_ru="Номер профсоюза, который увидит член профсоюза при обратном звонке "
        "(линия Манго, виртуальный номер UIS).",
        help_en="The union's number the member sees on a callback (Mango line, UIS number).",
    ),
    "callback_hours": FieldLabel(
        "Перезвонить в течение, рабочих часов",
        "Call back within, working hours",
        help_ru="Срок обратного звонка после пропущенного вызова; считается по рабочему "
        "календарю организации.",
        help_en="How soon a missed call is called back, in the organization's working hours.",
    ),
    "recording_days": FieldLabel(
        "Хранить записи разговоров, дней",
        "Keep call recordings, days",
        help_ru="По истечении срока запись удаляется (152-ФЗ); 0 — записи не сохранять.",
        help_en="Recordings are deleted after this many days; 0: never kept.",
    ),
    "busy_codes": FieldLabel(
        "Коды «занято» (Манго)",
        "'Busy' codes (Mango)",
        help_ru="Коды disconnect_reason из таблицы кодов вашей АТС Манго, означающие «занято».",
        help_en="Mango's disconnect_reason codes that mean busy.",
    ),
    "sip_listen": FieldLabel(
        "SIP: адрес агента",
        "SIP: agent address",
        help_ru="Адрес и порт UDP, на которых SIP-агент принимает звонки, например 0.0.0.0:5060.",
        help_en="UDP host:port the SIP agent listens on, e.g. 0.0.0.0:5060.",
    ),
    "sip_public": FieldLabel(
        "SIP: внешний адрес",
        "SIP: public address",
        help_ru="Адрес, который агент сообщает АТС (за NAT); пусто — адрес агента.",
        help_en="The address the agent advertises (behind NAT); empty: its own.",
    ),
    "sip_registrar": FieldLabel(
        "SIP: регистратор",
        "SIP: registrar",
        help_ru="Адрес АТС или SIP-провайдера для регистрации (хост:порт); пусто — без "
        "регистрации (транк по IP).",
        help_en="The PBX or provider to register to (host:port); empty: no registration.",
    ),
    "sip_outbound": FieldLabel(
        "SIP: исходящие через",
        "SIP: outbound proxy",
        help_ru="Куда отправлять исходящие звонки (хост:порт); пусто — регистратор.",
        help_en="Where outbound calls go (host:port); empty: the registrar.",
    ),
    "sip_domain": FieldLabel(
        "SIP: домен",
        "SIP: domain",
        help_ru="Домен учётной записи; пусто — хост регистратора.",
        help_en="The account's domain; empty: the registrar's host.",
    ),
    "sip_user": FieldLabel(
        "SIP: логин",
        "SIP: user",
        help_ru="Имя учётной записи (внутренний номер) линии на АТС.",
        help_en="The line's account (extension) at the PBX.",
    ),
    "sip_rtp_ports": FieldLabel(
        "SIP: порты RTP",
        "SIP: RTP ports",
        help_ru="Диапазон портов UDP для голоса, например 20000-20999 (откройте его в сетевом "
        "экране).",
        help_en="UDP port range for media, e.g. 20000-20999 (open it in the firewall).",
    ),
    "sip_ring_seconds": FieldLabel(
        "SIP: звонить до ответа, секунд",
        "SIP: ring before answering, seconds",
        help_ru="Сколько звонок звонит, прежде чем агент ответит приветствием.",
        help_en="How long a call rings before the agent answers with the greeting.",
    ),
    "sip_greeting": FieldLabel(
        "SIP: приветствие",
        "SIP: greeting",
        help_ru="Текст, который синтезатор речи скажет звонящему, с пунктами меню.",
        help_en="What the text-to-speech says to the caller, with the menu's choices.",
    ),
    "sip_menu": FieldLabel(
        "SIP: голосовое меню",
        "SIP: voice menu",
        help_ru="По одной строке: «0 = operator» (соединить с оператором), «1 = voicemail» "
        "(оставить сообщение), «2 = callback» (перезвонить), «9 = hangup». Без нажатия — "
        "сообщение.",
        help_en="One per line: '0 = operator', '1 = voicemail', '2 = callback', '9 = hangup'. "
        "No digit: voicemail.",
    ),
    "sip_queue_seconds": FieldLabel(
        "SIP: звонить оператору, секунд",
        "SIP: ring each operator, seconds",
        help_ru="«Соединить с оператором»: SIP-телефоны операторов из «Добавочные операторов» "
        "звонят столько секунд (по очереди — каждый); не ответил никто — голосовое сообщение.",
        help_en="'operator': the operators' SIP phones ring one after another this long each; "
        "nobody answers: voicemail.",
    ),
    "sip_queue_ring": FieldLabel(
        "SIP: как звонить операторам",
        "SIP: how operators' phones ring",
        help_ru="in_turn — по очереди, all — всем сразу: кто первым снял трубку, тот и "
        "разговаривает, у остальных звонок прекращается.",
        help_en="in_turn: one after another; all: all at once — the first to answer gets the "
        "call, the others stop ringing.",
    ),
    "sip_voicemail_seconds": FieldLabel(
        "SIP: длина сообщения, секунд",
        "SIP: voicemail length, seconds",
        help_ru="Самое длинное голосовое сообщение.",
        help_en="The longest voicemail recorded.",
    ),
    "sip_max_calls": FieldLabel(
        "SIP: звонков одновременно",
        "SIP: calls at once",
        help_ru="Следующий звонок услышит «занято» и станет пропущенным.",
        help_en="The next call gets 'busy' and is a missed call.",
    ),
    "sip_tts": FieldLabel(
        "SIP: синтез речи",
        "SIP: text-to-speech",
        help_ru="espeak-ng (пакет Debian espeak-ng) или движок, добавленный плагином.",
        help_en="espeak-ng (Debian package espeak-ng) or an engine a plugin registered.",
    ),
    "sip_password": FieldLabel(
        "SIP: пароль",
        "SIP: password",
        help_ru="Пароль учётной записи на АТС (digest-аутентификация).",
        help_en="The account's password at the PBX (digest auth).",
    ),
    "api_key": FieldLabel(
        "Ключ API",
        "API key",
        help_ru="Манго: уникальный код АТС (vpbx_api_key); Задарма: ключ (key); UIS: "
        "ключ доступа (access_token) Call API.",
        help_en="Mango vpbx_api_key; Zadarma key; UIS Call API access_token.",
    ),
    "api_secret": FieldLabel(
        "Секрет API",
        "API secret",
        help_ru="Манго: ключ для создания подписи (salt); Задарма: секрет (secret).",
        help_en="Mango signing salt; Zadarma secret.",
    ),
    "webhook_token": FieldLabel(
        "Токен уведомлений (UIS)",
        "Notification token (UIS)",
        help_ru="Любая длинная случайная строка; она же стоит в адресе уведомлений UIS.",
        help_en="Any long random string; the same goes into the UIS notifications' address.",
    ),
}


def events_url(line: Any, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/channels/phone/{line.id}/events"


def setup(line: Any, base_url: str) -> SetupInfo:
    url = events_url(line, base_url)
    provider = line.config.provider
    if provider == "mango":
        step = SetupStep(
            ru="В личном кабинете Манго: Интеграции → API Коннектор → «Адрес внешней системы»: "
            "вставьте этот адрес (Манго добавит к нему /events/call, /events/summary, "
            "/events/recording). Включите уведомления о вызовах, итогах и записях.",
            en="Mango: Integrations → API connector → external system address: paste this "
            "address; enable call, summary and recording notifications.",
            value=url.removesuffix("/events"),
        )
    elif provider == "sip":
        step = SetupStep(
            ru="Встроенный SIP-агент: заведите на АТС учётную запись (логин и пароль — в поля "
            "«SIP: логин» и «SIP: пароль»), направьте входящие звонки на неё и откройте UDP-порт "
            "агента и диапазон портов RTP. Адрес для вебхуков не нужен.",
            en="The built-in SIP agent: create an account at the PBX (user and password into "
            "'SIP: user' and 'SIP: password'), route incoming calls to it, open the agent's UDP "
            "port and the RTP range. No webhook address is needed.",
            value=line.config.sip_registrar or line.config.sip_listen,
        )
    elif provider == "uis":
        step = SetupStep(
            ru="В UIS: Уведомления → новое уведомление для каждого события (см. руководство): "
            "метод POST, этот адрес с ?token=<токен уведомлений>, тело — шаблон JSON.",
            en="UIS: Notifications → one per event (see the guide): POST to this address with "
            "?token=<notification token>, the JSON body template.",
            value=f"{url}?token=…",
        )
    else:
        step = SetupStep(
            ru="В личном кабинете Задармы: Настройки → Интеграции и API → уведомления АТС: "
            "вставьте этот адрес (Задарма проверит его запросом zd_echo) и включите "
            "NOTIFY_START, NOTIFY_INTERNAL, NOTIFY_ANSWER, NOTIFY_END, NOTIFY_OUT_START, "
            "NOTIFY_OUT_END, NOTIFY_RECORD.",
            en="Zadarma: Settings → Integrations and API → PBX notifications: paste this "
            "address and enable every NOTIFY_* event.",
            value=url,
        )
    return SetupInfo(webhook_url=url, steps=(step,))


async def check(line: Any) -> CheckResult:
    """The provider is known, its keys are set, and every operator named exists."""
    from unionline.channels.phone.operators import operator_ids

    adapter = adapter_for(line.config.provider)
    if line.config.provider == "sip":
        from unionline.channels.phone.sip.runtime import check as sip_check

        return await sip_check(line)
    if not line.secrets.api_key:
        return CheckResult(ok=False, detail="Не указан ключ API")
    mapped = extensions(line.config)
    found = await operator_ids(line.config, list(mapped))
    missing = sorted(set(mapped) - set(found))
    if missing:
        names = ", ".join(f"{ext} = {mapped[ext]}" for ext in missing)
        return CheckResult(ok=False, detail=f"Нет таких операторов: {names}")
    return CheckResult(
        ok=True,
        identity=adapter.title,
        detail=f"{adapter.title}: добавочных операторов — {len(found)}",
    )
