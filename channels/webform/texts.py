"""What members read: built-in field labels and messages, Russian first, English on request.

A form's config may override labels, the title, the consent text and the success text per
language; everything else comes from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unionline.channels.webform.settings import Lang

LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "name": "Ваше имя",
        "phone": "Телефон",
        "email": "Электронная почта",
        "organization": "Организация",
        "topic": "Тема обращения",
        "text": "Текст обращения",
        "file": "Файл",
        "consent": "Согласие на обработку персональных данных",
    },
    "en": {
        "name": "Your name",
        "phone": "Phone",
        "email": "E-mail",
        "organization": "Organization",
        "topic": "Topic",
        "text": "Your message",
        "file": "File",
        "consent": "Consent to the processing of personal data",
    },
}

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Обращение в профсоюз",
        "consent_text": (
            "Я даю согласие на обработку моих персональных данных, указанных в форме, "
            "для рассмотрения обращения."
        ),
        "privacy_policy": "Политика обработки персональных данных",
        "success_text": "Ваше обращение № {number} принято",
        "required": "Заполните это поле",
        "too_long": "Не длиннее {max} символов",
        "phone": "Укажите телефон, например +7 912 345-67-89",
        "email": "Укажите адрес электронной почты, например ivan@example.ru",
        "contact": "Укажите телефон или электронную почту, чтобы мы могли ответить",
        "choice": "Выберите значение из списка",
        "consent": "Без согласия на обработку персональных данных обращение не принимается",
        "file_too_big": "Файл больше {max} МБ",
        "file_type": "Файлы этого типа не принимаются",
        "control": "Недопустимые символы",
    },
    "en": {
        "title": "Write to the union",
        "consent_text": (
            "I consent to the processing of the personal data given in this form "
            "for handling my appeal."
        ),
        "privacy_policy": "Personal data policy",
        "success_text": "Your appeal No. {number} has been received",
        "required": "Please fill in this field",
        "too_long": "At most {max} characters",
        "phone": "Enter a phone number, e.g. +7 912 345-67-89",
        "email": "Enter an e-mail address, e.g. ivan@example.com",
        "contact": "Enter a phone number or an e-mail address so that we can answer",
        "choice": "Choose a value from the list",
        "consent": "An appeal cannot be accepted without consent to personal data processing",
        "file_too_big": "The file is larger than {max} MB",
        "file_type": "Files of this type are not accepted",
        "control": "Characters that are not allowed",
    },
}


def lang_of(value: Any) -> Lang:
    return "en" if value == "en" else "ru"


def text(lang: str, key: str, **values: Any) -> str:
    return TEXTS[lang_of(lang)][key].format(**values)


def pick(overrides: Mapping[Lang, str], lang: Lang, default: str) -> str:
    """The config's text for ``lang``, else the built-in ``default`` (already in ``lang``)."""
    return overrides.get(lang) or default
