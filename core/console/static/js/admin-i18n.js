// Strings of the console pages framework (the «Администрирование» area and plugin pages),
// merged into the console's dictionaries. Keys start with "admin." (the pages' own strings
// live with the pages, in their plugin's folder).

import { DICTIONARIES } from "./i18n.js";

const ru = {
  "admin.nav": "Администрирование",
  "admin.sections": "Разделы администрирования",
  "admin.missing": "Раздел «{id}» не найден или недоступен вам. Выберите другой раздел.",
  "admin.none": "Вам не доступен ни один раздел администрирования.",
  "admin.failed": "Не удалось загрузить раздел «{title}». Обновите страницу; если ошибка повторится, сообщите администратору.",
  "admin.loading": "Загрузка раздела…",
  "admin.error.missing": "Заполните это поле",
  "admin.error.unknown": "Такой настройки нет",
  "admin.error.invalid": "Недопустимое значение",
  "admin.error.json": "Здесь нужен JSON: проверьте скобки и кавычки",
  "admin.secret.set": "Задано — оставьте пустым, чтобы не менять",
  "admin.secret.unset": "Не задано",
  "admin.secret.help": "Значение хранится зашифрованным и не показывается.",
  "admin.restart_field": "Изменение вступит в силу после перезапуска сервера.",
  "admin.cancel": "Отмена",
};

const en = {
  "admin.nav": "Administration",
  "admin.sections": "Administration sections",
  "admin.missing": "The section “{id}” does not exist or is not open to you. Choose another one.",
  "admin.none": "No administration section is open to you.",
  "admin.failed": "The section “{title}” failed to load. Reload the page; if it happens again, tell your administrator.",
  "admin.loading": "Loading the section…",
  "admin.error.missing": "Fill in this field",
  "admin.error.unknown": "There is no such setting",
  "admin.error.invalid": "This value is not allowed",
  "admin.error.json": "JSON is expected here: check brackets and quotes",
  "admin.secret.set": "Set — leave empty to keep it",
  "admin.secret.unset": "Not set",
  "admin.secret.help": "Stored encrypted and never shown.",
  "admin.restart_field": "A change takes effect after a server restart.",
  "admin.cancel": "Cancel",
};

Object.assign(DICTIONARIES.ru, ru);
Object.assign(DICTIONARIES.en, en);
