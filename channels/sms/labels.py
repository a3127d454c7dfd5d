"""The «Каналы» form's words for the SMS accounts' fields, Russian first."""

from __future__ import annotations

from unionline.registry import FieldLabel

SENDER = FieldLabel(
    "Имя отправителя",
    "Sender name",
    help_ru="Как подпись видят получатели: до 11 латинских букв и цифр (например, PROFKOM) — "
    "только имя, согласованное с провайдером и операторами; пусто — имя по умолчанию.",
    help_en="What recipients see as the sender: up to 11 Latin letters and digits, registered "
    "with the provider and the operators; empty: the account's default.",
)
MAX_SEGMENTS = FieldLabel(
    "Не больше SMS в одном ответе",
    "At most SMS parts per reply",
    help_ru="Длинный ответ уходит несколькими SMS, каждая оплачивается: кириллицей 70 знаков в "
    "одной SMS и по 67 в каждой части длинной, латиницей 160 и по 153. Ответ длиннее не "
    "отправляется, оператор видит почему.",
    help_en="A long reply goes as several paid parts (Cyrillic: 70, then 67 per part; Latin: 160, "
    "then 153). A longer reply is refused visibly.",
)
STATUSES = FieldLabel(
    "Как узнавать о доставке",
    "How delivery statuses arrive",
    help_ru="Обработчик — провайдер сам сообщает статусы на адрес сервера (его покажет "
    "страница подключения); опрос — сервер раз в минуту спрашивает провайдера сам (когда у "
    "сервера нет публичного адреса).",
    help_en="callback: the provider posts statuses to this server; polling: the server asks.",
    choices={
        "callback": ("Провайдер сообщает сам (обработчик)", "The provider posts them (callback)"),
        "polling": ("Сервер спрашивает сам (опрос)", "The server asks (polling)"),
    },
)
BASE_URL = FieldLabel(
    "Адрес API",
    "API address",
    help_ru="Менять не нужно: другой адрес — только для резервного сервера провайдера или "
    "проверки.",
    help_en="Leave as is: another address only for the provider's backup server or tests.",
)

SMSRU_LABELS = {
    "sender": SENDER,
    "max_segments": MAX_SEGMENTS,
    "statuses": STATUSES,
    "show_cost": FieldLabel(
        "Показывать стоимость",
        "Show the cost",
        help_ru="Перед отправкой узнавать цену SMS (sms/cost) и показывать её рядом со статусом "
        "доставки ответа.",
        help_en="Ask the price before sending (sms/cost) and show it beside the delivery status.",
    ),
    "base_url": BASE_URL,
    "api_id": FieldLabel(
        "API-ключ (api_id)",
        "API key (api_id)",
        help_ru="В личном кабинете SMS.ru: «Программистам → Ваш API-ключ».",
        help_en="In the SMS.ru account: “Programmers → Your API key”.",
    ),
}

SMSC_LABELS = {
    "login": FieldLabel(
        "Логин SMSC.ru",
        "SMSC.ru login",
        help_ru="Логин личного кабинета SMSC.ru (или его субаккаунта для профсоюза).",
        help_en="The SMSC.ru account's login (or a sub-account's).",
    ),
    "sender": SENDER,
    "max_segments": MAX_SEGMENTS,
    "statuses": STATUSES,
    "base_url": BASE_URL,
    "password": FieldLabel(
        "Пароль или API-пароль",
        "Password or API password",
        help_ru="Пароль личного кабинета или отдельный пароль для API («Настройки → Пароль для "
        "API»); им же SMSC подписывает уведомления (md5).",
        help_en="The account's password or its API password; SMSC signs callbacks with it (md5).",
    ),
}

SMPP_LABELS = {
    "host": FieldLabel(
        "Адрес SMSC (хост)",
        "SMSC host",
        help_ru="Из договора с оператором или агрегатором: имя или IP-адрес SMPP-сервера.",
        help_en="From the operator's contract: the SMPP server's name or IP address.",
    ),
    "port": FieldLabel("Порт", "Port", help_ru="Обычно 2775.", help_en="Usually 2775."),
    "system_id": FieldLabel(
        "system_id (логин SMPP)",
        "system_id (SMPP login)",
        help_ru="Логин SMPP-подключения из договора, до 15 знаков.",
        help_en="The SMPP login from the contract, up to 15 characters.",
    ),
    "system_type": FieldLabel(
        "system_type",
        "system_type",
        help_ru="Если оператор его задал; чаще пусто.",
        help_en="If the operator set one; usually empty.",
    ),
    "sender": SENDER,
    "max_segments": MAX_SEGMENTS,
    "window": FieldLabel(
        "Одновременных отправок",
        "Requests in flight",
        help_ru="Сколько submit_sm ждут ответа одновременно (окно); больше — быстрее рассылки, "
        "если оператор разрешает.",
        help_en="How many submit_sm may await their answer at once (the window).",
    ),
    "enquire_link_seconds": FieldLabel(
        "Проверка связи, секунд",
        "enquire_link every (s)",
        help_ru="Как часто проверять, что SMPP-сессия жива (enquire_link).",
        help_en="How often the session is checked with enquire_link.",
    ),
    "response_timeout": FieldLabel(
        "Ждать ответа, секунд",
        "Answer timeout (s)",
        help_ru="Сколько ждать submit_sm_resp. Если ответа нет, SMS помечается «неизвестно» и "
        "повторно не отправляется: оператор мог его доставить.",
        help_en="How long a submit_sm_resp is awaited; without one the SMS is marked unknown and "
        "never resent.",
    ),
    "password": FieldLabel(
        "Пароль SMPP",
        "SMPP password",
        help_ru="Пароль SMPP-подключения из договора, до 8 знаков.",
        help_en="The SMPP password from the contract, up to 8 characters.",
    ),
}
