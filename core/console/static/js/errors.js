// What the console says when something fails: a sentence in the operator's language for every
// error code the server sends (REST and socket: core/errors.py, core/web.py, the channels'
// own codes) and for the console's own ("network", "timeout"). The server's English message is
// for API clients and logs; it is never shown. A few cases get a sentence of their own, told
// apart by the machine-readable parts of the error (its field and extra), never by its text.
// tests/test_console_errors.py fails when the server emits a code this module has no words for.

import { DICTIONARIES, t } from "./i18n.js";

const ru = {
  "error.network": "Нет связи с сервером",
  "error.unknown": "Не получилось выполнить действие (код {code})",
  "error.code.bad_request": "Сервер не принял запрос",
  "error.code.not_found": "Не найдено: возможно, его уже удалили или у вас нет к нему доступа",
  "error.code.forbidden": "Недостаточно прав для этого действия",
  "error.code.unauthorized": "Нужно войти заново",
  "error.code.conflict": "Не получилось: данные уже изменились. Обновите и попробуйте снова",
  "error.code.invalid": "Проверьте введённые данные",
  "error.code.validation_error": "Проверьте введённые данные",
  "error.code.method_not_allowed": "Сервер не поддерживает это действие",
  "error.code.too_large": "Слишком большой объём: уменьшите файл или текст",
  "error.code.rate_limited": "Слишком много запросов. Подождите немного и повторите",
  "error.code.too_fast": "Слишком быстро: подождите несколько секунд и повторите",
  "error.code.token_expired": "Страница устарела: обновите её и повторите",
  "error.code.http_error": "Сервер ответил ошибкой {status}",
  "error.code.internal_error": "Ошибка на сервере. Если повторится, сообщите администратору",
  "error.code.unavailable": "База данных временно недоступна. Повторите через несколько секунд",
  "error.code.overloaded": "Сервер перегружен. Повторите через несколько секунд",
  "error.code.platform_unavailable": "Видеосервис сейчас недоступен или не настроен. Сообщите администратору",
  "error.code.protocol_error": "Консоль и сервер не поняли друг друга: обновите страницу",
  "error.code.timeout": "Сервер не ответил вовремя. Повторите",
  "error.field.not_found": "Не найдено: {field}",
  "error.field.invalid": "Проверьте поле «{field}»",
  "error.field.taken": "Уже занято: {field}",
  "error.reason.closed": "Обращение закрыто: доступны только заметки",
  "error.reason.merged": "Обращение объединено с другим: откройте то, в которое его влили",
  "error.reason.transition": "Из статуса «{status}» сюда перевести нельзя",
  "error.reason.at_capacity": "У вас уже столько обращений в работе, сколько позволяет ваш лимит обращений",
  "error.reason.offer": "Предложение уже неактуально",
  "error.reason.assigned_elsewhere": "Обращение уже у другого оператора",
  "error.reason.assign_others": "Назначать обращения другим может только супервизор",
  "error.reason.file": "Файл не принят: такой тип или размер не допускается",
  "error.reason.no_delivery": "Этот канал не доставляет ответы: свяжитесь с заявителем по телефону или e-mail",
  "error.reason.channel_refused": "Канал не примет этот ответ. {refusal}",
  "error.reason.message_refused": "Канал не примет это сообщение. {refusal}",
  "field.text": "текст",
  "field.subject": "тема",
  "field.tags": "метки",
  "field.tag": "метка",
  "field.status": "статус",
  "field.priority": "приоритет",
  "field.operator_id": "оператор",
  "field.queue_id": "очередь",
  "field.appeal_id": "обращение",
  "field.id": "запись",
  "field.member_id": "член профсоюза",
  "field.organization_id": "организация",
  "field.file": "файл",
  "field.attachments": "вложения",
  "field.mentions": "упоминания",
  "field.name": "название",
  "field.login": "логин",
  "field.password": "пароль",
  "field.code": "код",
  "field.card_number": "номер билета",
  "field.address": "контакт",
  "field.email": "e-mail",
  "field.phone": "телефон",
  "field.timezone": "часовой пояс",
  "field.channel": "канал",
  "field.channel_account_id": "учётная запись канала",
  "field.offer_id": "предложение",
  "field.target_id": "обращение",
  "field.custom": "дополнительные поля",
  "field.cron": "расписание",
  "field.conditions": "условия",
  "field.actions": "действия",
  "field.trigger": "срабатывание",
  "field.rating": "оценка",
  "field.comment": "комментарий",
  "field.q": "поиск",
  "field.cursor": "страница списка",
  // fields the plugins' forms share (tasks, documents, meetings, reports, queues)
  "field.title": "название",
  "field.description": "описание",
  "field.deadline": "срок",
  "field.deadline_days": "срок в рабочих днях",
  "field.starts_at": "начало",
  "field.starts_on": "дата начала",
  "field.duration_minutes": "длительность",
  "field.recipients": "получатели",
  "field.holidays": "выходные дни",
};

