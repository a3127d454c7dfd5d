// Writing to a member first: a dialog to pick where the message goes (the member's addresses on
// channel accounts that carry text, GET /api/members/{id}/reach), a subject and the message;
// POST /api/appeals/outbound opens the appeal, assigned to us, and the console goes there. On an
// SMS account the text is counted as the reply composer counts it (js/sms.js), at the account's
// part limit (the choice's sms_segments); over it the send button waits — the server refuses.
// A refusal that names a field is said under that field (forms.showError), not in a toast the
// modal dialog would cover.

import { clearErrors, showError } from "../js/admin-forms.js";
import { get, post } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { channelTitle } from "../js/format.js";
import { t } from "../js/i18n.js";
import { toast, toastError } from "../js/notify.js";
import { smsCounter } from "../js/sms.js";
import { upsertAppeal } from "../js/store.js";

/** Open the dialog for ``memberId`` (``subject``: a suggested subject). */
export async function newConversation(memberId, subject = "") {
  const dialog = h("dialog", { class: "new-conversation", "aria-labelledby": "new-conversation-title" });
  document.body.append(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  replace(dialog, h("p", { class: "muted" }, t("list.loading")));
  dialog.showModal();
  let options;
  try {
    options = await get(`/api/members/${memberId}/reach`);
  } catch (error) {
    dialog.close();
    return toastError(error);
  }
  replace(dialog, form(dialog, memberId, options, subject));
  const first = dialog.querySelector("select, textarea");
  if (first) first.focus();
}

function optionLabel(o) {
  return `${channelTitle(o.channel)} · ${o.account_name} → ${o.address}`;
}

function form(dialog, memberId, options, subject) {
  const title = h("h2", { id: "new-conversation-title" }, t("outbound.title"));
  const close = h("button", { type: "button", class: "cancel", onclick: () => dialog.close() }, t("outbound.cancel"));
  if (!options.length) {
    return h("div", { class: "outbound-form" }, title, h("p", { class: "outbound-none" }, t("outbound.none")), h("div", { class: "outbound-actions" }, close));
  }
  const via = h(
    "select",
    { name: "via", id: "outbound-via" },
    options.map((o, i) => h("option", { value: String(i) }, optionLabel(o))),
  );
  const topic = h("input", { name: "subject", id: "outbound-subject", value: subject, maxlength: 500 });
  const text = h("textarea", { name: "text", id: "outbound-text", rows: 5, required: true });
  const send = h("button", { type: "submit", class: "primary send" }, t("outbound.send"));
  const counter = h("span", { class: "counter", id: "outbound-counter", "aria-live": "polite" });
  const warning = h("span", { class: "over-limit", role: "alert" });
  const recount = () => {
    const max = options[Number(via.value)].sms_segments;
    const sms = max ? smsCounter(text.value, max, "message") : null;
    counter.hidden = !sms;
    counter.textContent = sms ? sms.label : "";
    counter.classList.toggle("over", Boolean(sms && sms.over));
    warning.textContent = sms ? sms.warning : "";
    send.disabled = Boolean(sms && sms.over);
  };
  via.addEventListener("change", recount);
  text.addEventListener("input", recount);
  text.setAttribute("aria-describedby", "outbound-counter");
  recount();
  const submit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) return text.focus();
    const chosen = options[Number(via.value)];
    if (chosen.sms_segments && smsCounter(text.value, chosen.sms_segments).over) return text.focus();
    send.disabled = true;
    clearErrors(formEl);
    try {
      const appeal = await post("/api/appeals/outbound", { member_id: memberId, channel_account_id: chosen.account_id, subject: topic.value.trim(), text: text.value });
      upsertAppeal(appeal);
      dialog.close();
      toast(t("outbound.started", { number: appeal.number }));
      location.hash = `#/mine/${appeal.id}`;
    } catch (error) {
      recount();
      showError(formEl, error, refusalText(error));
    }
  };
  // Each control under the API's field path, with a slot for its refusal.
  const field = (name, id, label, control) =>
    h("div", { class: "outbound-field", dataset: { field: name } }, h("label", { for: id }, label), control, h("span", { class: "field-error", role: "alert" }));
  const formEl = h(
    "form",
    { class: "outbound-form", onsubmit: submit },
    title,
    field("channel_account_id", "outbound-via", t("outbound.via"), via),
    field("subject", "outbound-subject", t("outbound.subject"), topic),
    field("text", "outbound-text", t("outbound.text"), text),
    h("div", { class: "outbound-count" }, counter, warning),
    h("div", { class: "outbound-actions form-buttons" }, close, send),
  );
  return formEl;
}

/** The dialog's own words for a refusal it knows: the account can no longer reach the member
 * (switched off, or the address gone, since the dialog opened). */
function refusalText(error) {
  if (error.field === "channel_account_id" && error.code === "invalid") return t("outbound.refused_via");
  return undefined;
}
