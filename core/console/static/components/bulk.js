// Bulk actions on the appeals selected in a list: assign, set status, add a tag. One request
// (POST /api/appeals/bulk) carries the ids and the action; the server checks and changes each
// appeal as its single action would and answers per appeal, so the operator is told how many
// went through and, for the ones that did not, which and why.

import { post } from "../js/api.js";
import { h } from "../js/dom.js";
import { errorText, toast } from "../js/notify.js";
import { t } from "../js/i18n.js";
import { STATUSES, can, store, upsertAppeal } from "../js/store.js";

/** The bar over the list while ``selected`` (a Set of appeal ids) is not empty; ``done()`` runs
 * after an action (the list clears the selection and redraws). */
export function bulkBar(selected, done) {
  const ids = [...selected];
  const me = store.me && store.me.id;
  const assign = h(
    "select",
    { name: "bulk-assign", "aria-label": t("bulk.assign") },
    h("option", { value: "" }, t("bulk.assign")),
    h("option", { value: me }, t("filter.me")),
    can("appeals.assign") ? [...store.operators.values()].filter((o) => o.id !== me && o.is_active !== false).map((o) => h("option", { value: o.id }, o.name || o.login)) : null,
  );
  assign.addEventListener("change", () => assign.value && run(ids, { kind: "assign", operator_id: assign.value }, done));
  const status = h(
    "select",
    { name: "bulk-status", "aria-label": t("bulk.status") },
    h("option", { value: "" }, t("bulk.status")),
    STATUSES.map((s) => h("option", { value: s }, t(`status.${s}`))),
  );
  status.addEventListener("change", () => status.value && run(ids, { kind: "status", status: status.value }, done));
  const tag = h("input", { name: "bulk-tag", placeholder: t("appeal.tag_add"), "aria-label": t("appeal.tag_add"), autocomplete: "off" });
  const addTag = () => {
    const value = tag.value.trim();
    if (!value) return tag.focus();
    run(ids, { kind: "tags", add: [value] }, done);
  };
  tag.addEventListener("keydown", (e) => e.key === "Enter" && (e.preventDefault(), addTag()));
  return h(
    "div",
    { class: "bulk-bar", role: "region", "aria-label": t("bulk.title") },
    h("strong", { class: "bulk-count" }, t("bulk.selected", { n: ids.length })),
    can("appeals.manage") ? [assign, status, h("span", { class: "bulk-tag" }, tag, h("button", { type: "button", class: "bulk-tag-add", onclick: addTag }, t("bulk.tag_add")))] : null,
    h("button", { type: "button", class: "bulk-clear", onclick: () => done(true) }, t("bulk.clear")),
  );
}

/** Send ``action`` for the appeals ``ids`` in one request; show what changed and say how it
 * went, naming each refused appeal and the reason in the operator's words. */
async function run(ids, action, done) {
  let result;
  try {
    result = await post("/api/appeals/bulk", { ids, action });
  } catch (error) {
    toast(errorText(error), "error");
    return done(false);
  }
  const failed = [];
  for (const item of result.items) {
    if (item.outcome === "done") upsertAppeal(item.appeal);
    else failed.push(`${(store.appeals.get(item.id) || {}).number || item.id}: ${errorText(item.error)}`);
  }
  if (failed.length) toast(t("bulk.partly", { ok: result.done, total: result.items.length, failed: failed.join("; ") }), "error");
  else toast(t("bulk.done", { ok: result.done }));
  done(!failed.length);
}
