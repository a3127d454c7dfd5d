// A document's card: requisites, registration, files with their versions, rendering from a
// template, the route's timeline (stages, who holds it, every decision) with the decision box for
// the operator whose step it is, and the form that sends the document on a route.

import { day, docHref, h, people, personName, postForm, statusChip, t, ui, when } from "./common.js";

const KINDS = ["approve", "acknowledge", "sign", "execute"];

export class DocumentCard {
  constructor(id) {
    this.id = id;
    this.main = h("div", { class: "doc-main" });
    this.templates = [];
    this.pdf = false;
    this.element = h("div", { class: "doc-card" }, h("p", { class: "muted" }, t("docflow.loading")));
  }

  async load() {
    try {
      this.doc = await ui.api.api.get(`/api/docflow/documents/${this.id}`);
      if (ui.api.can("docflow.write") && this.features === undefined) {
        // Once per card: archived templates are not offered; whether PDF works on this server.
        [this.templates, this.features] = await Promise.all([
          ui.api.api.get("/api/docflow/templates").catch(() => []),
          ui.api.api.get("/api/docflow/features").catch(() => ({ pdf: false })),
        ]);
        this.pdf = this.features.pdf;
      }
      this.render();
    } catch (error) {
      this.side = null;
      ui.api.replace(this.element, h("a", { href: "#/work/docflow", class: "back" }, t("docflow.back")), h("p", { class: "page-missing", role: "alert" }, ui.api.errorText(error)));
    }
  }

  /** A colleague's change arrived: draw again, keeping a comment being typed. */
  async refresh() {
    if (!this.doc) return; // still loading: load() draws it
    const typing = this.element.querySelector("textarea[name=comment]");
    const draft = typing ? typing.value : "";
    this.doc = await ui.api.api.get(`/api/docflow/documents/${this.id}`).catch(() => this.doc);
    this.render();
    const again = this.element.querySelector("textarea[name=comment]");
    if (again && draft) again.value = draft;
  }

  /** ``scope``: the part the request came from — its refusal is said there, at the input of
   * the field it names (forms.showError); without one (a button alone), in a toast. */
  async act(promise, message, scope = null) {
    if (scope) ui.api.forms.clearErrors(scope);
    try {
      await promise;
      if (message) ui.api.toast(message);
      await this.refresh();
    } catch (error) {
      if (scope) ui.api.forms.showError(scope, error);
      else ui.api.toastError(error);
    }
  }

