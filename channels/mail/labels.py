"""The mailbox form's words on the admin console's «Каналы» page (Russian first)."""

from __future__ import annotations

from unionline.registry import FieldLabel

SECURITY = {
    "ssl": ("SSL/TLS (сразу зашифровано)", "SSL/TLS (encrypted from the start)"),
    "starttls": ("STARTTLS (шифрование после приветствия)", "STARTTLS"),
    "none": ("Без шифрования (только внутри сети)", "None (inside a private network only)"),
}
LANGUAGE = {"ru": ("Русский", "Russian"), "en": ("Английский", "English")}
AFTER = {
    "keep": ("Оставить как есть", "Leave it"),
    "flag": ("Пометить флажком", "Flag it"),
    "move": ("Переложить в папку", "Move it to a folder"),
}

LABELS = {
    "address": FieldLabel(
        "Адрес ящика",
        "Mailbox address",
        help_ru="Адрес, на который пишут члены профсоюза, например profkom@union.example.",
        help_en="The address members write to, e.g. profkom@union.example.",
    ),
    "display_name": FieldLabel(
        "Имя отправителя",
        "Sender name",
        help_ru="Так ответы будут подписаны в поле «От», например «Профком завода».",
        help_en="Shown in the From field of replies.",
    ),
    "reply_domain": FieldLabel(
        "Домен для ответов",
        "Reply domain",
        help_ru="Если у домена настроен приём reply+…@: ответы и уведомления о недоставке "
        "приходят на отдельные адреса и точно находят своё обращение. Можно не заполнять.",
        help_en="With a reply+*@ alias: replies and bounces get addresses of their own. Optional.",
    ),
    "imap_host": FieldLabel(
        "IMAP-сервер",
        "IMAP server",
        help_ru="Откуда забирать входящую почту, например imap.yandex.ru. Пусто — почта "
        "приходит иначе (через «unionline smtpd» или почтовый сервер).",
        help_en="Where incoming mail is fetched from; empty when mail arrives over SMTP.",
    ),
    "imap_port": FieldLabel("Порт IMAP", "IMAP port", help_ru="Обычно 993 (SSL) или 143."),
    "imap_security": FieldLabel("Шифрование IMAP", "IMAP security", choices=SECURITY),
    "imap_username": FieldLabel(
        "Логин IMAP", "IMAP login", help_ru="Обычно совпадает с адресом ящика."
    ),
    "imap_folder": FieldLabel("Папка входящих", "Inbox folder", help_ru="Обычно INBOX."),
    "imap_idle": FieldLabel(
        "Получать письма сразу (IDLE)",
        "Receive at once (IDLE)",
        help_ru="Сервер сообщает о новых письмах сразу; если не поддерживается — ящик "
        "проверяется по расписанию.",
    ),
    "imap_poll_seconds": FieldLabel(
        "Проверять ящик каждые, секунд", "Poll every, seconds", help_ru="От 5 до 3600."
    ),
    "imap_after_processing": FieldLabel(
        "Что делать с письмом после приёма", "After an e-mail is taken", choices=AFTER
    ),
    "imap_move_to": FieldLabel(
        "Папка для принятых писем",
        "Folder for taken mail",
        help_ru="Нужна, если выбрано «Переложить в папку».",
    ),
    "smtp_recipients": FieldLabel(
        "Дополнительные адреса приёма",
        "Also accept mail for",
        help_ru="Для «unionline smtpd»: другие адреса, письма на которые попадают в этот "
        "ящик, по одному в строке.",
    ),
    "max_message_bytes": FieldLabel(
        "Наибольший размер письма, байт", "Largest e-mail, bytes", help_ru="Не меньше 1024."
    ),
    "smtp_host": FieldLabel(
        "SMTP-сервер",
        "SMTP server",
        help_ru="Через него уходят ответы операторов, например smtp.yandex.ru. Пусто — "
        "ответить по почте нельзя.",
        help_en="Operators' replies go out through it; empty: no replies by e-mail.",
    ),
    "smtp_port": FieldLabel("Порт SMTP", "SMTP port", help_ru="Обычно 587 (STARTTLS) или 465."),
    "smtp_security": FieldLabel("Шифрование SMTP", "SMTP security", choices=SECURITY),
    "smtp_username": FieldLabel(
        "Логин SMTP", "SMTP login", help_ru="Обычно совпадает с адресом ящика."
    ),
    "smtp_connections": FieldLabel(
        "Одновременных SMTP-соединений",
        "SMTP connections at once",
        help_ru="Сколько писем уходит параллельно, например при рассылке. От 1 до 20; "
        "поставьте 1, если почтовый сервер допускает только одно подключение.",
        help_en="How many e-mails go out in parallel, e.g. in a campaign. 1 to 20; set 1 if "
        "the server allows only one session.",
    ),
    "auto_ack": FieldLabel(
        "Подтверждать получение",
        "Acknowledge receipt",
        help_ru="Отвечать на новое обращение письмом «Ваше обращение получено» с его "
        "номером — не чаще раза в сутки одному отправителю.",
    ),
    "ack_language": FieldLabel("Язык подтверждения", "Acknowledgement language", choices=LANGUAGE),
    "ack_text": FieldLabel(
        "Текст подтверждения",
        "Acknowledgement text",
        help_ru="Пусто — стандартный текст с номером обращения.",
    ),
    "dkim_selector": FieldLabel(
        "DKIM: селектор", "DKIM selector", help_ru="Для подписи писем; можно не заполнять."
    ),
    "dkim_domain": FieldLabel("DKIM: домен", "DKIM domain", help_ru="Обычно домен ящика."),
    "imap_password": FieldLabel("Пароль IMAP", "IMAP password", help_ru="Или пароль приложения."),
    "smtp_password": FieldLabel("Пароль SMTP", "SMTP password", help_ru="Или пароль приложения."),
    "dkim_private_key": FieldLabel(
        "DKIM: закрытый ключ", "DKIM private key", help_ru="В формате PEM (RSA или Ed25519)."
    ),
    "inbound_token": FieldLabel(
        "Токен приёма по HTTP",
        "HTTP inbound token",
        help_ru="Для почтового сервера, который передаёт письма в Unionline по HTTP.",
    ),
}
