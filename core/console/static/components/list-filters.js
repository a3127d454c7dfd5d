// The list's filter: status, assignee, priority, channel and tag together, shown as the list
// "custom"; saved under a name (server-side, /api/saved-filters) it becomes a list of its own
// ("saved-<id>") that the operator finds again on any device. A filter's query has the names of
// GET /api/appeals, and the same query decides which live appeals join the list.

import { clearErrors, showError } from "../js/admin-forms.js";
import { h } from "../js/dom.js";
import { channelTitle } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toast, toastError } from "../js/notify.js";
import { ACTIVE, PRIORITIES, STATUSES, store } from "../js/store.js";
import { deleteFilter, saveFilter, savedFilter, savedFilters } from "../js/workspace.js";

let custom = {}; // the query of the "custom" list
let panelOpen = false;

/** The query a list of this module shows (null: not one of ours). */
export function filterQuery(list) {
  if (list === "custom") return custom;
  if (list.startsWith("saved-")) {
    const found = savedFilter(list.slice(6));
    return found ? found.query : null;
  }
  return null;
}

/** Does a live appeal belong in a list with this query? (A text query: the server decides.) */
export function matcher(query) {
  if (query.q) return null;
  return (a) => {
    const me = store.me && store.me.id;
    if (query.status && query.status.length && !query.status.includes(a.status)) return false;
    if (query.assignee === "me" && a.assignee_id !== me) return false;
    if (query.assignee === "none" && a.assignee_id) return false;
    if (query.assignee && !["me", "none"].includes(query.assignee) && a.assignee_id !== query.assignee) return false;
    if (query.priority && a.priority !== query.priority) return false;
    if (query.channel && a.channel !== query.channel) return false;
    if (query.tag && !(a.tags || []).includes(query.tag)) return false;
    if (query.queue_id && a.queue_id !== query.queue_id) return false;
    return true;
  };
}

function option(value, label, selected) {
  return h("option", { value, selected: value === selected }, label);
}

/** The "Фильтр" panel of the list ``list``; ``go(list)`` switches the list, ``reload()``
 * loads the current one again. */
export function filterPanel(list, go, reload) {
  const query = filterQuery(list) || {};
  const status = h(
    "select",
    { name: "f-status", id: "f-status" },
    option("", t("filter.any_active"), ""),
    option("*", t("filter.any_status"), query.status && query.status.length === STATUSES.length ? "*" : ""),
    STATUSES.map((s) => option(s, t(`status.${s}`), query.status && query.status.length === 1 ? query.status[0] : "")),
  );
  const assignee = h(
    "select",
    { name: "f-assignee", id: "f-assignee" },
    option("", t("filter.anyone"), query.assignee || ""),
    option("me", t("filter.me"), query.assignee || ""),
    option("none", t("list.nobody"), query.assignee || ""),
    [...store.operators.values()].filter((o) => o.id !== (store.me && store.me.id)).map((o) => option(o.id, o.name || o.login, query.assignee || "")),
  );
  const priority = h("select", { name: "f-priority", id: "f-priority" }, option("", t("filter.any"), query.priority || ""), PRIORITIES.map((p) => option(p, t(`priority.${p}`), query.priority || "")));
  const channels = [...new Set([...store.channels.keys(), "manual"])];
  const channel = h("select", { name: "f-channel", id: "f-channel" }, option("", t("filter.any"), query.channel || ""), channels.map((c) => option(c, channelTitle(c), query.channel || "")));
  const tag = h("input", { name: "f-tag", id: "f-tag", value: query.tag || "", autocomplete: "off" });
  const read = () => {
    const q = {};
    if (status.value === "*") q.status = [...STATUSES];
    else q.status = status.value ? [status.value] : [...ACTIVE];
    if (assignee.value) q.assignee = assignee.value;
    if (priority.value) q.priority = priority.value;
    if (channel.value) q.channel = channel.value;
    if (tag.value.trim()) q.tag = tag.value.trim();
    return q;
  };
  const show = (event) => {
    event.preventDefault();
    custom = read();
    if (list === "custom") reload();
    else go("custom");
  };
  const name = h("input", { name: "f-name", id: "f-name", value: list.startsWith("saved-") ? (savedFilter(list.slice(6)) || {}).name || "" : "", maxlength: 100, autocomplete: "off" });
  const save = async () => {
    if (!name.value.trim()) return name.focus();
    clearErrors(form);
    try {
      const saved = await saveFilter(name.value.trim(), read());
      toast(t("filter.saved", { name: saved.name }));
      go(`saved-${saved.id}`);
    } catch (error) {
      showError(form, error, refusalText(error));
    }
  };
  const remove = list.startsWith("saved-")
    ? h("button", { type: "button", class: "filter-delete", onclick: () => deleteFilter(list.slice(6)).then(() => go("mine"), toastError) }, t("filter.delete"))
    : null;
  // ``path``: the saved filter's field (POST /api/saved-filters), where its refusal is said
  const field = (id, label, control, path) =>
    h("div", { class: "filter-field", dataset: { field: path } }, h("label", { for: id }, label), control, h("span", { class: "field-error", role: "alert" }));
  const form = h(
    "form",
    { class: "filter-form", onsubmit: show },
    field("f-status", t("appeal.status"), status, "query.status"),
    field("f-assignee", t("appeal.assignee"), assignee, "query.assignee"),
    field("f-priority", t("appeal.priority"), priority, "query.priority"),
    field("f-channel", t("filter.channel"), channel, "query.channel"),
    field("f-tag", t("filter.tag"), tag, "query.tag"),
    h("div", { class: "filter-actions" }, h("button", { type: "submit", class: "primary filter-show" }, t("filter.show"))),
    field("f-name", t("filter.name"), name, "name"),
    h("div", { class: "filter-actions" }, h("button", { type: "button", class: "filter-save", onclick: save }, t("filter.save")), remove),
  );
  const panel = h("details", { class: "filter-panel", open: panelOpen || list === "custom" }, h("summary", {}, t("filter.title")), form);
  panel.addEventListener("toggle", () => (panelOpen = panel.open));
  return panel;
}

/** The server's refusal to keep one more filter (a conflict at ``name``: the number of them,
 * not a name taken — the same name saves over that filter). */
function refusalText(error) {
  if (error.field === "name" && error.code === "conflict") return t("filter.too_many");
  return undefined;
}

/** The saved filters as a select (empty when there are none). */
export function savedSelect(list, go) {
  if (!savedFilters.length) return null;
  return h(
    "select",
    { class: "saved-filters", name: "saved", "aria-label": t("filter.saved_list"), onchange: (e) => e.target.value && go(e.target.value) },
    h("option", { value: "" }, t("filter.saved_list")),
    savedFilters.map((f) => h("option", { value: `saved-${f.id}`, selected: list === `saved-${f.id}` }, f.name)),
  );
}

export function forgetFilters() {
  custom = {};
  panelOpen = false;
}
