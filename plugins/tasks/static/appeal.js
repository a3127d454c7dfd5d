// Beside an open appeal (slot "appeal-side"): its tasks with their state, and «Создать
// задачу» — one click sets a task carrying the member and the appeal link (optionally from a
// template, with a form for the rest).

import { h, loadVocabulary, statusChip, t, taskHref, ui } from "./common.js";
import { newTaskForm } from "./form.js";

class AppealTasks extends HTMLElement {
  connectedCallback() {
    this.appealId = this.getAttribute("appeal-id");
    this.offs = [ui.api.on("event", (frame) => {
      const type = frame.event || "";
      if (type.startsWith("tasks.") && (frame.data || {}).appeal_id === this.appealId) this.load();
    })];
    loadVocabulary().catch(() => null).then(() => this.load());
  }

  disconnectedCallback() {
    (this.offs || []).forEach((off) => off());
  }

  async load() {
    try {
      this.view = await ui.api.api.get(`/api/tasks/appeals/${this.appealId}`);
      this.error = null;
    } catch (error) {
      this.error = ui.api.errorText(error);
    }
    if (this.isConnected) this.render();
  }

  async quick() {
    try {
      await ui.api.api.post("/api/tasks/", { appeal_id: this.appealId });
      ui.api.toast(t("tasks.created"));
      this.load();
    } catch (error) {
      ui.api.toastError(error);
    }
  }

  render() {
    const view = this.view;
    this.formHost = this.formHost || h("div", {});
    ui.api.replace(this,
      h("section", { class: "appeal-tasks", "aria-labelledby": `tasks-${this.appealId}` },
        h("h3", { id: `tasks-${this.appealId}` }, t("tasks.on_appeal"), view && view.tasks.length ? h("span", { class: "muted-text" }, ` — ${t("tasks.on_appeal_count", { open: view.open, done: view.done })}`) : null),
        this.error ? h("p", { class: "muted" }, this.error) : null,
        view && view.tasks.length ? h("ul", { class: "plain" }, view.tasks.map((c) => h("li", { dataset: { task: c.id } }, h("a", { href: taskHref(c.id) }, c.title), " ", statusChip(c.status)))) : null,
        ui.api.can("tasks.create") ? h("div", { class: "appeal-task-buttons" },
          h("button", { type: "button", class: "create-task", onclick: () => this.quick() }, t("tasks.create_from_appeal")),
          h("button", { type: "button", class: "create-task-form", onclick: () => ui.api.replace(this.formHost, newTaskForm({ appealId: this.appealId, onDone: () => { ui.api.replace(this.formHost); this.load(); }, onCancel: () => ui.api.replace(this.formHost) })) }, `${t("tasks.new")}…`)) : null,
        this.formHost));
  }
}

customElements.define("ul-appeal-tasks", AppealTasks);
