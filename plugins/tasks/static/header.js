// <ul-task-counters> in the console's top bar (the "header" slot): my open tasks, those due
// today and the overdue ones, a link to «Задачи». Kept live: any tasks.* event on the socket
// asks for the counters again (debounced), and a quiet refresh every five minutes catches a
// deadline passing with nobody acting.

import { h, t, ui } from "./common.js";

class TaskCounters extends HTMLElement {
  connectedCallback() {
    this.off = ui.api.on("event", (frame) => {
      if (!String(frame.event || "").startsWith("tasks.")) return;
      clearTimeout(this.soon);
      this.soon = setTimeout(() => this.load(), 300);
    });
    this.timer = setInterval(() => this.load(), 300000);
    this.load();
  }

  disconnectedCallback() {
    if (this.off) this.off();
    clearTimeout(this.soon);
    clearInterval(this.timer);
  }

  async load() {
    let c;
    try {
      c = await ui.api.api.get("/api/tasks/counters");
    } catch {
      return;
    }
    const label = t("tasks.header_label", { mine: c.mine, today: c.today, overdue: c.overdue });
    ui.api.replace(this,
      h("a", { href: "#/work/tasks", class: "task-counters", "aria-label": label, title: label },
        h("span", { class: "tc-mine" }, h("span", { class: "tc-word" }, t("tasks.header"), " "), h("b", {}, String(c.mine))),
        c.today ? h("span", { class: "chip tc-today" }, `${t("tasks.header_today")} ${c.today}`) : null,
        c.overdue ? h("span", { class: "chip tc-overdue" }, `${t("tasks.header_overdue")} ${c.overdue}`) : null));
    this.dataset.mine = String(c.mine);
    this.dataset.today = String(c.today);
    this.dataset.overdue = String(c.overdue);
  }
}

if (!customElements.get("ul-task-counters")) customElements.define("ul-task-counters", TaskCounters);
