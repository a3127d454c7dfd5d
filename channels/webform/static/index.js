// The site form in the operator console: what the member typed into the form's own fields —
// name, phone, e-mail, organization and the consent — shown under their message
// (channels/webform/submission.py keeps them in the entry's data.form; the topic is the
// message's subject already). The phone and e-mail are shown as typed even when they belong to
// another member, so the operator can call or write and decide on a merge. Text only (dom.h).

const STRINGS = {
  ru: {
    "webform.fields": "Из формы на сайте",
    "webform.name": "Имя",
    "webform.phone": "Телефон",
    "webform.email": "E-mail",
    "webform.organization": "Организация",
    "webform.consent": "Согласие на обработку данных",
    "webform.consent_given": "дано {time}",
    "webform.consent_refused": "не дано",
  },
  en: {
    "webform.fields": "From the site form",
    "webform.name": "Name",
    "webform.phone": "Phone",
    "webform.email": "E-mail",
    "webform.organization": "Organization",
    "webform.consent": "Consent to data processing",
    "webform.consent_given": "given {time}",
    "webform.consent_refused": "not given",
  },
};

let ui = null;

export function setup(consoleApi) {
  ui = consoleApi;
  consoleApi.strings(STRINGS);
  consoleApi.timeline.addPart(formFields);
}

function text(value) {
  return typeof value === "string" ? value.trim() : "";
}

function consent(value) {
  const { t } = ui;
  if (!value || typeof value !== "object") return "";
  if (value.given !== true) return t("webform.consent_refused");
  const at = Number(value.at);
  const time = Number.isFinite(at) && at > 0 ? ui.format.fullTime(new Date(at * 1000).toISOString()) : "";
  return t("webform.consent_given", { time }).trim();
}

/** The form's fields of a site-form message, or null for any other entry. */
export function formFields(entry) {
  const form = entry && entry.channel === "webform" && entry.data && entry.data.form;
  if (!form || typeof form !== "object") return null;
  const { h, t } = ui;
  const rows = [];
  const row = (field, value) => {
    if (value) rows.push(h("dt", {}, t(`webform.${field}`)), h("dd", { dataset: { field } }, value));
  };
  const phone = text(form.phone);
  const email = text(form.email);
  row("name", text(form.name));
  row("phone", phone ? h("a", { href: `tel:${phone}` }, phone) : "");
  row("email", email ? h("a", { href: `mailto:${email}` }, email) : "");
  row("organization", form.organization && typeof form.organization === "object" ? text(form.organization.name) : "");
  row("consent", consent(form.consent));
  if (!rows.length) return null;
  return h("div", { class: "webform-fields" }, h("p", { class: "webform-fields-title" }, t("webform.fields")), h("dl", {}, rows));
}
