// Canned responses, typed with "/" in the reply box: the server's list (GET
// /api/canned-replies/: the operator's own first, then the shared ones of their organizations),
// then a small built-in set per language. The list is fetched when a reply box first needs it
// and again when it is older than a minute; each arrival is announced on ``window`` as
// "ul-canned", so a list already open is redrawn with it. Variables in {{...}} are filled when
// inserted — English paths (member.name, member.first_name, member.card, appeal.number,
// appeal.subject, operator.name) or their Russian names ({{имя}}, {{имя_отчество}}, {{номер}},
// {{тема}}, {{оператор}}, …).

import { get } from "./api.js";
import { lang } from "./i18n.js";

const BUILT_IN = {
  ru: [
    { key: "привет", title: "Приветствие", text: "Здравствуйте, {{member.first_name}}! Меня зовут {{operator.name}}, я занимаюсь вашим обращением {{appeal.number}}." },
    { key: "уточнить", title: "Уточнить детали", text: "Уточните, пожалуйста, название вашей организации и должность — так мы быстрее поможем." },
    { key: "документы", title: "Запросить документы", text: "Пришлите, пожалуйста, копию трудового договора и приказа (можно фото) в ответ на это сообщение." },
    { key: "юрист", title: "Передано юристу", text: "Ваш вопрос передан юристу профсоюза. Ответим в течение двух рабочих дней по обращению {{appeal.number}}." },
    { key: "спасибо", title: "Завершение", text: "Спасибо за обращение, {{member.first_name}}! Если появятся вопросы — просто напишите сюда." },
  ],
  en: [
    { key: "hello", title: "Greeting", text: "Hello {{member.first_name}}! I am {{operator.name}} and I am handling your appeal {{appeal.number}}." },
    { key: "details", title: "Ask for details", text: "Could you tell us the name of your workplace and your position? It helps us answer faster." },
    { key: "documents", title: "Ask for documents", text: "Please send a copy of your employment contract and the order (a photo is fine) in reply to this message." },
    { key: "lawyer", title: "Passed to a lawyer", text: "Your question went to the union's lawyer. We will answer within two working days under appeal {{appeal.number}}." },
    { key: "thanks", title: "Closing", text: "Thank you, {{member.first_name}}! If anything else comes up, just write here." },
  ],
};

/** Variables a reply may use: Russian name, what it means (an i18n key), its path. */
export const VARIABLES = [
  { name: "имя", label: "canned.var.name", path: "member.name" },
  { name: "имя_отчество", label: "canned.var.first_name", path: "member.first_name" },
  { name: "номер", label: "canned.var.number", path: "appeal.number" },
  { name: "тема", label: "canned.var.subject", path: "appeal.subject" },
  { name: "билет", label: "canned.var.card", path: "member.card" },
  { name: "оператор", label: "canned.var.operator", path: "operator.name" },
];
const ALIASES = Object.fromEntries(VARIABLES.map((v) => [v.name, v.path]));
const FRESH_MS = 60_000;

let server = [];
let fetchedAt = 0;
let loading = null;

/** Fetch the server's list (own and shared replies); the reply box keeps the last one. */
export function loadCanned() {
  if (!loading) {
    loading = get("/api/canned-replies/")
      .then((list) => {
        server = Array.isArray(list) ? list : [];
        fetchedAt = Date.now();
        window.dispatchEvent(new CustomEvent("ul-canned"));
      })
      .catch(() => {})
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

/** Fetch the list when it is missing or older than a minute (answers at once; "ul-canned"
 * says when it arrived). */
export function refreshCanned() {
  if (Date.now() - fetchedAt > FRESH_MS) loadCanned();
}

export function templates() {
  refreshCanned();
  const keys = new Set(server.map((x) => x.key));
  return [...server, ...(BUILT_IN[lang()] || BUILT_IN.ru).filter((x) => !keys.has(x.key))];
}

/** Templates whose key or title contains ``query`` (keys starting with it first). */
export function matching(query) {
  const q = query.toLowerCase();
  const all = templates();
  const starts = all.filter((x) => x.key.toLowerCase().startsWith(q));
  const contains = all.filter((x) => !starts.includes(x) && `${x.key} ${x.title || ""}`.toLowerCase().includes(q));
  return [...starts, ...contains];
}

/** Fill {{variables}} (English paths or Russian names) from ``context``; unknown ones become
 * empty. */
export function fill(text, context) {
  return text.replace(/\{\{\s*([\p{L}\p{N}_.]+)\s*\}\}/gu, (_, name) => {
    let value = context;
    for (const part of (ALIASES[name.toLowerCase()] || name).split(".")) value = value == null ? undefined : value[part];
    return value == null ? "" : String(value);
  });
}

/** An example context for previews (the admin page). */
export function sampleContext() {
  return {
    member: { name: "Соколова Мария Ивановна", first_name: "Мария", card: "77-1024" },
    appeal: { number: "ZAVOD-2026-15", subject: "Материальная помощь" },
    operator: { name: "Анна Орлова" },
  };
}

