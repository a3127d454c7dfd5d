// What the tasks plugin's elements share: the consoleApi (set once by setup), the status and
// priority words from the server, names, dates, chips, and Markdown rendered from the server's
// sanitized HTML by rebuilding allowed elements with h() — never innerHTML.

export const ui = { api: null };
let vocabulary = null;

export function use(consoleApi) {
  ui.api = consoleApi;
}

export async function loadVocabulary() {
  if (!vocabulary) vocabulary = await ui.api.api.get("/api/tasks/vocabulary");
  return vocabulary;
}

function label(list, id) {
  const found = (list || []).find((x) => x.id === id);
  return found ? found[ui.api.lang()] || found.ru : id;
}

export const statusLabel = (id) => label(vocabulary && vocabulary.statuses, id);
export const priorityLabel = (id) => label(vocabulary && vocabulary.priorities, id);
export const t = (key, vars) => ui.api.t(key, vars);
export const h = (...args) => ui.api.h(...args);

export function personName(id) {
  if (!id) return "—";
  const me = ui.api.store.me;
  if (me && me.id === id) return t("tasks.me");
  const operator = ui.api.store.operators.get(id);
  return operator ? operator.name || operator.login : String(id).slice(0, 8);
}

export function when(value) {
  return value ? ui.api.format.fullTime(value) : t("tasks.no_deadline");
}

export function statusChip(status) {
  return h("span", { class: `chip task-status s-${status}` }, statusLabel(status));
}

export function taskHref(id) {
  return `#/work/tasks/${id}`;
}

export function cardMeta(card) {
  return h(
    "span",
    { class: "task-meta" },
    h("span", { class: card.overdue ? "deadline overdue" : "deadline" }, card.overdue ? `${when(card.deadline)} — ${t("tasks.overdue")}` : when(card.deadline)),
    h("span", {}, personName(card.responsible_id)),
    card.checklist_total ? h("span", {}, t("tasks.checklist_progress", { done: card.checklist_done, total: card.checklist_total })) : null,
  );
}

const ALLOWED = new Set(["P", "BR", "STRONG", "EM", "CODE", "PRE", "UL", "OL", "LI", "BLOCKQUOTE", "A", "H1", "H2", "H3", "H4", "TABLE", "THEAD", "TBODY", "TR", "TH", "TD", "HR", "DEL"]);

/** The server's sanitized HTML (nh3) as DOM built with h(): allowed elements and text only. */
export function richText(html) {
  const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
  const copy = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    const children = [...node.childNodes].map(copy);
    if (!ALLOWED.has(node.tagName)) return children;
    const tag = node.tagName.toLowerCase();
    if (tag === "a") {
      const href = node.getAttribute("href") || "";
      const safe = /^(https?:|mailto:)/i.test(href) ? href : null;
      return h("a", { href: safe, rel: "noopener noreferrer nofollow", target: "_blank" }, children);
    }
    if (tag === "h1" || tag === "h2") return h("h4", {}, children); // inside a page of h2/h3
    return h(tag, {}, children);
  };
  return h("div", { class: "task-text" }, [...doc.body.childNodes].map(copy));
}

/** Status buttons a person may press on a task in ``status`` (the server decides). */
export function statusActions(task) {
  const s = task.status;
  const out = [];
  if (s === "new" || s === "deferred") out.push(["in_progress", "tasks.do.in_progress"]);
  if (s === "new" || s === "in_progress") out.push(["done", "tasks.do.done"], ["deferred", "tasks.do.deferred"]);
  if (s === "new" || s === "in_progress" || s === "deferred") out.push(["declined", "tasks.do.declined"]);
  if (s === "waiting_control") out.push(["done", "tasks.do.accept"], ["in_progress", "tasks.do.return"]);
  if (s === "done") out.push(["in_progress", "tasks.do.reopen"]);
  if (s === "declined") out.push(["new", "tasks.do.new"]);
  return out;
}