  render() {
    const doc = this.doc;
    if (!this.side) {
      // Other plugins' parts of the card (a meeting about the document): drawn once, so a
      // redraw from the socket never closes a form open there.
      this.side = h("ul-slot", { name: "docflow:document-side", "document-id": doc.id, "document-title": doc.title, "organization-id": doc.organization_id });
      ui.api.replace(this.element, this.main, this.side);
    }
    ui.api.replace(this.main,
      h("a", { href: "#/work/docflow", class: "back" }, t("docflow.back")),
      h("div", { class: "admin-head" }, h("h2", {}, doc.title), statusChip(doc.status)),
      h("dl", { class: "doc-facts" },
        h("dt", {}, t("docflow.number")), h("dd", { class: "doc-number" }, doc.number || t("docflow.no_number")),
        h("dt", {}, t("docflow.kind")), h("dd", { class: "doc-kind" }, doc.kind_name || t(`docflow.cat.${doc.category}`)),
        doc.journal_name ? [h("dt", {}, t("docflow.journal")), h("dd", { class: "doc-journal-name" }, doc.journal_name)] : null,
        h("dt", {}, t("docflow.category")), h("dd", {}, t(`docflow.cat.${doc.category}`)),
        h("dt", {}, t("docflow.stage")), h("dd", { class: "doc-stage" }, doc.stage || t("docflow.none")),
        h("dt", {}, t("docflow.holders")), h("dd", { class: "doc-holders" }, doc.holders.length ? doc.holders.map(personName).join(", ") : t("docflow.none")),
        h("dt", {}, t("docflow.priority")), h("dd", {}, t(`docflow.p.${doc.priority}`)),
        h("dt", {}, t("docflow.control_date")), h("dd", {}, day(doc.control_date)),
        doc.correspondent && doc.correspondent.name ? [h("dt", {}, t("docflow.correspondent")), h("dd", {}, doc.correspondent.name)] : null,
        Object.entries(doc.requisites).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
      doc.summary ? h("p", { class: "doc-summary" }, doc.summary) : null,
      this.actions(doc),
      this.decisionBox(doc),
      this.timeline(doc),
      this.links(doc),
      this.routeForm(doc),
      this.files(doc),
    );
  }

  actions(doc) {
    const buttons = [];
    if (!doc.number && doc.journal_id && ui.api.can("docflow.register")) {
      buttons.push(h("button", { type: "button", class: "primary", onclick: () => this.act(ui.api.api.post(`/api/docflow/documents/${doc.id}/register`, {}).then((d) => ui.api.toast(t("docflow.registered", { number: d.number })))) }, t("docflow.register")));
    }
    return buttons.length ? h("div", { class: "doc-actions" }, buttons) : null;
  }

  myStep(doc) {
    const me = ui.api.store.me && ui.api.store.me.id;
    return doc.route && doc.route.steps.find((s) => s.assignee_id === me && s.status === "pending");
  }

  decisionBox(doc) {
    const step = this.myStep(doc);
    if (!step) return null;
    const comment = h("textarea", { name: "comment", rows: "2", "aria-label": t("docflow.comment") });
    const to = h("select", { name: "delegate_to", "aria-label": t("docflow.delegate_to") }, people().filter((p) => p.id !== step.assignee_id).map((p) => h("option", { value: p.id }, p.name || p.login)));
    const send = (verdict, extra = {}) => this.act(ui.api.api.post(`/api/docflow/steps/${step.id}/decisions`, { decision_id: crypto.randomUUID(), verdict, comment: comment.value, ...extra }), t("docflow.decided"), box);
    const slot = () => h("span", { class: "field-error", role: "alert" });
    const box = h("section", { class: "doc-decision", "aria-label": t("docflow.decision") },
      h("h3", {}, t("docflow.decision"), " — ", t(`docflow.kind.${step.kind}`)),
      h("label", { dataset: { field: "comment" } }, t("docflow.comment"), comment, slot()),
      h("div", { class: "doc-actions" },
        h("button", { type: "button", class: "primary", dataset: { verdict: "approve" }, onclick: () => send("approve") }, t(`docflow.do.${step.kind}`)),
        h("button", { type: "button", dataset: { verdict: "return" }, onclick: () => send("return") }, t("docflow.return")),
        h("button", { type: "button", class: "danger", dataset: { verdict: "reject" }, onclick: () => send("reject") }, t("docflow.reject")),
        h("button", { type: "button", dataset: { verdict: "comment" }, onclick: () => send("comment") }, t("docflow.comment_only"))),
      h("div", { class: "doc-actions", dataset: { field: "delegate_to" } }, to, h("button", { type: "button", onclick: () => send("delegate", { delegate_to: to.value }) }, t("docflow.delegate")), slot()));
    return box;
  }

  timeline(doc) {
    const route = doc.route;
    if (!route) return h("section", {}, h("h3", {}, t("docflow.route")), h("p", { class: "muted" }, t("docflow.no_route")));
    const me = ui.api.store.me && ui.api.store.me.id;
    const stepItem = (s) => h("li", { dataset: { step: s.id, status: s.status } },
      `${personName(s.assignee_id)} — ${t(`docflow.step.${s.status}`)}`,
      s.due_at && s.status === "pending" ? ` (${t("docflow.due")}: ${when(s.due_at)})` : "",
      s.delegated_from ? ` ← ${personName(s.delegated_from)}` : "",
      s.status === "pending" && s.assignee_id !== me && ui.api.can("docflow.manage") ? this.substitute(s) : null);
    const stageItem = (stage, i) => h("li", { class: i === route.stage && route.status === "active" ? "current" : "" },
      h("strong", {}, stage.title || t(`docflow.kind.${stage.kind}`)),
      ` · ${t(`docflow.mode.${stage.mode}`)} · ${t("docflow.days")}: ${stage.days}`,
      h("ul", { class: "plain" }, route.steps.filter((s) => s.stage === i).map(stepItem)));
    const decision = (d) => h("li", {},
      `${when(d.decided_at)} · ${personName(d.operator_id)} ${t(`docflow.verdict.${d.verdict}`)}`,
      d.comment ? `: «${d.comment}»` : "");
    return h("section", { class: "doc-timeline" },
      h("h3", {}, t("docflow.timeline")),
      h("ol", { class: "doc-stages" }, route.stages.map(stageItem)),
      route.decisions.length ? h("ul", { class: "plain doc-decisions" }, route.decisions.map(decision)) : null);
  }

  links(doc) {
    if (!doc.links.length) return null;
    const href = (l) => (l.kind === "appeal" ? `#/-/${l.target_id}` : ["reply_to", "supersedes", "related"].includes(l.kind) ? docHref(l.target_id) : l.kind === "task" ? `#/work/tasks/${l.target_id}` : null);
    return h("section", { class: "doc-links" }, h("h3", {}, t("docflow.links")),
      h("ul", { class: "plain" }, doc.links.filter((l) => !["notice", "robot"].includes(l.kind)).map((l) => {
        const target = href(l);
        return h("li", {}, `${t(`docflow.link.${l.kind}`)}: `, target ? h("a", { href: target }, String(l.target_id).slice(0, 8)) : String(l.target_id).slice(0, 8));
      })));
  }

  /** A manager hands an absent person's step to a deputy. */
  substitute(step) {
    const to = h("select", { "aria-label": t("docflow.substitute_for", { name: personName(step.assignee_id) }) },
      people().filter((p) => p.id !== step.assignee_id).map((p) => h("option", { value: p.id }, p.name || p.login)));
    return h("span", { class: "doc-substitute" }, " ", to, " ",
      h("button", { type: "button", onclick: () => this.act(ui.api.api.post(`/api/docflow/steps/${step.id}/decisions`, { decision_id: crypto.randomUUID(), verdict: "delegate", delegate_to: to.value }), t("docflow.decided")) }, t("docflow.delegate")));
  }

  routeForm(doc) {
    if (!ui.api.can("docflow.write") || (doc.route && doc.route.status === "active") || ["approved", "rejected"].includes(doc.status)) return null;
    const host = h("div", { class: "doc-route-form" });
    // the refusal goes back to the form, said at the stage's control it names
    const startRoute = async (stages) => {
      await ui.api.api.post(`/api/docflow/documents/${doc.id}/route`, { stages });
      ui.api.toast(t("docflow.sent"));
      await this.refresh();
    };
    const open = h("button", { type: "button", onclick: () => ui.api.replace(host, stagesForm({ onSubmit: startRoute })) }, t("docflow.start_route"));
    ui.api.replace(host, open);
    return host;
  }

  files(doc) {
    const input = h("input", { type: "file", "aria-label": t("docflow.upload") });
    input.addEventListener("change", () => {
      if (!input.files.length) return;
      const form = new FormData();
      form.append("file", input.files[0], input.files[0].name);
      this.act(postForm(`/api/docflow/documents/${doc.id}/files`, form), null, section);
    });
    const template = h("select", { "aria-label": t("docflow.template") }, this.templates.map((x) => h("option", { value: x.id }, x.name)));
    const pdf = h("input", { type: "checkbox", disabled: !this.pdf, "aria-describedby": this.pdf ? null : `doc-pdf-off-${doc.id}` });
    const section = h("section", { class: "doc-files" },
      h("h3", {}, t("docflow.files")),
      doc.files.length ? h("ul", { class: "plain" }, doc.files.map((file) => h("li", {},
        h("a", { href: `/api/docflow/documents/${doc.id}/files/${file.id}`, download: file.name }, file.name), ` · ${t("docflow.version", { n: file.version })} · ${when(file.uploaded_at)}`))) : null,
      // a refused file (empty, too large, a type not kept: 422 at file) is said under it
      ui.api.can("docflow.write") ? h("div", { class: "doc-upload", dataset: { field: "file" } }, h("label", { class: "inline" }, t("docflow.upload"), " ", input), h("span", { class: "field-error", role: "alert" })) : null,
      this.templates.length ? h("div", { class: "doc-actions" }, template, h("label", { class: "inline" }, pdf, " ", t("docflow.pdf")),
        this.pdf ? null : h("span", { class: "muted doc-pdf-off", id: `doc-pdf-off-${doc.id}` }, t("docflow.pdf_off")),
        h("button", { type: "button", onclick: () => this.act(ui.api.api.post(`/api/docflow/documents/${doc.id}/render`, { template_id: template.value, pdf: pdf.checked }), t("docflow.rendered")) }, t("docflow.render"))) : null);
    return section;
  }
}

/** Stages as form controls (no JSON): per stage a title, the action, all/any, people, days. */
export function stagesForm({ stages = [], onSubmit, submitLabel = t("docflow.start_route") }) {
  const list = h("ol", { class: "doc-stage-rows" });
  const everyone = people();
  const addRow = (stage = { kind: "approve", mode: "all", assignees: [], days: 3, title: "" }) => {
    const n = list.children.length + 1;
    const title = h("input", { type: "text", value: stage.title || "", maxlength: "200", "aria-label": `${t("docflow.stage_title")} ${n}` });
    const kind = h("select", { "aria-label": `${t("docflow.step_kind")} ${n}` }, KINDS.map((k) => h("option", { value: k, selected: k === stage.kind }, t(`docflow.kind.${k}`))));
    const mode = h("select", { "aria-label": `${t("docflow.mode")} ${n}` }, ["all", "any"].map((m) => h("option", { value: m, selected: m === stage.mode }, t(`docflow.mode.${m}`))));
    const who = h("select", { multiple: true, size: String(Math.min(5, Math.max(2, everyone.length))), "aria-label": `${t("docflow.assignees")} ${n}` },
      everyone.map((p) => h("option", { value: p.id, selected: stage.assignees.includes(p.id) }, p.name || p.login)));
    const days = h("input", { type: "number", min: "0", max: "365", value: String(stage.days), inputmode: "numeric", "aria-label": `${t("docflow.days")} ${n}` });
    // each control with a slot for its refusal; its field path (stages[i].…) is set on sending
    const part = (name, label, control) => h("label", { dataset: { part: name } }, label, control, h("span", { class: "field-error", role: "alert" }));
    const row = h("li", { class: "doc-stage-row" },
      h("span", { class: "doc-stage-n" }, t("docflow.stage_n", { n })),
      part("title", t("docflow.stage_title"), title), part("kind", t("docflow.step_kind"), kind),
      part("mode", t("docflow.mode"), mode), part("assignees", t("docflow.assignees"), who), part("days", t("docflow.days"), days),
      h("button", { type: "button", onclick: () => row.remove() }, t("docflow.remove_stage", { n })));
    row.read = () => ({ title: title.value.trim(), kind: kind.value, mode: mode.value, days: Number(days.value || 0), assignees: [...who.selectedOptions].map((o) => o.value) });
    list.append(row);
  };
  (stages.length ? stages : [undefined]).forEach((s) => addRow(s));
  const error = h("p", { class: "form-error", role: "alert" });
  const form = h("form", { class: "admin-form doc-stages-form", "aria-label": t("docflow.route") },
    list,
    h("button", { type: "button", onclick: () => addRow() }, t("docflow.add_stage")),
    error,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, submitLabel)));
  // the rows as the API numbers them (a row removed renumbers those below)
  form.read = () => [...list.children].map((row, i) => {
    for (const el of row.querySelectorAll("[data-part]")) el.dataset.field = `stages[${i}].${el.dataset.part}`;
    return row.read();
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    ui.api.forms.clearErrors(form);
    try {
      await onSubmit(form.read());
    } catch (err) {
      ui.api.forms.showError(form, err, stageErrorText(err));
    }
  });
  return form;
}

