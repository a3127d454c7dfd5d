// Canned responses, typed with "/" in the reply box. A small built-in set per language; an
// operator's own ones live in this browser's localStorage under "ul.canned" as a JSON list of
// {"key": "...", "title": "...", "text": "..."} and come first. Variables in {{...}}:
// member.name, member.first_name, member.card, appeal.number, appeal.subject, operator.name.

import { lang } from "./i18n.js";

const STORAGE_KEY = "ul.canned";

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

export function ownTemplates() {
  try {
    const list = JSON.parse(localStorage.getItem(STORAGE_KEY) || "[]");
    return Array.isArray(list) ? list.filter((x) => x && typeof x.key === "string" && typeof x.text === "string") : [];
  } catch {
    return [];
  }
}

export function templates() {
  return [...ownTemplates(), ...(BUILT_IN[lang()] || BUILT_IN.ru)];
}

/** Templates whose key or title contains ``query`` (keys starting with it first). */
export function matching(query) {
  const q = query.toLowerCase();
  const all = templates();
  const starts = all.filter((x) => x.key.toLowerCase().startsWith(q));
  const contains = all.filter((x) => !starts.includes(x) && `${x.key} ${x.title || ""}`.toLowerCase().includes(q));
  return [...starts, ...contains];
}

/** Fill {{variables}} from ``context``; unknown ones become empty. */
export function fill(text, context) {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path) => {
    let value = context;
    for (const part of path.split(".")) value = value == null ? undefined : value[part];
    return value == null ? "" : String(value);
  });
}
