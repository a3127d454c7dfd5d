// Beside an open appeal (slot "appeal-side"): the appeal's documents with their stage, and a
// member's process (material aid, a camp voucher) started on the appeal in one form.

import { docHref, h, statusChip, t, ui } from "./common.js";
import { processForm } from "./card.js";

class AppealDocuments extends HTMLElement {
  static get observedAttributes() {
    return ["appeal-id"];
  }

  connectedCallback() {
    this.offs = [ui.api.on("event", (frame) => {
      if ((frame.event || "").startsWith("docflow.")) this.load();
    })];
    this.load();
  }

  disconnectedCallback() {
    (this.offs || []).forEach((off) => off());
  }

  attributeChangedCallback() {
    if (this.offs) this.load();
  }

  async load() {
    const id = this.getAttribute("appeal-id");
    if (!id) return;
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    const [page, processes, appeal] = await Promise.all([
      ui.api.api.get("/api/docflow/documents/", { view: "all", appeal_id: id }).catch(() => ({ items: [] })),
      ui.api.can("docflow.write") ? ui.api.api.get("/api/docflow/processes").catch(() => []) : [],
      ui.api.api.get(`/api/appeals/${id}`).catch(() => null),
    ]);
    if (ticket !== this.ticket) return;
    const host = h("div", {});
    const members = processes.filter((p) => p.audience === "member");
    ui.api.replace(this, h("section", { class: "appeal-docflow", "aria-label": t("docflow.appeal_docs") },
      h("h3", {}, t("docflow.appeal_docs")),
      page.items.length
        ? h("ul", { class: "plain" }, page.items.map((d) => h("li", {}, h("a", { href: docHref(d.id) }, d.number || d.title), " ", statusChip(d.status), d.stage ? ` · ${d.stage}` : "")))
        : h("p", { class: "muted" }, t("docflow.no_appeal_docs")),
      members.length && appeal ? h("button", { type: "button", class: "start-process", onclick: () => ui.api.replace(host, processForm({ processes: members, appealId: { id, organization: appeal.organization_id }, onDone: () => this.load(), onCancel: () => ui.api.replace(host) })) }, t("docflow.start_process")) : null,
      host));
  }
}

customElements.define("ul-appeal-docflow", AppealDocuments);
