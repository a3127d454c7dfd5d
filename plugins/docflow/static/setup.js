// «Документооборот» (#/admin/docflow-setup): document kinds with their requisites, registration
// journals with their number format, .docx templates (a template failing the check is refused
// with every problem listed) and the process designer — stages as form controls, no JSON.
// Each item is changed in the same form it was made with («Изменить») and goes to the archive
// («В архив»): archived ones are listed under «Архив» with «Вернуть», and offered in no picker.

import { h, organizations, postForm, t, ui, use } from "./common.js";
import { stageErrorText, stagesForm } from "./card.js";

export function setup(consoleApi) {
  use(consoleApi);
}

const CATEGORIES = ["incoming", "outgoing", "internal", "application", "agreement", "custom"];
const FORMAT_PROBLEMS = ["braces", "unknown_part", "width", "no_seq", "seq_twice", "needed"];

/** What is wrong with a journal's number format, in words, from the refusal's extra.problem
 * (numbering.check_format); undefined for any other refusal. */
function formatErrorText(error) {
  const extra = error.extra || {};
  if (!FORMAT_PROBLEMS.includes(extra.problem)) return undefined;
  if (extra.problem === "needed") return t(`docflow.format_err.needed.${extra.part}`);
  const parts = (extra.parts || []).map((p) => `{${p}}`).join(", ");
  return t(`docflow.format_err.${extra.problem}`, { part: extra.part || "", parts });
}
const TYPES = ["text", "date", "number", "choice"];

class DocflowSetup extends HTMLElement {
  async connectedCallback() {
    this.classList.add("admin-page", "docflow-setup");
    ui.api.replace(this, h("p", { class: "muted" }, t("docflow.loading")));
    await this.load();
  }

  async load() {
    const get = (path) => ui.api.api.get(path, { archived: true }).catch(() => []);
    [this.orgs, this.kinds, this.journals, this.templates, this.processes, this.features] = await Promise.all([
      organizations(), get("/api/docflow/kinds"), get("/api/docflow/journals"), get("/api/docflow/templates"), get("/api/docflow/processes"),
      ui.api.api.get("/api/docflow/features").catch(() => ({ pdf: false })),
    ]);
    ui.api.replace(this,
      h("div", { class: "admin-head" }, h("h2", {}, t("docflow.setup"))),
      this.section("kinds", this.kinds, (k) => `${k.name} · ${t(`docflow.cat.${k.category}`)} · ${k.requisites.map((r) => r.label).join(", ") || t("docflow.no_requisites")}`, (k) => this.kindForm(k)),
      this.section("journals", this.journals, (j) => `${j.name} · ${j.number_format}${j.case_index ? ` · ${j.case_index}` : ""} · ${t(`docflow.reset.${j.reset}`)}`, (j) => this.journalForm(j)),
      this.section("templates", this.templates, (x) => `${x.name} · ${t("docflow.fields_used", { list: x.fields.join(", ") || t("docflow.none") })}`, (x) => this.templateForm(x),
        h("p", { class: "muted doc-pdf-note" }, t(this.features.pdf ? "docflow.pdf_ready" : "docflow.pdf_missing"))),
      this.section("processes", this.processes, (p) => `${p.name} · ${t(`docflow.audience.${p.audience}`)}${p.form ? ` · «${p.form}»` : ""} · ${t("docflow.stages_n", { n: p.stages.length })}`, (p) => this.processForm(p)));
  }

