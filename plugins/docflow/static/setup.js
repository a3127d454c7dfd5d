// «Документооборот» (#/admin/docflow-setup): document kinds with their requisites, registration
// journals with their number format, .docx templates (a template failing the check is refused
// with every problem listed) and the process designer — stages as form controls, no JSON.

import { h, organizations, postForm, t, ui, use } from "./common.js";
import { stagesForm } from "./card.js";

export function setup(consoleApi) {
  use(consoleApi);
}

const CATEGORIES = ["incoming", "outgoing", "internal", "application", "agreement", "custom"];
const TYPES = ["text", "date", "number", "choice"];

class DocflowSetup extends HTMLElement {
  async connectedCallback() {
    this.classList.add("admin-page", "docflow-setup");
    ui.api.replace(this, h("p", { class: "muted" }, t("docflow.loading")));
    await this.load();
  }

  async load() {
    const get = (path) => ui.api.api.get(path).catch(() => []);
    [this.orgs, this.kinds, this.journals, this.templates, this.processes] = await Promise.all([
      organizations(), get("/api/docflow/kinds"), get("/api/docflow/journals"), get("/api/docflow/templates"), get("/api/docflow/processes"),
    ]);
    ui.api.replace(this,
      h("div", { class: "admin-head" }, h("h2", {}, t("docflow.setup"))),
      this.section("kinds", this.kinds.map((k) => `${k.name} · ${t(`docflow.cat.${k.category}`)} · ${k.requisites.map((r) => r.label).join(", ")}`), () => this.kindForm()),
      this.section("journals", this.journals.map((j) => `${j.name} · ${j.number_format}${j.case_index ? ` · ${j.case_index}` : ""}`), () => this.journalForm()),
      this.section("templates", this.templates.map((x) => `${x.name} · ${t("docflow.fields_used", { list: x.fields.join(", ") || t("docflow.none") })}`), () => this.templateForm()),
      this.section("processes", this.processes.map((p) => `${p.name} · ${t(`docflow.audience.${p.audience}`)}${p.form ? ` · «${p.form}»` : ""} · ${p.stages.length}`), () => this.processForm()));
  }

  section(name, lines, makeForm) {
    const host = h("div", {});
    const titles = { kinds: "new_kind", journals: "new_journal", templates: "upload_template", processes: "new_process" };
    return h("section", { class: `doc-setup-${name}` },
      h("h3", {}, t(`docflow.${name}`)),
      lines.length ? h("ul", { class: "admin-cards" }, lines.map((line) => h("li", { class: "admin-card" }, line))) : h("p", { class: "muted" }, t("docflow.none")),
      h("button", { type: "button", onclick: () => ui.api.replace(host, makeForm()) }, t(`docflow.${titles[name]}`)),
      host);
  }

  orgSelect() {
    return h("select", { name: "organization_id" }, this.orgs.map((o) => h("option", { value: o.id }, o.name)));
  }

  async save(form, promise) {
    ui.api.forms.clearErrors(form);
    try {
      await promise;
      ui.api.toast(t("docflow.saved"));
      await this.load();
    } catch (error) {
      ui.api.forms.showError(form, error);
      const problems = (error.extra && error.extra.problems) || [];
      if (problems.length) form.append(h("ul", { class: "form-error doc-lint", role: "alert" }, problems.map((p) => h("li", {}, p.message, p.where ? ` (${p.where})` : ""))));
    }
  }

  kindForm() {
    const f = ui.api.forms;
    const org = this.orgSelect();
    const code = h("input", { type: "text", name: "code", required: true, maxlength: "40" });
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200" });
    const category = h("select", { name: "category" }, CATEGORIES.map((c) => h("option", { value: c }, t(`docflow.cat.${c}`))));
    const journal = h("select", { name: "journal_id" }, h("option", { value: "" }, t("docflow.none")), this.journals.map((j) => h("option", { value: j.id }, j.name)));
    const rows = h("ol", { class: "doc-requisite-rows" });
    const addRow = () => {
      const n = rows.children.length + 1;
      const key = h("input", { type: "text", pattern: "[a-z][a-z0-9_]*", "aria-label": `${t("docflow.req_name")} ${n}` });
      const label = h("input", { type: "text", "aria-label": `${t("docflow.req_label")} ${n}` });
      const type = h("select", { "aria-label": `${t("docflow.req_type")} ${n}` }, TYPES.map((x) => h("option", { value: x }, x)));
      const required = h("input", { type: "checkbox", "aria-label": `${t("docflow.req_required")} ${n}` });
      const options = h("input", { type: "text", "aria-label": `${t("docflow.req_options")} ${n}` });
      const row = h("li", {}, h("label", {}, t("docflow.req_name"), key), h("label", {}, t("docflow.req_label"), label), h("label", {}, t("docflow.req_type"), type),
        h("label", {}, t("docflow.req_options"), options), h("label", { class: "inline" }, required, " ", t("docflow.req_required")));
      row.read = () => ({ name: key.value.trim(), label: label.value.trim(), type: type.value, required: required.checked,
        options: type.value === "choice" ? options.value.split(";").map((o) => o.trim()).filter(Boolean) : [] });
      rows.append(row);
    };
    const form = h("form", { class: "admin-form", "aria-label": t("docflow.new_kind") },
      f.field("organization_id", t("docflow.organization"), org), f.field("code", t("docflow.code"), code, { required: true }),
      f.field("name", t("docflow.name"), name, { required: true }), f.field("category", t("docflow.category"), category),
      f.field("journal_id", t("docflow.journal"), journal), h("fieldset", {}, h("legend", {}, t("docflow.requisites")), rows, h("button", { type: "button", onclick: addRow }, t("docflow.add_requisite"))),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("docflow.create"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = { organization_id: org.value, code: code.value.trim(), name: name.value.trim(), category: category.value, requisites: [...rows.children].map((r) => r.read()).filter((r) => r.name) };
      if (journal.value) body.journal_id = journal.value;
      this.save(form, ui.api.api.post("/api/docflow/kinds", body));
    });
    return form;
  }

