// Strings of what a member's message carries beyond text (components/message-content.js),
// merged into the console's dictionaries.

import { DICTIONARIES } from "./i18n.js";

const ru = {
  "content.forwarded_from": "Переслано от {name}",
  "content.from_hidden_user": "скрытого пользователя",
  "content.from_unknown": "неизвестного отправителя",
  "content.hidden_author": "Скрытый пользователь",
  "content.unknown_author": "Автор неизвестен",
  "content.forwarded": "Пересланные сообщения: {n}",
  "content.reply_to": "В ответ на сообщение: {name}",
  "content.reply_to_unnamed": "В ответ на сообщение",
  "content.files": "Вложения: {files}",
  "content.map_link": "Открыть на карте",
  "content.edited": "изменено",
  "content.revisions": "прежние версии: {n}",
  "content.warnings": "Сообщение получено с ошибками",
};

const en = {
  "content.forwarded_from": "Forwarded from {name}",
  "content.from_hidden_user": "a hidden user",
  "content.from_unknown": "an unknown sender",
  "content.hidden_author": "Hidden user",
  "content.unknown_author": "Unknown author",
  "content.forwarded": "Forwarded messages: {n}",
  "content.reply_to": "In reply to: {name}",
  "content.reply_to_unnamed": "In reply to a message",
  "content.files": "Attachments: {files}",
  "content.map_link": "Open on the map",
  "content.edited": "edited",
  "content.revisions": "earlier versions: {n}",
  "content.warnings": "The message arrived with errors",
};

Object.assign(DICTIONARIES.ru, ru);
Object.assign(DICTIONARIES.en, en);