  /** A list of live items (each with «Изменить» and «В архив»), the archived ones folded under
   * «Архив» (with «Вернуть»), the «new» button and the host of the open form. */
  section(name, items, line, makeForm, note = null) {
    const host = h("div", {});
    const titles = { kinds: "new_kind", journals: "new_journal", templates: "upload_template", processes: "new_process" };
    const open = (item) => {
      ui.api.replace(host, makeForm(item));
      const first = host.querySelector("input, select");
      if (first) first.focus();
    };
    const card = (item) => {
      const status = h("span", { class: "form-error", role: "alert" });
      const archive = (archived) => ui.api.api.post(`/api/docflow/${name}/${item.id}/archive`, { archived })
        .then(() => { ui.api.toast(t(archived ? "docflow.archived_done" : "docflow.restored_done")); return this.load(); })
        .catch((error) => {
          const usedBy = error.extra && error.extra.used_by;
          status.textContent = usedBy ? t("docflow.archive_blocked", { name: usedBy })
            : error.status === 409 ? t("docflow.restore_blocked") : ui.api.errorText(error);
        });
      return h("li", { class: "admin-card", dataset: { id: item.id } },
        h("span", {}, line(item)),
        h("span", { class: "doc-setup-buttons" },
          item.archived
            ? h("button", { type: "button", class: "doc-restore", "aria-label": `${t("docflow.restore")}: ${item.name}`, onclick: () => archive(false) }, t("docflow.restore"))
            : [h("button", { type: "button", class: "doc-edit", "aria-label": `${t("docflow.edit")}: ${item.name}`, onclick: () => open(item) }, t("docflow.edit")),
              h("button", { type: "button", class: "doc-archive", "aria-label": `${t("docflow.archive")}: ${item.name}`, onclick: () => archive(true) }, t("docflow.archive"))]),
        status);
    };
    const live = items.filter((x) => !x.archived);
    const gone = items.filter((x) => x.archived);
    return h("section", { class: `doc-setup-${name}` },
      h("h3", {}, t(`docflow.${name}`)),
      note,
      live.length ? h("ul", { class: "admin-cards" }, live.map(card)) : h("p", { class: "muted" }, t("docflow.none")),
      gone.length ? h("details", { class: "doc-archived" }, h("summary", {}, t("docflow.archive_n", { n: gone.length })), h("ul", { class: "admin-cards" }, gone.map(card))) : null,
      h("button", { type: "button", class: "doc-new", onclick: () => open(null) }, t(`docflow.${titles[name]}`)),
      host);
  }

  orgSelect(item) {
    return h("select", { name: "organization_id", disabled: Boolean(item) }, this.orgs.map((o) => h("option", { value: o.id, selected: Boolean(item) && o.id === item.organization_id }, o.name)));
  }

  /** A picker of live items; an archived item the edited one still points at stays, marked. */
  options(items, current, empty = false) {
    const shown = items.filter((x) => !x.archived || x.id === current);
    return [empty ? h("option", { value: "" }, t("docflow.none")) : null,
      shown.map((x) => h("option", { value: x.id, selected: x.id === current }, x.archived ? `${x.name} (${t("docflow.in_archive")})` : x.name))];
  }

  buttons(item, create) {
    return h("div", { class: "form-buttons" },
      h("button", { type: "submit", class: "primary" }, item ? t("docflow.save") : create),
      item ? h("button", { type: "button", onclick: () => this.load() }, t("docflow.cancel")) : null);
  }

  async save(form, promise) {
    ui.api.forms.clearErrors(form);
    try {
      await promise;
      ui.api.toast(t("docflow.saved"));
      await this.load();
    } catch (error) {
      ui.api.forms.showError(form, error, formatErrorText(error) ?? stageErrorText(error));
      const problems = (error.extra && error.extra.problems) || [];
      if (problems.length) form.append(h("ul", { class: "form-error doc-lint", role: "alert" }, problems.map((p) => h("li", {}, p.message, p.where ? ` (${p.where})` : ""))));
    }
  }