  journalForm() {
    const f = ui.api.forms;
    const org = this.orgSelect();
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200" });
    const format = h("input", { type: "text", name: "number_format", value: "{case}/{seq}", maxlength: "100" });
    const caseIndex = h("input", { type: "text", name: "case_index", maxlength: "40" });
    const orgCode = h("input", { type: "text", name: "org_code", maxlength: "20" });
    const form = h("form", { class: "admin-form", "aria-label": t("docflow.new_journal") },
      f.field("organization_id", t("docflow.organization"), org), f.field("name", t("docflow.name"), name, { required: true }),
      f.field("number_format", t("docflow.format"), format, { help: t("docflow.format_help") }),
      f.field("case_index", t("docflow.case_index"), caseIndex), f.field("org_code", t("docflow.org_code"), orgCode),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("docflow.create"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.save(form, ui.api.api.post("/api/docflow/journals", { organization_id: org.value, name: name.value.trim(), number_format: format.value.trim(), case_index: caseIndex.value.trim(), org_code: orgCode.value.trim() }));
    });
    return form;
  }

  templateForm() {
    const f = ui.api.forms;
    const org = this.orgSelect();
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200" });
    const file = h("input", { type: "file", name: "file", accept: ".docx", required: true });
    const form = h("form", { class: "admin-form", "aria-label": t("docflow.upload_template") },
      f.field("organization_id", t("docflow.organization"), org), f.field("name", t("docflow.name"), name, { required: true }),
      f.field("file", t("docflow.template_file"), file, { required: true }),
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("docflow.upload_template"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      for (const old of form.querySelectorAll(".doc-lint")) old.remove();
      const data = new FormData();
      data.append("organization_id", org.value);
      data.append("name", name.value.trim());
      if (file.files.length) data.append("file", file.files[0], file.files[0].name);
      this.save(form, postForm("/api/docflow/templates", data));
    });
    return form;
  }

  processForm() {
    const f = ui.api.forms;
    const org = this.orgSelect();
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200" });
    const kind = h("select", { name: "kind_id" }, this.kinds.map((k) => h("option", { value: k.id }, k.name)));
    const audience = h("select", { name: "audience" }, ["staff", "member"].map((a) => h("option", { value: a }, t(`docflow.audience.${a}`))));
    const topic = h("input", { type: "text", name: "form", maxlength: "200" });
    const template = h("select", { name: "template_id" }, h("option", { value: "" }, t("docflow.none")), this.templates.map((x) => h("option", { value: x.id }, x.name)));
    const head = h("div", {}, f.field("organization_id", t("docflow.organization"), org), f.field("name", t("docflow.name"), name, { required: true }),
      f.field("kind_id", t("docflow.kind"), kind), f.field("audience", t("docflow.audience"), audience), f.field("form", t("docflow.form_topic"), topic), f.field("template_id", t("docflow.template"), template));
    const stages = stagesForm({
      submitLabel: t("docflow.create"),
      onSubmit: (list) => this.save(stages, ui.api.api.post("/api/docflow/processes", { organization_id: org.value, name: name.value.trim(), kind_id: kind.value, audience: audience.value, form: topic.value.trim(), stages: list, ...(template.value ? { template_id: template.value } : {}) })),
    });
    stages.prepend(head);
    stages.setAttribute("aria-label", t("docflow.new_process"));
    return stages;
  }
}

customElements.define("ul-docflow-setup", DocflowSetup);
