// What the docflow plugin's elements share: the consoleApi (set once by setup), names, dates,
// chips, the multipart upload (the console's own helper posts only reply attachments).

import { STRINGS } from "./strings.js";

export const ui = { api: null };

export function use(consoleApi) {
  if (ui.api) return;
  ui.api = consoleApi;
  consoleApi.strings(STRINGS);
  if (!document.querySelector("link[data-docflow-css]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./docflow.css", import.meta.url).href, dataset: { docflowCss: "1" } }));
  }
}

export const t = (key, vars) => ui.api.t(key, vars);
export const h = (...args) => ui.api.h(...args);
export const docHref = (id) => `#/work/docflow/${id}`;

export function personName(id) {
  if (!id) return t("docflow.robot");
  const me = ui.api.store.me;
  if (me && me.id === id) return me.name || me.login;
  const operator = ui.api.store.operators.get(id);
  return operator ? operator.name || operator.login : String(id).slice(0, 8);
}

export function people() {
  const list = [...ui.api.store.operators.values()];
  const me = ui.api.store.me;
  if (me && !list.some((o) => o.id === me.id)) list.unshift(me);
  return list;
}

export const when = (value) => (value ? ui.api.format.fullTime(value) : t("docflow.none"));
export const day = (value) => (value ? new Date(`${value}T00:00:00`).toLocaleDateString(ui.api.lang() === "ru" ? "ru-RU" : "en-GB") : t("docflow.none"));

export function statusChip(status) {
  return h("span", { class: `chip doc-status s-${status}` }, t(`docflow.st.${status}`));
}

export function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

/** POST a multipart form (files); rejects like the console's api with {message, field, extra}. */
export async function postForm(url, form) {
  const headers = { Accept: "application/json" };
  const token = cookie("csrftoken");
  if (token) headers["x-csrftoken"] = token;
  const response = await fetch(url, { method: "POST", body: form, headers, credentials: "same-origin" });
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error((data && data.error && data.error.message) || `HTTP ${response.status}`);
    // the code too: errorText says an error without one in its own (the server's) message
    Object.assign(error, { status: response.status, code: (data && data.error && data.error.code) || "http_error", field: data && data.error && data.error.field, extra: (data && data.error && data.error.extra) || {} });
    throw error;
  }
  return data;
}

export async function organizations() {
  return ui.api.api.get("/api/organizations/").catch(() => []);
}
