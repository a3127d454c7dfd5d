// «Настройки» (#/admin/settings[/<form id>]): the plugins' settings forms, each generated from
// its Struct's JSON schema (/api/settings/forms). Secrets are write-only; a field that takes
// effect after a restart says so, and so does the form once such a field was saved.

import { get, request } from "/console/static/js/api.js";
import { h, replace } from "/console/static/js/dom.js";
import { clearErrors, errorText, readSchemaInputs, schemaInputs, showError } from "/console/static/js/admin-forms.js";
import { fullTime } from "/console/static/js/format.js";
import { DICTIONARIES, lang, t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";

Object.assign(DICTIONARIES.ru, {
  "admin.settings.title": "Настройки",
  "admin.settings.intro": "Настройки подключённых модулей. Изменения проверяются и сохраняются на сервере.",
  "admin.settings.none": "Ни один модуль не объявил настроек.",
  "admin.settings.edit": "Изменить",
  "admin.settings.back": "← Все настройки",
  "admin.settings.save": "Сохранить",
  "admin.settings.saved": "Настройки сохранены",
  "admin.settings.unchanged": "Ничего не изменилось",
  "admin.settings.defaults": "По умолчанию",
  "admin.settings.stored": "Сохранено {time}",
  "admin.settings.module": "Модуль: {plugin}",
  "admin.settings.restart": "Часть изменений вступит в силу после перезапуска сервера.",
  "admin.settings.missing": "Таких настроек нет: «{id}».",
});
Object.assign(DICTIONARIES.en, {
  "admin.settings.title": "Settings",
  "admin.settings.intro": "Settings of the enabled modules. Changes are checked and stored on the server.",
  "admin.settings.none": "No module declared settings.",
  "admin.settings.edit": "Edit",
  "admin.settings.back": "← All settings",
  "admin.settings.save": "Save",
  "admin.settings.saved": "Settings saved",
  "admin.settings.unchanged": "Nothing changed",
  "admin.settings.defaults": "Defaults",
  "admin.settings.stored": "Saved {time}",
  "admin.settings.module": "Module: {plugin}",
  "admin.settings.restart": "Some changes take effect after a server restart.",
  "admin.settings.missing": "There are no such settings: “{id}”.",
});

const local = (x) => (x && (x[lang()] || x.ru)) || "";

class UlAdminSettings extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page");
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  attributeChangedCallback() {
    if (this.forms) this.render();
  }

  async load() {
    try {
      this.forms = await get("/api/settings/forms");
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.render();
  }

  render() {
    if (this.error) return replace(this, h("p", { class: "page-missing", role: "alert" }, errorText(this.error)));
    if (!this.forms) return replace(this, h("p", { class: "muted" }, t("admin.loading")));
    const id = decodeURIComponent(this.getAttribute("path") || "");
    if (!id) return this.renderList();
    const form = this.forms.find((f) => f.id === id);
    if (!form) return replace(this, h("p", { class: "page-missing", role: "alert" }, t("admin.settings.missing", { id })), h("a", { href: "#/admin/settings" }, t("admin.settings.back")));
    this.renderForm(form);
  }

  renderList() {
    replace(
      this,
      h("div", { class: "admin-head" }, h("h2", {}, t("admin.settings.title"))),
      h("p", { class: "admin-intro" }, t("admin.settings.intro")),
      this.forms.length
        ? h(
            "ul",
            { class: "admin-cards settings-forms" },
            this.forms.map((f) =>
              h(
                "li",
                { class: "admin-card", dataset: { form: f.id } },
                h("div", { class: "card-title" }, local(f.title), f.restart_pending ? h("span", { class: "chip warn" }, t("admin.settings.restart")) : null),
                local(f.help) ? h("div", { class: "muted" }, local(f.help)) : null,
                h("div", { class: "card-meta" }, h("span", {}, t("admin.settings.module", { plugin: f.plugin })), h("span", {}, f.saved ? t("admin.settings.stored", { time: fullTime(f.updated_at) }) : t("admin.settings.defaults"))),
                // named after its form: a screen reader's list of links says which «Изменить»
                h("div", { class: "card-buttons" }, h("a", { class: "button", href: `#/admin/settings/${encodeURIComponent(f.id)}`, "aria-label": `${t("admin.settings.edit")}: ${local(f.title)}` }, t("admin.settings.edit"))),
              ),
            ),
          )
        : h("p", { class: "muted" }, t("admin.settings.none")),
    );
  }

  renderForm(form) {
    const body = h("div", { class: "settings-fields" }, schemaInputs(form.fields, form.values, form.secrets_set));
    const formEl = h(
      "form",
      { class: "admin-form settings-form", novalidate: true, dataset: { form: form.id }, onsubmit: (e) => this.save(e, form, formEl) },
      local(form.help) ? h("p", { class: "muted" }, local(form.help)) : null,
      form.restart_pending ? h("p", { class: "notice warn restart-pending", role: "status" }, t("admin.settings.restart")) : null,
      body,
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary save" }, t("admin.settings.save"))),
    );
    replace(
      this,
      h("p", {}, h("a", { href: "#/admin/settings", class: "back" }, t("admin.settings.back"))),
      h("div", { class: "admin-head" }, h("h2", {}, local(form.title))),
      formEl,
    );
  }

  async save(event, form, formEl) {
    event.preventDefault();
    clearErrors(formEl);
    let values;
    try {
      values = readSchemaInputs(formEl, form.fields);
      const saved = await request("PUT", `/api/settings/forms/${encodeURIComponent(form.id)}`, { body: { values } });
      this.forms = this.forms.map((f) => (f.id === form.id ? saved.form : f));
      toast(saved.changed.length ? t("admin.settings.saved") : t("admin.settings.unchanged"));
      this.renderForm(saved.form);
      if (saved.restart_needed && !saved.form.restart_pending) {
        this.querySelector(".settings-form").prepend(h("p", { class: "notice warn restart-pending", role: "status" }, t("admin.settings.restart")));
      }
    } catch (error) {
      showError(formEl, error);
    }
  }
}

customElements.define("ul-admin-settings", UlAdminSettings);