/** Start a process: staff's from the console, a member's on an appeal (``appealId``). */
export function processForm({ processes, organizations = [], appealId = null, onDone, onCancel }) {
  const f = ui.api.forms;
  const process = h("select", { name: "process_id" }, processes.map((p) => h("option", { value: p.id }, p.name)));
  const organization = h("select", { name: "organization_id" }, organizations.map((o) => h("option", { value: o.id }, o.name)));
  const title = h("input", { type: "text", name: "title", maxlength: "300", required: true });
  const summary = h("textarea", { name: "summary", rows: "3" });
  const form = h("form", { class: "admin-form doc-process-form", "aria-label": t("docflow.start_process") },
    f.field("process_id", t("docflow.process"), process),
    appealId ? null : f.field("organization_id", t("docflow.organization"), organization),
    f.field("title", t("docflow.title_field"), title, { required: true }),
    f.field("summary", t("docflow.summary"), summary),
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("docflow.start")),
      onCancel ? h("button", { type: "button", onclick: onCancel }, t("docflow.cancel")) : null));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    f.clearErrors(form);
    const chosen = processes.find((p) => p.id === process.value);
    const body = { title: title.value.trim(), summary: summary.value, organization_id: appealId ? appealId.organization : organization.value };
    if (appealId) body.appeal_id = appealId.id;
    try {
      const doc = await ui.api.api.post(`/api/docflow/processes/${chosen ? chosen.id : ""}/start`, body);
      ui.api.toast(t("docflow.started", { number: doc.number || doc.title }));
      onDone && onDone(doc);
    } catch (error) {
      f.showError(form, error);
    }
  });
  return form;
}

export { docHref };

/** A stage's people in words: none chosen, over 30, or one who cannot see the documents. */
export function stageErrorText(error) {
  if (/^stages\[\d+\]\.assignees/.test(error.field || "")) return t("docflow.err.assignees");
  return undefined;
}
