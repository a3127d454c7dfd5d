// The appeal's controls: assignee (claim, release, take over), status, priority, tags and
// transfer to another operator (or to a queue, when routing offers queues).

import { perform } from "../js/actions.js";
import { clearErrors, showError } from "../js/admin-forms.js";
import { h } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { PRIORITIES, STATUSES, TRANSITIONS, can, operatorName, store } from "../js/store.js";

function run(name, args) {
  return perform(name, args).catch(toastError);
}

export function controls(appeal, queues = []) {
  const id = appeal.id;
  const closed = appeal.status === "closed";
  return h(
    "div",
    { class: "controls" },
    assignee(appeal, closed),
    field(t("appeal.status"), statusSelect(appeal)),
    field(
      t("appeal.priority"),
      h(
        "select",
        { name: "priority", disabled: closed, onchange: (e) => run("set_priority", { appeal_id: id, priority: e.target.value }) },
        PRIORITIES.map((p) => h("option", { value: p, selected: p === appeal.priority }, t(`priority.${p}`))),
      ),
    ),
    field(t("appeal.tags"), tags(appeal, closed), "tags"),
    closed ? null : transfer(appeal, queues),
  );
}

/** ``name``: the API field a refusal of this control names (its slot, forms.showError). */
function field(label, control, name = null) {
  if (!name) return h("label", { class: "control" }, h("span", { class: "control-label" }, label), control);
  return h("label", { class: "control", dataset: { field: name } }, h("span", { class: "control-label" }, label), control, h("span", { class: "field-error", role: "alert" }));
}

function assignee(appeal, closed) {
  const me = store.me.id;
  const id = appeal.id;
  let button = null;
  if (!closed && !appeal.assignee_id) {
    button = h("button", { type: "button", class: "primary claim", onclick: () => run("claim", { appeal_id: id }) }, t("appeal.claim"));
  } else if (!closed && appeal.assignee_id === me) {
    button = h("button", { type: "button", class: "release", onclick: () => run("release", { appeal_id: id }) }, t("appeal.release"));
  } else if (!closed && can("appeals.assign")) {
    button = h("button", { type: "button", class: "take-over", onclick: () => run("transfer", { appeal_id: id, operator_id: me }) }, t("appeal.take_over"));
  }
  return h(
    "div",
    { class: "control assignee" },
    h("span", { class: "control-label" }, t("appeal.assignee")),
    h("span", { class: "assignee-name", dataset: { assignee: appeal.assignee_id || "" } }, appeal.assignee_id ? operatorName(appeal.assignee_id) : t("list.nobody")),
    button,
  );
}

function statusSelect(appeal) {
  const allowed = TRANSITIONS[appeal.status] || [];
  return h(
    "select",
    { name: "status", disabled: !allowed.length, onchange: (e) => run("set_status", { appeal_id: appeal.id, status: e.target.value }) },
    STATUSES.map((s) => h("option", { value: s, selected: s === appeal.status, disabled: s !== appeal.status && !allowed.includes(s) }, t(`status.${s}`))),
  );
}

function tags(appeal, closed) {
  const id = appeal.id;
  const current = appeal.tags || [];
  const input = h("input", {
    class: "tag-input",
    name: "tag",
    placeholder: t("appeal.tag_add"),
    "aria-label": t("appeal.tag_add"),
    disabled: closed,
    onkeydown: (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const tag = input.value.trim();
      const now = latestTags(appeal);
      if (tag && !now.includes(tag)) setTags(id, [...now, tag], input);
      input.value = "";
    },
  });
  return h(
    "span",
    { class: "tags" },
    current.map((tag) =>
      h(
        "span",
        { class: "tag" },
        tag,
        closed ? null : h("button", { type: "button", class: "tag-remove", "aria-label": t("appeal.tag_remove", { tag }), onclick: () => setTags(id, latestTags(appeal).filter((x) => x !== tag)) }, "×"),
      ),
    ),
    input,
  );
}

// Tag edits in flight: a second edit builds on the first even before its event is back.
const pendingTags = new Map();

function latestTags(appeal) {
  return pendingTags.get(appeal.id) || (store.appeals.get(appeal.id) || appeal).tags || [];
}

/** ``input``: the tag typed (a refusal — a tag over 100 characters — is said under the tags
 * with the tag given back to the input); without it (× on a tag) a refusal is a toast. */
function setTags(id, tags, input = null) {
  pendingTags.set(id, tags);
  const typed = input ? input.value : "";
  const where = input && input.closest(".controls");
  if (where) clearErrors(where);
  perform("set_tags", { appeal_id: id, tags })
    .catch((error) => {
      if (!where || !where.isConnected) return toastError(error);
      if (!input.value) input.value = typed;
      showError(where, error);
    })
    .finally(() => {
      if (pendingTags.get(id) === tags) pendingTags.delete(id);
    });
}

function transfer(appeal, queues) {
  const me = store.me.id;
  // Operators hand on their own appeals; supervisors (appeals.assign) any appeal.
  const mayTransfer = appeal.assignee_id === me || can("appeals.assign");
  if (!mayTransfer) return null;
  const others = [...store.operators.values()].filter((o) => o.id !== appeal.assignee_id && o.is_active !== false);
  if (!others.length && !queues.length) return null;
  const select = h(
    "select",
    { name: "transfer", "aria-label": t("appeal.transfer") },
    h("option", { value: "" }, t("appeal.choose")),
    others.length ? h("optgroup", { label: t("appeal.transfer_to") }, others.map((o) => h("option", { value: `operator:${o.id}` }, o.name || o.login))) : null,
    queues.length ? h("optgroup", { label: t("appeal.transfer_queue") }, queues.map((q) => h("option", { value: `queue:${q.id}` }, q.name || q.id))) : null,
  );
  const go = () => {
    const [kind, target] = select.value.split(":");
    if (!target) return;
    const args = kind === "queue" ? { appeal_id: appeal.id, queue_id: target } : { appeal_id: appeal.id, operator_id: target };
    run("transfer", args);
  };
  return h("div", { class: "control transfer" }, h("span", { class: "control-label" }, t("appeal.transfer")), select, h("button", { type: "button", onclick: go }, t("appeal.transfer")));
}