const en = {
  "error.network": "The server cannot be reached",
  "error.unknown": "That did not work (code {code})",
  "error.code.bad_request": "The server did not accept the request",
  "error.code.not_found": "Not found: it may have been deleted, or you have no access to it",
  "error.code.forbidden": "You are not allowed to do that",
  "error.code.unauthorized": "Please sign in again",
  "error.code.conflict": "That did not work: the data has changed. Refresh and try again",
  "error.code.invalid": "Please check what you entered",
  "error.code.validation_error": "Please check what you entered",
  "error.code.method_not_allowed": "The server does not support that action",
  "error.code.too_large": "Too large: make the file or the text smaller",
  "error.code.rate_limited": "Too many requests. Wait a moment and try again",
  "error.code.too_fast": "Too fast: wait a few seconds and try again",
  "error.code.token_expired": "The page is out of date: reload it and try again",
  "error.code.http_error": "The server answered with error {status}",
  "error.code.internal_error": "Server error. If it happens again, tell your administrator",
  "error.code.unavailable": "The database is unavailable for a moment. Try again in a few seconds",
  "error.code.overloaded": "The server is busy. Try again in a few seconds",
  "error.code.platform_unavailable": "The video platform is unavailable or not set up. Tell your administrator",
  "error.code.protocol_error": "The console and the server misunderstood each other: reload the page",
  "error.code.timeout": "The server did not answer in time. Try again",
  "error.field.not_found": "Not found: {field}",
  "error.field.invalid": "Please check the field “{field}”",
  "error.field.taken": "Already taken: {field}",
  "error.reason.closed": "The appeal is closed: only notes are possible",
  "error.reason.merged": "The appeal was merged into another one: open that one",
  "error.reason.transition": "An appeal cannot move here from “{status}”",
  "error.reason.at_capacity": "You already have as many open appeals as your appeal limit allows",
  "error.reason.offer": "The offer is no longer open",
  "error.reason.assigned_elsewhere": "Another operator has this appeal",
  "error.reason.assign_others": "Only a supervisor assigns appeals to others",
  "error.reason.file": "The file was not accepted: its type or size is not allowed",
  "error.reason.no_delivery": "This channel does not deliver replies: contact the member by phone or e-mail",
  // The channel's own sentence (extra.refusal) is Russian, as channels write them.
  "error.reason.channel_refused": "The channel will not take this reply. {refusal}",
  "error.reason.message_refused": "The channel will not take this message. {refusal}",
  "field.text": "text",
  "field.subject": "subject",
  "field.tags": "tags",
  "field.tag": "tag",
  "field.status": "status",
  "field.priority": "priority",
  "field.operator_id": "operator",
  "field.queue_id": "queue",
  "field.appeal_id": "appeal",
  "field.id": "record",
  "field.member_id": "member",
  "field.organization_id": "organization",
  "field.file": "file",
  "field.attachments": "attachments",
  "field.mentions": "mentions",
  "field.name": "name",
  "field.login": "login",
  "field.password": "password",
  "field.code": "code",
  "field.card_number": "card number",
  "field.address": "contact",
  "field.email": "e-mail",
  "field.phone": "phone",
  "field.timezone": "time zone",
  "field.channel": "channel",
  "field.channel_account_id": "channel account",
  "field.offer_id": "offer",
  "field.target_id": "appeal",
  "field.custom": "custom fields",
  "field.cron": "schedule",
  "field.conditions": "conditions",
  "field.actions": "actions",
  "field.trigger": "trigger",
  "field.rating": "rating",
  "field.comment": "comment",
  "field.q": "search",
  "field.cursor": "list page",
  "field.title": "title",
  "field.description": "description",
  "field.deadline": "deadline",
  "field.deadline_days": "deadline in working days",
  "field.starts_at": "start",
  "field.starts_on": "start date",
  "field.duration_minutes": "length",
  "field.recipients": "recipients",
  "field.holidays": "days off",
};

Object.assign(DICTIONARIES.ru, ru);
Object.assign(DICTIONARIES.en, en);

/** Codes this module has words for (the test compares them with what the server emits). */
export const KNOWN_CODES = Object.keys(ru).filter((k) => k.startsWith("error.code.")).map((k) => k.slice(11));

const has = (key) => key in DICTIONARIES.ru;

/** "contacts[1].address" → "address"; "tags[0]" → "tags"; "trigger.cron" → "cron". */
function fieldName(field) {
  if (!field) return "";
  const parts = String(field).replace(/\[\d+\]/g, "").split(".").filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i -= 1) if (has(`field.${parts[i]}`)) return parts[i];
  return parts[0] || "";
}

function fieldLabel(field) {
  const name = fieldName(field);
  return name && has(`field.${name}`) ? t(`field.${name}`) : "";
}

/** A case with a sentence of its own, told by the error's code, field and extra. */
function reason(error) {
  const extra = error.extra || {};
  const field = fieldName(error.field);
  if (extra.reason && has(`error.reason.${extra.reason}`)) return extra.reason;
  if (error.code === "conflict") {
    if (extra.merged_into_id) return "merged";
    if (Array.isArray(extra.allowed)) return "transition";
    if (field === "status" && extra.status === "closed") return "closed";
    if (field === "offer_id") return "offer";
    if (field === "operator_id" && "assignee_id" in extra) return "assigned_elsewhere";
  }
  if (error.code === "forbidden" && extra.permission === "appeals.assign") {
    return field === "operator_id" ? "assign_others" : "assigned_elsewhere";
  }
  if ((error.code === "invalid" || error.code === "too_large") && field === "file") return "file";
  return null;
}

/** The sentence for ``error`` (an ApiError, a socket command's error, or our own Error). */
export function errorText(error) {
  if (!error) return "";
  const code = error.code;
  if (!code) return error.message || t("error.unknown", { code: "?" }); // the console's own text
  if (code === "network") return t("error.network");
  const why = reason(error);
  if (why) {
    const extra = error.extra || {};
    return t(`error.reason.${why}`, { status: extra.status ? t(`status.${extra.status}`) : "", refusal: extra.refusal || "" });
  }
  const field = fieldLabel(error.field);
  if (field && code === "not_found") return t("error.field.not_found", { field });
  if (field && (code === "invalid" || code === "validation_error")) return t("error.field.invalid", { field });
  if (field && code === "conflict" && /^(code|login|card_number|address|name)$/.test(fieldName(error.field))) return t("error.field.taken", { field });
  if (has(`error.code.${code}`)) return t(`error.code.${code}`, { status: error.status || "" });
  return t("error.unknown", { code });
}