  kindForm(item) {
    const f = ui.api.forms;
    const org = this.orgSelect(item);
    const code = h("input", { type: "text", name: "code", required: true, maxlength: "40", value: item ? item.code : "" });
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200", value: item ? item.name : "" });
    const category = h("select", { name: "category" }, CATEGORIES.map((c) => h("option", { value: c, selected: Boolean(item) && c === item.category }, t(`docflow.cat.${c}`))));
    const journal = h("select", { name: "journal_id" }, this.options(this.journals, item && item.journal_id, true));
    const rows = h("ol", { class: "doc-requisite-rows" });
    const addRow = (given = null) => {
      const r = given || { name: "", label: "", type: "text", required: false, options: [] };
      const n = rows.children.length + 1;
      const key = h("input", { type: "text", pattern: "[a-z][a-z0-9_]*", value: r.name, "aria-label": `${t("docflow.req_name")} ${n}` });
      const label = h("input", { type: "text", value: r.label, "aria-label": `${t("docflow.req_label")} ${n}` });
      const type = h("select", { "aria-label": `${t("docflow.req_type")} ${n}` }, TYPES.map((x) => h("option", { value: x, selected: x === r.type }, t(`docflow.type.${x}`))));
      const required = h("input", { type: "checkbox", checked: Boolean(r.required), "aria-label": `${t("docflow.req_required")} ${n}` });
      const options = h("input", { type: "text", value: (r.options || []).join("; "), "aria-label": `${t("docflow.req_options")} ${n}` });
      const row = h("li", {}, h("label", {}, t("docflow.req_name"), key), h("label", {}, t("docflow.req_label"), label), h("label", {}, t("docflow.req_type"), type),
        h("label", {}, t("docflow.req_options"), options), h("label", { class: "inline" }, required, " ", t("docflow.req_required")));
      row.read = () => ({ name: key.value.trim(), label: label.value.trim(), type: type.value, required: required.checked,
        options: type.value === "choice" ? options.value.split(";").map((o) => o.trim()).filter(Boolean) : [] });
      rows.append(row);
    };
    if (item) item.requisites.forEach((r) => addRow(r));
    const form = h("form", { class: "admin-form doc-kind-form", "aria-label": item ? t("docflow.edit_named", { name: item.name }) : t("docflow.new_kind") },
      f.field("organization_id", t("docflow.organization"), org), f.field("code", t("docflow.code"), code, { required: true }),
      f.field("name", t("docflow.name"), name, { required: true }), f.field("category", t("docflow.category"), category),
      f.field("journal_id", t("docflow.journal"), journal), h("fieldset", {}, h("legend", {}, t("docflow.requisites")), rows, h("button", { type: "button", onclick: () => addRow() }, t("docflow.add_requisite"))),
      this.buttons(item, t("docflow.create")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = { code: code.value.trim(), name: name.value.trim(), category: category.value, requisites: [...rows.children].map((r) => r.read()).filter((r) => r.name), journal_id: journal.value || null };
      this.save(form, item ? ui.api.api.patch(`/api/docflow/kinds/${item.id}`, body) : ui.api.api.post("/api/docflow/kinds", { organization_id: org.value, ...body }));
    });
    return form;
  }

  journalForm(item) {
    const f = ui.api.forms;
    const org = this.orgSelect(item);
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200", value: item ? item.name : "" });
    const format = h("input", { type: "text", name: "number_format", value: item ? item.number_format : "{case}/{seq}", maxlength: "100" });
    const caseIndex = h("input", { type: "text", name: "case_index", maxlength: "40", value: item ? item.case_index : "" });
    const orgCode = h("input", { type: "text", name: "org_code", maxlength: "20", value: item ? item.org_code : "" });
    const reset = h("select", { name: "reset" }, ["yearly", "never"].map((r) => h("option", { value: r, selected: Boolean(item) && r === item.reset }, t(`docflow.reset.${r}`))));
    const form = h("form", { class: "admin-form doc-journal-form", "aria-label": item ? t("docflow.edit_named", { name: item.name }) : t("docflow.new_journal") },
      f.field("organization_id", t("docflow.organization"), org), f.field("name", t("docflow.name"), name, { required: true }),
      f.field("number_format", t("docflow.format"), format, { help: t("docflow.format_help") }),
      f.field("case_index", t("docflow.case_index"), caseIndex), f.field("org_code", t("docflow.org_code"), orgCode),
      f.field("reset", t("docflow.reset"), reset, { help: t("docflow.reset_help") }),
      h("p", { class: "muted" }, t("docflow.gapless_note")),
      this.buttons(item, t("docflow.create")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = { name: name.value.trim(), number_format: format.value.trim(), case_index: caseIndex.value.trim(), org_code: orgCode.value.trim(), reset: reset.value };
      this.save(form, item ? ui.api.api.patch(`/api/docflow/journals/${item.id}`, body) : ui.api.api.post("/api/docflow/journals", { organization_id: org.value, ...body }));
    });
    return form;
  }

