// «Шаблоны ответов» (#/admin/canned): an organization's shared canned replies — operators of
// its subtree insert them with "/key" in the reply box — with variables and a live preview.
// REST: /api/canned-replies/. Personal replies are kept in the reply box's own list.

import { del, get, patch, post } from "/console/static/js/api.js";
import { VARIABLES, fill, sampleContext } from "/console/static/js/canned.js";
import { clearErrors, confirmBox, errorText, field, showError } from "/console/static/js/admin-forms.js";
import { h, replace } from "/console/static/js/dom.js";
import { DICTIONARIES, t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";

Object.assign(DICTIONARIES.ru, {
  "canned.title": "Шаблоны ответов",
  "canned.intro": "Общие ответы организации: операторы этой организации и её подразделений вставляют их в ответ, набрав «/» и ключ. Личные шаблоны каждый оператор ведёт сам.",
  "canned.new": "Новый шаблон",
  "canned.empty": "Общих шаблонов пока нет.",
  "canned.edit": "Изменить",
  "canned.delete": "Удалить",
  "canned.delete_confirm": "Удалить шаблон /{key}? Операторы больше не смогут его вставить.",
  "canned.created": "Шаблон /{key} создан",
  "canned.saved": "Шаблон /{key} сохранён",
  "canned.deleted": "Шаблон /{key} удалён",
  "canned.personal": "Личный",
  "canned.f.organization": "Для организации",
  "canned.h.organization": "Шаблон увидят операторы этой организации и всех её подразделений.",
  "canned.f.key": "Ключ",
  "canned.h.key": "Короткое слово без пробелов: оператор набирает «/ключ» в поле ответа, например /привет.",
  "canned.f.title": "Название",
  "canned.h.title": "Подсказка в списке шаблонов, например «Приветствие».",
  "canned.f.text": "Текст",
  "canned.h.text": "Переменные в двойных фигурных скобках подставятся при вставке:",
  "canned.preview": "Так увидит заявитель (пример)",
  "canned.key_taken": "Шаблон с таким ключом в этой организации уже есть",
  "canned.key_invalid": "Только буквы, цифры, «-» и «_», без пробелов",
  "canned.var.name": "полное имя заявителя",
  "canned.var.first_name": "имя заявителя (без фамилии)",
  "canned.var.number": "номер обращения",
  "canned.var.subject": "тема обращения",
  "canned.var.card": "номер профсоюзного билета",
  "canned.var.operator": "имя оператора",
});
Object.assign(DICTIONARIES.en, {
  "canned.title": "Canned replies",
  "canned.intro": "An organization's shared replies: operators of it and its subtree insert them by typing “/” and the key. Each operator keeps personal ones too.",
  "canned.new": "New reply",
  "canned.empty": "No shared replies yet.",
  "canned.edit": "Edit",
  "canned.delete": "Delete",
  "canned.delete_confirm": "Delete /{key}? Operators will no longer insert it.",
  "canned.created": "Reply /{key} created",
  "canned.saved": "Reply /{key} saved",
  "canned.deleted": "Reply /{key} deleted",
  "canned.personal": "Personal",
  "canned.f.organization": "For organization",
  "canned.h.organization": "Operators of this organization and its whole subtree see it.",
  "canned.f.key": "Key",
  "canned.h.key": "One word: the operator types “/key” in the reply box, e.g. /hello.",
  "canned.f.title": "Title",
  "canned.h.title": "Shown in the list of replies, e.g. “Greeting”.",
  "canned.f.text": "Text",
  "canned.h.text": "Variables in double braces are filled in when inserted:",
  "canned.preview": "What the member sees (example)",
  "canned.key_taken": "This organization has a reply with this key already",
  "canned.key_invalid": "Letters, digits, “-” and “_” only, no spaces",
  "canned.var.name": "the member's full name",
  "canned.var.first_name": "the member's first name",
  "canned.var.number": "the appeal's number",
  "canned.var.subject": "the appeal's subject",
  "canned.var.card": "the union card number",
  "canned.var.operator": "the operator's name",
});

function explain(error) {
  if (error.field === "key" && error.code === "conflict") return t("canned.key_taken");
  if (error.field === "key" && error.code === "invalid") return t("canned.key_invalid");
  return undefined;
}

class UlAdminCanned extends HTMLElement {
  connectedCallback() {
    this.classList.add("admin-page");
    this.open = null;
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  async load() {
    try {
      const [replies, organizations] = await Promise.all([get("/api/canned-replies/"), get("/api/organizations/").catch(() => [])]);
      this.replies = replies.filter((r) => r.shared && r.editable);
      this.organizations = organizations.filter((o) => !o.archived);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.render();
  }

  render() {
    if (!this.replies) return replace(this, h("p", { class: this.error ? "page-missing" : "muted" }, this.error ? errorText(this.error) : t("admin.loading")));
    replace(
      this,
      h("div", { class: "admin-head" }, h("h2", {}, t("canned.title")), h("button", { type: "button", class: "primary new-canned", onclick: () => this.toggle(null, "new") }, t("canned.new"))),
      h("p", { class: "admin-intro" }, t("canned.intro")),
      this.open && this.open.mode === "new" ? this.form(null) : null,
      this.replies.length ? h("ul", { class: "admin-cards canned-list" }, this.replies.map((r) => this.card(r))) : h("p", { class: "muted" }, t("canned.empty")),
    );
  }

  toggle(id, mode) {
    const same = this.open && this.open.id === id && this.open.mode === mode;
    this.open = same ? null : { id, mode };
    this.render();
    const first = this.querySelector("form.canned-form select, form.canned-form input, .confirm button");
    if (first) first.focus();
  }

  card(r) {
    const mode = this.open && this.open.id === r.id ? this.open.mode : null;
    const org = this.organizations.find((o) => o.id === r.organization_id);
    return h(
      "li",
      { class: "admin-card canned", dataset: { replyId: r.id, key: r.key } },
      h("div", { class: "card-title" }, h("span", { class: "canned-key" }, `/${r.key}`), r.title ? h("span", {}, r.title) : null),
      h("div", { class: "card-meta" }, h("span", {}, org ? org.name : t("admin.out_of_scope"))),
      h("p", { class: "canned-text" }, r.text),
      h(
        "div",
        { class: "card-buttons" },
        h("button", { type: "button", class: "edit", onclick: () => this.toggle(r.id, "edit") }, t("canned.edit")),
        h("button", { type: "button", class: "delete", onclick: () => this.toggle(r.id, "delete") }, t("canned.delete")),
      ),
      mode === "delete" ? confirmBox(t("canned.delete_confirm", { key: r.key }), t("canned.delete"), () => this.remove(r), () => this.toggle(null, null)) : null,
      mode === "edit" ? this.form(r) : null,
    );
  }

  form(r) {
    const i = {
      key: h("input", { name: "key", maxlength: 60, value: r ? r.key : "", autocomplete: "off" }),
      title: h("input", { name: "title", maxlength: 200, value: r ? r.title : "", autocomplete: "off" }),
      text: h("textarea", { name: "text", rows: 5, maxlength: 4000, value: r ? r.text : "" }),
    };
    const preview = h("p", { class: "canned-preview", "aria-live": "polite" });
    const update = () => {
      preview.textContent = fill(i.text.value, sampleContext());
    };
    i.text.addEventListener("input", update);
    update();
    const insert = (name) => {
      const at = i.text.selectionStart ?? i.text.value.length;
      i.text.value = `${i.text.value.slice(0, at)}{{${name}}}${i.text.value.slice(at)}`;
      update();
      i.text.focus();
    };
    const vars = h("div", { class: "canned-vars" }, VARIABLES.map((v) => h("button", { type: "button", class: "canned-var", title: t(v.label), onclick: () => insert(v.name) }, `{{${v.name}}}`)));
    const parts = [];
    if (!r) {
      i.organization = h("select", { name: "organization_id" }, this.organizations.map((o) => h("option", { value: o.id }, `${"· ".repeat(o.depth || 0)}${o.name}`)));
      parts.push(field("organization_id", t("canned.f.organization"), i.organization, { help: t("canned.h.organization"), required: true }));
    }
    parts.push(
      field("key", t("canned.f.key"), i.key, { help: t("canned.h.key"), required: true }),
      field("title", t("canned.f.title"), i.title, { help: t("canned.h.title") }),
      field("text", t("canned.f.text"), i.text, { help: `${t("canned.h.text")} ${VARIABLES.map((v) => `{{${v.name}}} — ${t(v.label)}`).join("; ")}.`, required: true }),
      vars,
      h("div", { class: "field" }, h("span", { class: "label" }, t("canned.preview")), preview),
    );
    const form = h(
      "form",
      { class: `admin-form canned-form ${r ? "canned-form-edit" : "canned-form-new"}`, novalidate: true, onsubmit: (e) => this.submit(e, form, r, i) },
      parts,
      h("p", { class: "form-error", role: "alert" }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary submit" }, r ? t("admin.save") : t("admin.create")), h("button", { type: "button", class: "cancel", onclick: () => this.toggle(null, null) }, t("admin.cancel"))),
    );
    return form;
  }

  async submit(event, form, r, i) {
    event.preventDefault();
    clearErrors(form);
    const body = { key: i.key.value.trim().replace(/^\//, ""), title: i.title.value.trim(), text: i.text.value };
    try {
      if (r) {
        await patch(`/api/canned-replies/${r.id}`, body);
        toast(t("canned.saved", { key: body.key }));
      } else {
        await post("/api/canned-replies/", { ...body, organization_id: i.organization.value });
        toast(t("canned.created", { key: body.key }));
      }
    } catch (error) {
      return showError(form, error, explain(error));
    }
    this.open = null;
    await this.load();
  }

  async remove(r) {
    try {
      await del(`/api/canned-replies/${r.id}`);
      toast(t("canned.deleted", { key: r.key }));
    } catch (error) {
      toast(errorText(error), "error");
    }
    this.open = null;
    await this.load();
  }
}

if (!customElements.get("ul-admin-canned")) customElements.define("ul-admin-canned", UlAdminCanned);
