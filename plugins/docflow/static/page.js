// «Документы» (#/work/docflow[/<document id>]): «На согласовании у меня», «Мои документы», all
// documents of the operator's organizations and the registration journals; a document's card
// (card.js); the form of a new document. Lists show the stage and who holds each document now,
// and follow the console's socket: a colleague's decision redraws them (docflow.* events).

import { day, docHref, h, organizations, personName, statusChip, t, ui, use, when } from "./common.js";
import { DocumentCard, processForm } from "./card.js";

export function setup(consoleApi) {
  use(consoleApi);
}

const VIEWS = ["awaiting", "mine", "all", "journals"];
const state = { view: "awaiting", journal: "", year: new Date().getFullYear() };

class DocflowPage extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page", "docflow-page");
    this.offs = [ui.api.on("event", (frame) => this.onEvent(frame))];
    this.route();
  }

  disconnectedCallback() {
    (this.offs || []).forEach((off) => off());
  }

  attributeChangedCallback() {
    if (this.offs) this.route();
  }

  route() {
    const path = this.getAttribute("path") || "";
    if (/^[0-9a-f-]{36}$/.test(path)) {
      this.card = new DocumentCard(path);
      ui.api.replace(this, this.card.element);
      this.card.load();
      return;
    }
    this.card = null;
    this.renderFrame();
    this.load();
  }

  renderFrame() {
    const tabs = h("div", { class: "doc-tabs", role: "group", "aria-label": t("docflow.views") },
      VIEWS.map((v) => h("button", { type: "button", "aria-pressed": String(state.view === v), dataset: { view: v }, onclick: () => { state.view = v; this.renderFrame(); this.load(); } }, t(`docflow.view.${v}`))));
    this.body = h("div", { class: "docflow-body", "aria-live": "polite" }, h("p", { class: "muted" }, t("docflow.loading")));
    this.formHost = h("div", {});
    ui.api.replace(this,
      h("div", { class: "admin-head" }, h("h2", {}, t("docflow.title")),
        ui.api.can("docflow.write") ? h("span", { class: "doc-head-buttons" },
          h("button", { type: "button", class: "primary", onclick: () => this.openForm() }, t("docflow.new")),
          h("button", { type: "button", class: "start-process", onclick: () => this.openProcess() }, t("docflow.start_process"))) : null),
      this.formHost, tabs, this.body);
  }

  async load() {
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    try {
      const content = state.view === "journals" ? await this.journals() : await this.list();
      if (ticket === this.ticket && !this.card) ui.api.replace(this.body, content);
    } catch (error) {
      if (ticket === this.ticket) ui.api.replace(this.body, h("p", { class: "page-missing", role: "alert" }, ui.api.errorText(error)));
    }
  }

  async list() {
    const page = await ui.api.api.get("/api/docflow/documents/", { view: state.view, limit: 200 });
    if (!page.items.length) return h("p", { class: "muted" }, t("docflow.empty"));
    return h("ul", { class: "admin-cards doc-list" }, page.items.map((doc) =>
      h("li", { class: "admin-card", dataset: { document: doc.id } },
        h("span", { class: "card-title" }, h("a", { href: docHref(doc.id) }, doc.title), " ", statusChip(doc.status),
          doc.priority !== "normal" ? h("span", { class: `chip p-${doc.priority}` }, t(`docflow.p.${doc.priority}`)) : null),
        h("span", { class: "doc-meta" },
          h("span", {}, `${t("docflow.number")}: ${doc.number || t("docflow.no_number")}`),
          doc.stage ? h("span", { class: "doc-stage" }, `${t("docflow.stage")}: ${doc.stage}`) : null,
          doc.holders.length ? h("span", { class: "doc-holders" }, `${t("docflow.holders")}: ${doc.holders.map(personName).join(", ")}`) : null,
          doc.due_at ? h("span", {}, `${t("docflow.due")}: ${when(doc.due_at)}`) : null,
          doc.control_date ? h("span", {}, `${t("docflow.control_date")}: ${day(doc.control_date)}`) : null))));
  }

  async journals() {
    // Archived journals stay readable: their entries are the registry of what was registered.
    const list = await ui.api.api.get("/api/docflow/journals", { archived: true });
    if (!list.length) return h("p", { class: "muted" }, t("docflow.journal_empty"));
    if (!list.some((j) => j.id === state.journal)) state.journal = list[0].id;
    const pick = h("select", { onchange: (e) => { state.journal = e.target.value; this.load(); } },
      list.map((j) => h("option", { value: j.id, selected: j.id === state.journal }, j.archived ? `${j.name} (${t("docflow.in_archive")})` : j.name)));
    const year = h("input", { type: "number", min: "1991", max: "2100", value: String(state.year), onchange: (e) => { state.year = Number(e.target.value) || state.year; this.load(); } });
    const page = await ui.api.api.get(`/api/docflow/journals/${state.journal}/entries`, { year: state.year });
    const rows = page.entries.map((e) => h("tr", {},
      h("td", {}, e.number), h("td", {}, when(e.registered_at)), h("td", {}, e.kind),
      h("td", {}, h("a", { href: docHref(e.document_id) }, e.title)), h("td", {}, e.correspondent), h("td", {}, t(`docflow.st.${e.status}`)), h("td", {}, e.stage)));
    return h("div", { class: "doc-journal" },
      h("div", { class: "doc-filters" },
        h("label", { class: "inline" }, t("docflow.journal"), " ", pick),
        h("label", { class: "inline" }, t("docflow.year"), " ", year),
        h("a", { class: "button", href: `/api/docflow/journals/${state.journal}/export?year=${state.year}`, download: "" }, t("docflow.export"))),
      rows.length
        ? h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("docflow.journal") },
          h("table", { class: "doc-table" },
            h("thead", {}, h("tr", {}, ["number", "registered_at", "kind", "title_field", "correspondent", "status", "stage"].map((k) => h("th", { scope: "col" }, t(`docflow.${k}`))))),
            h("tbody", {}, rows)))
        : h("p", { class: "muted" }, t("docflow.journal_empty")));
  }

  async openForm() {
    const f = ui.api.forms;
    const orgs = await organizations();
    const organization = h("select", { name: "organization_id" }, orgs.map((o) => h("option", { value: o.id }, o.name)));
    const kind = h("select", { name: "kind_id" });
    const title = h("input", { type: "text", name: "title", maxlength: "300", required: true });
    const summary = h("textarea", { name: "summary", rows: "3" });
    const priority = h("select", { name: "priority" }, ["low", "normal", "high", "urgent"].map((p) => h("option", { value: p, selected: p === "normal" }, t(`docflow.p.${p}`))));
    const control = h("input", { type: "date", name: "control_date" });
    const correspondent = h("input", { type: "text", name: "correspondent", maxlength: "300" });
    const requisites = h("div", { class: "doc-requisites" });
    const noKinds = h("p", { class: "notice doc-no-kinds", role: "status", hidden: true });
    let kinds = [];
    const fillKinds = async () => {
      kinds = await ui.api.api.get("/api/docflow/kinds", { organization_id: organization.value }).catch(() => []);
      ui.api.replace(kind, kinds.map((k) => h("option", { value: k.id }, `${k.name} (${t(`docflow.cat.${k.category}`)})`)));
      // a new installation has no kinds: say where they are made instead of an empty list
      noKinds.hidden = kinds.length > 0;
      ui.api.replace(noKinds, t("docflow.no_kinds"), " ",
        ui.api.can("docflow.manage") ? h("a", { href: "#/admin/docflow-setup" }, t("docflow.no_kinds_setup")) : t("docflow.no_kinds_ask"));
      fillRequisites();
    };
    const fillRequisites = () => {
      const chosen = kinds.find((k) => k.id === kind.value);
      ui.api.replace(requisites, (chosen ? chosen.requisites : []).map((r) =>
        f.field(`requisites.${r.name}`, r.label, r.type === "choice"
          ? h("select", { name: `requisites.${r.name}`, dataset: { requisite: r.name } }, h("option", { value: "" }, t("docflow.none")), r.options.map((o) => h("option", { value: o }, o)))
          : h("input", { type: r.type === "date" ? "date" : "text", name: `requisites.${r.name}`, dataset: { requisite: r.name }, required: r.required }), { required: r.required })));
    };
    organization.addEventListener("change", fillKinds);
    kind.addEventListener("change", fillRequisites);
    const form = h("form", { class: "admin-form doc-form", "aria-label": t("docflow.new") },
      f.field("organization_id", t("docflow.organization"), organization),
      f.field("kind_id", t("docflow.kind"), kind),
      noKinds,
      f.field("title", t("docflow.title_field"), title, { required: true }),
      f.field("summary", t("docflow.summary"), summary),
      f.field("priority", t("docflow.priority"), priority),
      f.field("control_date", t("docflow.control_date"), control),
      f.field("correspondent", t("docflow.correspondent"), correspondent),
      requisites,
      h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("docflow.create")), h("button", { type: "button", onclick: () => ui.api.replace(this.formHost) }, t("docflow.cancel"))));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      f.clearErrors(form);
      const body = { organization_id: organization.value, kind_id: kind.value, title: title.value.trim(), summary: summary.value, priority: priority.value, requisites: {} };
      if (control.value) body.control_date = control.value;
      if (correspondent.value.trim()) body.correspondent = { kind: "other", name: correspondent.value.trim() };
      for (const input of requisites.querySelectorAll("[data-requisite]")) if (input.value) body.requisites[input.dataset.requisite] = input.value;
      try {
        const doc = await ui.api.api.post("/api/docflow/documents/", body);
        ui.api.toast(t("docflow.created"));
        ui.api.replace(this.formHost);
        location.hash = docHref(doc.id);
      } catch (error) {
        f.showError(form, error);
      }
    });
    ui.api.replace(this.formHost, form);
    await fillKinds();
  }

  async openProcess() {
    const processes = await ui.api.api.get("/api/docflow/processes").catch(() => []);
    ui.api.replace(this.formHost, processForm({ processes, organizations: await organizations(), onDone: (doc) => { ui.api.replace(this.formHost); location.hash = docHref(doc.id); }, onCancel: () => ui.api.replace(this.formHost) }));
  }

  onEvent(frame) {
    const type = frame.event || "";
    if (!type.startsWith("docflow.")) return;
    const data = frame.data || {};
    if (this.card) {
      if (data.document_id === this.card.id) this.card.refresh();
      return;
    }
    clearTimeout(this.refresh);
    this.refresh = setTimeout(() => this.load(), 300);
  }
}

customElements.define("ul-docflow-page", DocflowPage);