  templateForm(item) {
    const f = ui.api.forms;
    const org = this.orgSelect(item);
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200", value: item ? item.name : "" });
    const kind = h("select", { name: "kind_id" }, this.options(this.kinds, item && item.kind_id, true));
    const file = h("input", { type: "file", name: "file", accept: ".docx", required: !item });
    const form = h("form", { class: "admin-form doc-template-form", "aria-label": item ? t("docflow.edit_named", { name: item.name }) : t("docflow.upload_template") },
      f.field("organization_id", t("docflow.organization"), org), f.field("name", t("docflow.name"), name, { required: true }),
      f.field("kind_id", t("docflow.kind"), kind),
      f.field("file", item ? t("docflow.template_replace") : t("docflow.template_file"), file, { required: !item, help: item ? t("docflow.template_replace_help") : "" }),
      this.buttons(item, t("docflow.upload_template")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      for (const old of form.querySelectorAll(".doc-lint")) old.remove();
      const data = new FormData();
      if (file.files.length) data.append("file", file.files[0], file.files[0].name);
      if (item) {
        // The file first: a template failing the check changes nothing, not even its name.
        const replaced = file.files.length ? postForm(`/api/docflow/templates/${item.id}/file`, data) : Promise.resolve();
        this.save(form, replaced.then(() => ui.api.api.patch(`/api/docflow/templates/${item.id}`, { name: name.value.trim(), kind_id: kind.value || null })));
        return;
      }
      data.append("organization_id", org.value);
      data.append("name", name.value.trim());
      if (kind.value) data.append("kind_id", kind.value);
      this.save(form, postForm("/api/docflow/templates", data));
    });
    return form;
  }

  processForm(item) {
    const f = ui.api.forms;
    const org = this.orgSelect(item);
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200", value: item ? item.name : "" });
    const kind = h("select", { name: "kind_id" }, this.options(this.kinds, item && item.kind_id));
    const audience = h("select", { name: "audience" }, ["staff", "member"].map((a) => h("option", { value: a, selected: Boolean(item) && a === item.audience }, t(`docflow.audience.${a}`))));
    const topic = h("input", { type: "text", name: "form", maxlength: "200", value: item ? item.form : "" });
    const template = h("select", { name: "template_id" }, this.options(this.templates, item && item.template_id, true));
    const head = h("div", {}, f.field("organization_id", t("docflow.organization"), org), f.field("name", t("docflow.name"), name, { required: true }),
      f.field("kind_id", t("docflow.kind"), kind), f.field("audience", t("docflow.audience"), audience), f.field("form", t("docflow.form_topic"), topic), f.field("template_id", t("docflow.template"), template));
    const stages = stagesForm({
      stages: item ? item.stages : [],
      submitLabel: item ? t("docflow.save") : t("docflow.create"),
      onSubmit: (list) => {
        const body = { name: name.value.trim(), kind_id: kind.value, audience: audience.value, form: topic.value.trim(), stages: list, template_id: template.value || null };
        return this.save(stages, item ? ui.api.api.patch(`/api/docflow/processes/${item.id}`, body) : ui.api.api.post("/api/docflow/processes", { organization_id: org.value, ...body }));
      },
    });
    stages.prepend(head);
    stages.classList.add("doc-process-form");
    stages.setAttribute("aria-label", item ? t("docflow.edit_named", { name: item.name }) : t("docflow.new_process"));
    if (item) stages.querySelector(".form-buttons").append(h("button", { type: "button", onclick: () => this.load() }, t("docflow.cancel")));
    return stages;
  }
}

customElements.define("ul-docflow-setup", DocflowSetup);
