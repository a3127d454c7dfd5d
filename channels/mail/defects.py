"""What was wrong with a mail as it came, in words an operator reads: the defects the standard
library's parser recorded, headers missing or malformed, header bytes sent without a charset,
and what the reading limits left out. They become ``InboundMessage.warnings`` (the console's
small flag on the message); the raw message is always kept whole beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from unionline.channels.mail.headers import CODEC_NAMES, raw_header

if TYPE_CHECKING:
    from email.message import Message

    from unionline.channels.mail.parse import ParsedMail

MAX_WARNINGS = 12
ENCRYPTED = ("multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime")
SEALED = (
    "Письмо зашифровано (S/MIME или PGP): текст можно прочитать только ключом получателя; "
    "зашифрованная часть — во вложении"
)
_BASE64 = "Повреждена кодировка base64: часть текста или вложения могла потеряться"
DEFECTS = {
    "NoBoundaryInMultipartDefect": "Письмо составное, но граница между частями не указана",
    "StartBoundaryNotFoundDefect": "Граница частей письма не найдена: письмо прочитано целиком",
    "CloseBoundaryNotFoundDefect": "У письма нет завершающей границы: возможно, оно пришло "
    "не полностью",
    "FirstHeaderLineIsContinuationDefect": "Заголовки письма начинаются с продолжения строки",
    "MisplacedEnvelopeHeaderDefect": "Среди заголовков стоит строка конверта «From »",
    "MissingHeaderBodySeparatorDefect": "В заголовках есть строка без имени заголовка: "
    "она прочитана как начало текста",
    "MultipartInvariantViolationDefect": "Письмо объявлено составным, но частей в нём нет",
    "InvalidMultipartContentTransferEncodingDefect": "У составного письма недопустимая "
    "кодировка передачи",
    "InvalidBase64PaddingDefect": _BASE64,
    "InvalidBase64CharactersDefect": _BASE64,
    "InvalidBase64LengthDefect": _BASE64,
    "UndecodableBytesDefect": "В письме есть байты, которые не удалось прочитать",
}
_ERRORS = (  # the parser's own notes (English, for the log and mail_message.error)
    ("only the first", "Письмо из слишком многих частей: показаны первые, остальное — в "
     "исходном письме"),
    ("HTML as text:", "HTML-версия письма не показана (слишком плотная разметка): "
     "показан её текст"),
    ("HTML:", "HTML-версия письма показана не полностью (слишком сложная разметка)"),
    ("body:", "Структуру письма не удалось разобрать до конца; исходное письмо сохранено"),
    ("attachment:", "Вложение не удалось извлечь; оно есть в исходном письме"),
)  # fmt: skip


def warnings(parsed: ParsedMail) -> list[str]:
    """The notes for ``parsed``, each once, at most :data:`MAX_WARNINGS`."""
    message = parsed.message
    found: list[str] = []
    if message is not None:
        found += _parser_defects(message)
        found += _headers(parsed, message)
        if message.get_content_type() in ENCRYPTED:
            found.append(SEALED)
    found += [ru for error in parsed.errors for prefix, ru in _ERRORS if error.startswith(prefix)]
    return list(dict.fromkeys(found))[:MAX_WARNINGS]


def _parser_defects(message: Message) -> list[str]:
    out = []
    for part in message.walk():
        for defect in getattr(part, "defects", ()):
            text = DEFECTS.get(type(defect).__name__)
            if text:
                out.append(text)
    return out


def _headers(parsed: ParsedMail, message: Message) -> list[str]:
    out = []
    if raw_header(message, "From") is None:
        out.append("Нет заголовка From (отправитель)" + _whence(parsed))
    elif parsed.from_source != "From":
        out.append("Адрес отправителя в заголовке From не читается" + _whence(parsed))
    for name in dict.fromkeys(parsed.salvaged):
        out.append(
            f"Адрес в заголовке {name} записан с ошибкой (лишние кавычки или скобки); "
            "прочитан как получилось"
        )
    if parsed.header_codec != "utf-8":
        charset = CODEC_NAMES.get(parsed.header_codec, parsed.header_codec)
        out.append(f"Заголовки письма без указания кодировки; прочитаны как {charset}")
    date = raw_header(message, "Date")
    if date is None:
        out.append("Нет даты отправки (Date): показано время получения")
    elif parsed.date is None:
        out.append(f"Дата отправки не читается: «{parsed.header('Date')[:80]}»")
    if not parsed.has_message_id:
        out.append("Нет идентификатора письма (Message-ID)")
    return out


def _whence(parsed: ParsedMail) -> str:
    if parsed.from_source in ("Sender", "Reply-To"):
        return f"; адрес взят из {parsed.from_source}: {parsed.from_address}"
    return ""
