// What the meetings elements share: the consoleApi (set once by setup), words, times.

export const ui = { api: null };

export function use(consoleApi) {
  ui.api = consoleApi;
}

export const t = (key, vars) => ui.api.t(key, vars);
export const h = (...args) => ui.api.h(...args);

export function when(value) {
  return value ? ui.api.format.fullTime(value) : "";
}

export function statusChip(status) {
  return h("span", { class: `chip meeting-status s-${status}` }, t(`meetings.status.${status}`));
}

export function personName(id) {
  if (!id) return "—";
  const me = ui.api.store.me;
  if (me && me.id === id) return t("meetings.me");
  const operator = ui.api.store.operators.get(id);
  return operator ? operator.name || operator.login : String(id).slice(0, 8);
}
