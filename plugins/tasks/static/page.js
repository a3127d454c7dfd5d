// «Задачи» (#/work/tasks[/<task id>]): the operator's tasks as a list, a kanban board (a
// project's stages, or statuses for tasks without a project) or a timeline of deadlines; a
// task's page; the form that sets a task. Cards move by drag and drop or by the ← → buttons;
// a move by anyone reaches every open board through the console's socket (tasks.moved) and
// the card moves there without the board being loaded again.

import { cardMeta, h, loadVocabulary, priorityLabel, statusChip, statusLabel, t, taskHref, ui, use, when } from "./common.js";
import { STRINGS } from "./strings.js";
import { TaskView } from "./task.js";
import { newTaskForm } from "./form.js";
import { newProjectForm, projectSettings } from "./project.js";
import { recurringPanel } from "./recurring.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
  if (!document.querySelector("link[data-tasks-css]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./tasks.css", import.meta.url).href, dataset: { tasksCss: "1" } }));
  }
}

const VIEWS = ["mine", "set_by_me", "observing", "overdue", "all"];
const MODES = ["list", "board", "timeline"];
const state = { view: "mine", mode: "list", project: "", q: "" };

class TasksPage extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  async connectedCallback() {
    this.classList.add("admin-page", "tasks-page");
    this.offs = [ui.api.on("event", (frame) => this.onEvent(frame))];
    await loadVocabulary().catch(() => null);
    this.projects = await ui.api.api.get("/api/tasks/projects/").catch(() => []);
    this.saved = await ui.api.api.get("/api/tasks/views").catch(() => []);
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
      this.detail = new TaskView(path, () => this.route());
      ui.api.replace(this, this.detail.element);
      this.detail.load();
      return;
    }
    this.detail = null;
    this.renderFrame();
    this.load();
  }

  renderFrame() {
    const views = h("div", { class: "task-tabs", role: "group", "aria-label": t("tasks.views") },
      VIEWS.map((v) => h("button", { type: "button", "aria-pressed": String(state.view === v), dataset: { view: v }, onclick: () => { state.view = v; this.renderFrame(); this.load(); } },
        t(`tasks.view.${v}`), this.counters && v !== "all" ? h("span", { class: "count" }, String(this.counters[v] ?? "")) : null)));
    const modes = h("div", { class: "task-tabs", role: "group", "aria-label": t("tasks.modes") },
      MODES.map((m) => h("button", { type: "button", "aria-pressed": String(state.mode === m), dataset: { mode: m }, onclick: () => { state.mode = m; this.renderFrame(); this.load(); } }, t(`tasks.mode.${m}`))));
    const project = h("select", { "aria-label": t("tasks.project"), onchange: (e) => { state.project = e.target.value; this.renderFrame(); this.load(); } },
      h("option", { value: "", selected: !state.project }, t("tasks.no_project")),
      (this.projects || []).map((p) => h("option", { value: p.id, selected: state.project === p.id }, p.name)));
    const search = h("input", { type: "search", value: state.q, placeholder: t("tasks.search"), "aria-label": t("tasks.search"), oninput: (e) => { state.q = e.target.value; clearTimeout(this.typing); this.typing = setTimeout(() => this.load(), 250); } });
    this.body = h("div", { class: "tasks-body", "aria-live": "polite" }, h("p", { class: "muted" }, t("tasks.loading")));
    this.formHost = h("div", {});
    const chosen = (this.projects || []).find((p) => p.id === state.project);
    ui.api.replace(
      this,
      h("div", { class: "admin-head" }, h("h2", {}, t("tasks.title")),
        ui.api.can("tasks.create") ? h("button", { type: "button", class: "primary", onclick: () => this.openForm() }, t("tasks.new")) : null,
        ui.api.can("tasks.projects") ? h("button", { type: "button", class: "new-project", onclick: () => this.openNewProject() }, t("tasks.new_project")) : null,
        ui.api.can("tasks.templates") ? h("button", { type: "button", class: "recurring", onclick: () => this.openRecurring() }, t("tasks.rec.open")) : null),
      this.formHost,
      views,
      h("div", { class: "task-filters" }, modes, h("label", { class: "inline" }, t("tasks.project"), " ", project),
        chosen && chosen.may_edit ? h("button", { type: "button", class: "project-settings", onclick: () => this.openProject(chosen) }, t("tasks.project_settings")) : null,
        state.mode === "list" ? search : null),
      this.savedViews(),
      this.body,
    );
  }

  /** Saved views (the operator's own, on the server) and the calendar feed's link. */
  savedViews() {
    const pick = h("select", { "aria-label": t("tasks.saved_views"), class: "saved-views", onchange: (e) => this.applyView(e.target.value) },
      h("option", { value: "" }, t("tasks.saved_none")),
      (this.saved || []).map((v) => h("option", { value: v.id, selected: this.viewId === v.id }, v.name)));
    const name = h("input", { type: "text", "aria-label": t("tasks.view_name"), placeholder: t("tasks.view_name"), class: "view-name" });
    const save = async () => {
      if (!name.value.trim()) return name.focus();
      const filters = { view: state.view, mode: state.mode, q: state.q.trim() };
      if (state.project) filters.project_id = state.project;
      ui.api.forms.clearErrors(saving);
      try {
        const view = await ui.api.api.post("/api/tasks/views", { name: name.value.trim(), filters });
        this.saved = await ui.api.api.get("/api/tasks/views");
        this.viewId = view.id;
        ui.api.toast(t("tasks.view_saved"));
        this.renderFrame();
        this.load();
      } catch (error) {
        // the 51st view (422 at name): said under the name, not in a toast
        ui.api.forms.showError(saving, error, error.field === "name" && error.code === "invalid" ? t("tasks.err.views_max") : undefined);
      }
    };
    const remove = async () => {
      try {
        await ui.api.api.del(`/api/tasks/views/${this.viewId}`);
        this.saved = await ui.api.api.get("/api/tasks/views");
        this.viewId = null;
        this.renderFrame();
        this.load();
      } catch (error) {
        ui.api.toastError(error);
      }
    };
    const saving = h("details", { class: "task-save-view" }, h("summary", {}, t("tasks.save_view")),
      h("div", { class: "task-field", dataset: { field: "name" } },
        h("div", { class: "inline-form" }, name, h("button", { type: "button", class: "primary", onclick: save }, t("tasks.save"))),
        h("span", { class: "field-error", role: "alert" })));
    const feedOut = h("div", {});
    const feed = async () => {
      try {
        const link = await ui.api.api.post("/api/tasks/feed");
        const url = new URL(link.url, location.origin).href;
        ui.api.replace(feedOut, h("input", { type: "text", readonly: true, value: url, class: "feed-url", "aria-label": t("tasks.feed_url"), onfocus: (e) => e.target.select() }));
      } catch (error) {
        ui.api.toastError(error);
      }
    };
    return h("div", { class: "task-saved" },
      h("label", { class: "inline" }, t("tasks.saved_views"), " ", pick),
      this.viewId ? h("button", { type: "button", class: "delete-view", onclick: remove }, t("tasks.delete_view")) : null,
      saving,
      h("details", { class: "task-feed" }, h("summary", {}, t("tasks.feed")),
        h("p", { class: "muted-text" }, t("tasks.feed_hint")), h("button", { type: "button", onclick: feed }, t("tasks.feed_make")), feedOut));
  }

  applyView(id) {
    const view = (this.saved || []).find((v) => v.id === id);
    this.viewId = view ? view.id : null;
    if (view) {
      const f = view.filters;
      state.view = f.view || "mine";
      state.mode = f.mode || "list";
      state.project = f.project_id || "";
      state.q = f.q || "";
    }
    this.renderFrame();
    this.load();
  }

  openNewProject() {
    ui.api.replace(this.formHost, newProjectForm({
      onDone: async (project) => {
        this.projects = await ui.api.api.get("/api/tasks/projects/").catch(() => [...(this.projects || []), project]);
        state.project = project.id;
        state.mode = "board";
        this.renderFrame();
        this.load();
        this.openProject(project);
      },
      onCancel: () => ui.api.replace(this.formHost),
    }));
  }

  openProject(project) {
    ui.api.replace(this.formHost, projectSettings(project, {
      onChange: (fresh) => {
        this.projects = (this.projects || []).map((p) => (p.id === fresh.id ? fresh : p));
        if (state.mode === "board") this.load();
      },
      onClose: () => { ui.api.replace(this.formHost); this.renderFrame(); this.load(); },
    }));
  }

  async openRecurring() {
    const close = (made) => (made ? this.openRecurring() : ui.api.replace(this.formHost));
    ui.api.replace(this.formHost, await recurringPanel({ onClose: close }));
    this.formHost.scrollIntoView({ block: "nearest" });
  }

  openForm() {
    ui.api.replace(this.formHost, newTaskForm({ project: state.project, onDone: (task) => { ui.api.replace(this.formHost); location.hash = taskHref(task.id); }, onCancel: () => ui.api.replace(this.formHost) }));
  }

  async load() {
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    try {
      const counters = ui.api.api.get("/api/tasks/counters");
      let content;
      if (state.mode === "board") content = await this.loadBoard();
      else if (state.mode === "timeline") content = await this.loadTimeline();
      else content = await this.loadList();
      const fresh = await counters;
      if (ticket !== this.ticket || this.detail) return;
      ui.api.replace(this.body, content);
      if (JSON.stringify(fresh) !== JSON.stringify(this.counters)) {
        this.counters = fresh;
        for (const button of this.querySelectorAll("[data-view]")) {
          const count = button.querySelector(".count");
          if (count) count.textContent = String(fresh[button.dataset.view] ?? "");
          else if (button.dataset.view !== "all") button.append(h("span", { class: "count" }, String(fresh[button.dataset.view] ?? "")));
        }
      }
    } catch (error) {
      if (ticket === this.ticket) ui.api.replace(this.body, h("p", { class: "page-missing", role: "alert" }, ui.api.errorText(error)));
    }
  }

  async loadList() {
    const query = { view: state.view, limit: 200 };
    if (state.project) query.project_id = state.project;
    if (state.q.trim()) query.q = state.q.trim();
    const page = await ui.api.api.get("/api/tasks/", query);
    if (!page.items.length) return h("p", { class: "muted" }, t("tasks.empty"));
    return h("ul", { class: "admin-cards task-list" }, page.items.map((card) =>
      h("li", { class: "admin-card", dataset: { task: card.id } },
        h("span", { class: "card-title" }, h("a", { href: taskHref(card.id) }, card.title), statusChip(card.status), card.priority !== "normal" ? h("span", { class: `chip p-${card.priority}` }, priorityLabel(card.priority)) : null),
        cardMeta(card))));
  }

  async loadBoard() {
    const query = { view: state.view };
    if (state.project) query.project_id = state.project;
    this.board = await ui.api.api.get("/api/tasks/board", query);
    this.boardEl = h("div", { class: "task-board" });
    this.drawBoard();
    return this.boardEl;
  }

  drawBoard() {
    const columns = this.board.columns;
    ui.api.replace(this.boardEl, columns.map((column, index) => {
      column.cards.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
      const list = h("ol", { class: "task-column-cards", dataset: { column: column.id } }, column.cards.map((card) => this.cardEl(card, index)));
      list.addEventListener("dragover", (e) => { e.preventDefault(); list.classList.add("drop"); });
      list.addEventListener("dragleave", () => list.classList.remove("drop"));
      list.addEventListener("drop", (e) => { e.preventDefault(); list.classList.remove("drop"); this.dropped(e, column, list); });
      const name = column.status && !this.board.project_id ? statusLabelOf(column) : column.name;
      return h("section", { class: "task-column", "aria-label": t("tasks.column", { name, n: column.cards.length }), dataset: { column: column.id } },
        h("h3", {}, name, " ", h("span", { class: "count" }, String(column.cards.length))), list);
    }));
  }

  cardEl(card, index) {
    const columns = this.board.columns;
    const move = (to) => this.move(card.id, columns[to], null, null);
    const el = h("li", { class: `task-card${card.overdue ? " overdue" : ""}`, draggable: "true", dataset: { task: card.id } },
      h("a", { href: taskHref(card.id), class: "task-card-title" }, card.title),
      cardMeta(card),
      h("span", { class: "task-card-moves" },
        index > 0 ? h("button", { type: "button", class: "move-left", "aria-label": t("tasks.move_to", { name: columnName(this.board, index - 1) }), title: t("tasks.move_to", { name: columnName(this.board, index - 1) }), onclick: () => move(index - 1) }, "←") : null,
        index < columns.length - 1 ? h("button", { type: "button", class: "move-right", "aria-label": t("tasks.move_to", { name: columnName(this.board, index + 1) }), title: t("tasks.move_to", { name: columnName(this.board, index + 1) }), onclick: () => move(index + 1) }, "→") : null));
    el.addEventListener("dragstart", (e) => { e.dataTransfer.setData("text/plain", card.id); e.dataTransfer.effectAllowed = "move"; });
    return el;
  }

  dropped(event, column, list) {
    const id = event.dataTransfer.getData("text/plain");
    if (!id) return;
    const others = [...list.querySelectorAll(".task-card")].filter((el) => el.dataset.task !== id);
    const below = others.find((el) => { const box = el.getBoundingClientRect(); return event.clientY < box.top + box.height / 2; });
    const index = below ? others.indexOf(below) : others.length;
    this.move(id, column, index > 0 ? others[index - 1].dataset.task : null, below ? below.dataset.task : null);
  }

  async move(id, column, afterId, beforeId) {
    const body = this.board.project_id ? { stage_id: column.id } : { status: column.status };
    if (afterId) body.after_id = afterId;
    if (beforeId) body.before_id = beforeId;
    try {
      const moved = await ui.api.api.post(`/api/tasks/${id}/move`, body);
      this.place(moved.card);
      ui.api.toast(t("tasks.moved"));
    } catch (error) {
      ui.api.toastError(error);
    }
  }

  /** Whether the board shows the task with this status already. */
  shows(taskId, status) {
    if (!this.board || !this.boardEl || !this.boardEl.isConnected) return false;
    return this.board.columns.some((column) => column.cards.some((c) => c.id === taskId && c.status === status));
  }

  /** Put a card where the server says it is now (our move, or anyone's tasks.moved). */
  place(card) {
    if (!this.board || !this.boardEl || !this.boardEl.isConnected) return false;
    let found = null;
    for (const column of this.board.columns) {
      const i = column.cards.findIndex((c) => c.id === (card.id || card.task_id));
      if (i >= 0) found = column.cards.splice(i, 1)[0];
    }
    if (!found) return false;
    Object.assign(found, { stage_id: card.stage_id, status: card.status, rank: card.rank });
    if (card.title) Object.assign(found, card);
    const target = this.board.columns.find((c) => (this.board.project_id ? c.id === String(card.stage_id) : c.status === card.status));
    if (target) target.cards.push(found);
    this.drawBoard();
    return true;
  }

  async loadTimeline() {
    const query = { view: state.view };
    if (state.project) query.project_id = state.project;
    const items = await ui.api.api.get("/api/tasks/timeline", query);
    if (!items.length) return h("p", { class: "muted" }, t("tasks.timeline_empty"));
    const times = items.flatMap((i) => [Date.parse(i.start), Date.parse(i.deadline)]);
    const from = Math.min(...times), to = Math.max(...times, from + 86400000);
    const titles = new Map(items.map((i) => [i.id, i.title]));
    return h("ol", { class: "task-timeline" }, items.map((item) => {
      const left = ((Date.parse(item.start) - from) / (to - from)) * 100;
      const width = Math.max(2, ((Date.parse(item.deadline) - Date.parse(item.start)) / (to - from)) * 100);
      return h("li", { dataset: { task: item.id } },
        h("a", { href: taskHref(item.id) }, item.title), " ", statusChip(item.status), " ", h("span", { class: "muted-text" }, when(item.deadline)),
        item.blocked_by.length ? h("span", { class: "blocked" }, " ", t("tasks.blocked_by", { list: item.blocked_by.map((b) => titles.get(b) || "…").join(", ") })) : null,
        h("span", { class: "bar-track", "aria-hidden": "true" }, h("span", { class: `bar s-${item.status}`, style: `margin-left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%` })));
    }));
  }

  onEvent(frame) {
    const type = frame.event || "";
    if (!type.startsWith("tasks.")) return;
    const data = frame.data || {};
    // Another viewer ended a series: the open «Повторяющиеся задачи» shows it ended.
    if (type === "tasks.series_ended" && this.formHost && this.formHost.querySelector(".task-recurring")) this.openRecurring();
    if (this.detail) {
      if (data.task_id === this.detail.id) this.detail.load();
      return;
    }
    if (type === "tasks.moved" && state.mode === "board" && this.place(data)) return;
    // A move into a column bound to a status also changes the status: the card is already
    // where tasks.moved put it, with that status — nothing to load again.
    if (type === "tasks.status_changed" && state.mode === "board" && this.shows(data.task_id, data.status)) return;
    clearTimeout(this.refresh);
    this.refresh = setTimeout(() => this.load(), 400);
  }
}

function columnName(board, index) {
  const column = board.columns[index];
  return column.status && !board.project_id ? statusLabelOf(column) : column.name;
}

function statusLabelOf(column) {
  return statusLabel(column.status);
}

customElements.define("ul-tasks-page", TasksPage);
