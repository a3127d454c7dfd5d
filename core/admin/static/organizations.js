// «Организации» (#/admin/organizations): the federation tree the administrator manages — each
// organization with its code, kind and counts (members, appeals, operators); create (at the top
// or under one), rename (name, code, kind), move with the subtree, archive with the subtree.
// REST: /api/organizations/ and /api/admin/organization-counts/.

import { get, patch, post } from "/console/static/js/api.js";
import { clearErrors, confirmBox, errorText, field, showError } from "/console/static/js/admin-forms.js";
import { h, replace } from "/console/static/js/dom.js";
import { t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";
import { KINDS } from "./strings.js";

/** The words for the errors this page can meet, by field and code. */
function explain(error) {
  if (error.field === "code" && error.code === "conflict") return t("admin.org.code_taken");
  if (error.field === "parent_id" && error.code === "invalid") return t("admin.org.under_itself");
  if (error.field === "parent_id" && error.code === "conflict") return t("admin.org.parent_archived");
  if (error.field === "parent_id" && error.code === "forbidden") return t("admin.org.root_forbidden");
  return undefined;
}

class UlAdminOrganizations extends HTMLElement {
  connectedCallback() {
    this.classList.add("admin-page");
    this.showArchived = false;
    this.open = null; // {id, mode: "edit" | "move" | "child" | "archive"} or {id: null, mode: "new"}
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  async load() {
    try {
      const [organizations, counts] = await Promise.all([
        get("/api/organizations/", { include_archived: this.showArchived }),
        get("/api/admin/organization-counts/").catch(() => []),
      ]);
      this.organizations = organizations;
      this.counts = new Map(counts.map((c) => [c.organization_id, c]));
      this.error = null;
    } catch (error) {
      this.error = error;
    }
    this.render();
  }

  render() {
    if (!this.organizations) return replace(this, h("p", { class: this.error ? "page-missing" : "muted" }, this.error ? errorText(this.error) : t("admin.loading")));
    replace(
      this,
      h(
        "div",
        { class: "admin-head" },
        h("h2", {}, t("admin.org.title")),
        h("button", { type: "button", class: "primary new-org", onclick: () => this.toggle(null, "new") }, t("admin.org.new")),
      ),
      h("p", { class: "admin-intro" }, t("admin.org.intro")),
      h(
        "label",
        { class: "check show-archived" },
        h("input", { type: "checkbox", checked: this.showArchived, onchange: (e) => this.setArchived(e.target.checked) }),
        " ",
        t("admin.org.show_archived"),
      ),
      this.open && this.open.mode === "new" ? this.orgForm(null, "new") : null,
      this.organizations.length
        ? h("ul", { class: "admin-cards org-tree" }, this.organizations.map((org) => this.card(org)))
        : h("p", { class: "muted" }, t("admin.org.empty")),
    );
  }

  setArchived(value) {
    this.showArchived = value;
    this.load();
  }

  toggle(id, mode) {
    const same = this.open && this.open.id === id && this.open.mode === mode;
    this.open = same ? null : { id, mode };
    this.render();
    const form = this.querySelector("form.org-form, .confirm");
    if (form) {
      const first = form.querySelector("input, select, button");
      if (first) first.focus();
    }
  }

  card(org) {
    const counts = this.counts.get(org.id) || { members: 0, appeals: 0, active_appeals: 0, operators: 0 };
    const mode = this.open && this.open.id === org.id ? this.open.mode : null;
    const button = (name, label) => h("button", { type: "button", class: name, "aria-expanded": String(mode === name), onclick: () => this.toggle(org.id, name) }, label);
    return h(
      "li",
      {
        class: `admin-card org ${org.archived ? "archived" : ""}`,
        style: `margin-inline-start: ${Math.min(org.depth, 4) * 0.9}rem`,
        dataset: { orgId: org.id, code: org.code, depth: String(org.depth) },
      },
      h(
        "div",
        { class: "card-title" },
        h("span", { class: "org-name" }, org.name),
        h("span", { class: "chip" }, t(`admin.kind.${org.kind}`)),
        org.archived ? h("span", { class: "chip off" }, t("admin.org.archived")) : null,
      ),
      h(
        "div",
        { class: "card-meta" },
        h("span", { class: "org-code" }, t("admin.org.code_of", { code: org.code })),
        h("span", { class: "org-members" }, t("admin.org.members", { n: counts.members })),
        h("span", { class: "org-appeals" }, t("admin.org.appeals", { n: counts.appeals, active: counts.active_appeals })),
        h("span", { class: "org-operators" }, t("admin.org.operators", { n: counts.operators })),
      ),
      org.archived
        ? null
        : h(
            "div",
            { class: "card-buttons" },
            button("edit", t("admin.org.edit")),
            button("child", t("admin.org.add_child")),
            org.parent_id ? button("move", t("admin.org.move")) : null,
            button("archive", t("admin.org.archive")),
          ),
      mode === "archive" ? confirmBox(t("admin.org.archive_confirm", { name: org.name }), t("admin.org.archive"), () => this.archive(org), () => this.toggle(null, null)) : null,
      mode && mode !== "archive" ? this.orgForm(org, mode) : null,
    );
  }

  /** The form of ``mode``: "new" (top of the page), "child" (under ``org``), "edit", "move". */
  orgForm(org, mode) {
    const inputs = {};
    const parts = [];
    if (mode !== "move") {
      inputs.name = h("input", { name: "name", required: true, maxlength: 300, value: mode === "edit" ? org.name : "", autocomplete: "off" });
      inputs.code = h("input", { name: "code", required: true, maxlength: 20, value: mode === "edit" ? org.code : "", autocomplete: "off", autocapitalize: "characters" });
      const kind = mode === "edit" ? org.kind : mode === "new" && !this.organizations.length ? "federation" : "primary";
      inputs.kind = h("select", { name: "kind" }, KINDS.map((k) => h("option", { value: k, selected: k === kind }, t(`admin.kind.${k}`))));
      parts.push(
        field("name", t("admin.org.name"), inputs.name, { required: true }),
        field("code", t("admin.org.code"), inputs.code, { required: true, help: t("admin.org.code_help") }),
        field("kind", t("admin.org.kind"), inputs.kind),
      );
    }
    if (mode === "new") {
      inputs.parent = this.parentSelect("parent_id", null, this.organizations[0] ? this.organizations[0].id : "");
      parts.push(field("parent_id", t("admin.org.parent"), inputs.parent));
    }
    if (mode === "move") {
      inputs.parent = this.parentSelect("parent_id", org, org.parent_id);
      parts.push(field("parent_id", t("admin.org.new_parent"), inputs.parent));
    }
    const label = mode === "move" ? t("admin.org.move") : mode === "edit" ? t("admin.save") : t("admin.create");
    const form = h(
      "form",
      { class: `admin-form org-form org-form-${mode}`, novalidate: true, onsubmit: (e) => this.submit(e, form, org, mode, inputs) },
      parts,
      h("p", { class: "form-error", role: "alert" }),
      h(
        "div",
        { class: "form-buttons" },
        h("button", { type: "submit", class: "primary submit" }, label),
        h("button", { type: "button", class: "cancel", onclick: () => this.toggle(null, null) }, t("admin.cancel")),
      ),
    );
    return form;
  }

  /** Organizations a subtree may hang under: not ``moving`` itself nor anything under it. */
  parentSelect(name, moving, selected) {
    const options = this.organizations.filter((o) => !o.archived && !(moving && this.isUnder(o, moving)));
    return h(
      "select",
      { name },
      moving ? null : h("option", { value: "", selected: !selected }, t("admin.org.root")),
      options.map((o) => h("option", { value: o.id, selected: o.id === selected }, `${"· ".repeat(o.depth)}${o.name} (${o.code})`)),
    );
  }

  isUnder(org, ancestor) {
    let current = org;
    const byId = new Map(this.organizations.map((o) => [o.id, o]));
    while (current) {
      if (current.id === ancestor.id) return true;
      current = current.parent_id ? byId.get(current.parent_id) : null;
    }
    return false;
  }

  async submit(event, form, org, mode, inputs) {
    event.preventDefault();
    clearErrors(form);
    const body = {};
    if (inputs.name) Object.assign(body, { name: inputs.name.value.trim(), code: inputs.code.value.trim(), kind: inputs.kind.value });
    try {
      if (mode === "new" || mode === "child") {
        const parent = mode === "child" ? org.id : inputs.parent.value || null;
        const created = await post("/api/organizations/", { ...body, parent_id: parent });
        toast(t("admin.org.created", { name: created.name }));
      } else if (mode === "edit") {
        await patch(`/api/organizations/${org.id}`, body);
        toast(t("admin.org.renamed"));
      } else {
        await post(`/api/organizations/${org.id}/move`, { parent_id: inputs.parent.value });
        toast(t("admin.org.moved", { name: org.name }));
      }
    } catch (error) {
      return showError(form, error, explain(error));
    }
    this.open = null;
    await this.load();
  }

  async archive(org) {
    try {
      await post(`/api/organizations/${org.id}/archive`);
      toast(t("admin.org.archived_done", { name: org.name }));
    } catch (error) {
      toast(explain(error) || errorText(error), "error");
    }
    this.open = null;
    await this.load();
  }
}

customElements.define("ul-admin-organizations", UlAdminOrganizations);
