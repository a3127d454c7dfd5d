// «Календарь» (#/work/meetings): a day or a week of meetings and tasks' deadlines — mine or the
// team's — with «Новая встреча» (participants' free/busy for the chosen day shown as they are
// picked); #/work/meetings/<id> is one meeting: its people, «Войти», «Отменить встречу».

import { h, personName, statusChip, t, ui, use, when } from "./common.js";
import { STRINGS } from "./strings.js";

export function setup(consoleApi) {
  use(consoleApi);
  consoleApi.strings(STRINGS);
}

const DAY = 24 * 3600 * 1000;

function startOfDay(date) {
  const d = new Date(date);
  d.setHours(0, 0, 0, 0);
  return d;
}

function dayLabel(date) {
  return date.toLocaleDateString(ui.api.lang() === "en" ? "en-GB" : "ru-RU", { weekday: "long", day: "numeric", month: "long" });
}

function timeOf(value) {
  return new Date(value).toLocaleTimeString(ui.api.lang() === "en" ? "en-GB" : "ru-RU", { hour: "2-digit", minute: "2-digit" });
}

class MeetingsPage extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page");
    this.view = this.view || "week";
    this.who = this.who || "mine";
    this.anchor = this.anchor || startOfDay(new Date());
    this.offs = [ui.api.on("event", (frame) => {
      if ((frame.event || "").startsWith("meetings.")) this.load();
    })];
    this.load();
  }

  disconnectedCallback() {
    (this.offs || []).forEach((off) => off());
  }

  attributeChangedCallback() {
    if (this.isConnected) this.load();
  }

  range() {
    const since = this.view === "day" ? this.anchor : new Date(this.anchor.getTime() - ((this.anchor.getDay() + 6) % 7) * DAY);
    const days = this.view === "day" ? 1 : 7;
    return { since, until: new Date(since.getTime() + days * DAY), days };
  }

  async load() {
    const id = this.getAttribute("path") || "";
    try {
      if (id) {
        this.meeting = await ui.api.api.get(`/api/meetings/${encodeURIComponent(id)}`);
      } else {
        this.meeting = null;
        const { since, until } = this.range();
        const params = new URLSearchParams({ since: since.toISOString(), until: until.toISOString() });
        const me = ui.api.store.me;
        if (this.who === "mine" && me) params.set("operator_id", me.id);
        this.entries = await ui.api.api.get(`/api/meetings/calendar?${params}`);
      }
      this.error = null;
    } catch (error) {
      this.error = ui.api.errorText(error);
    }
    if (this.isConnected) this.render();
  }

  move(step) {
    this.anchor = new Date(this.anchor.getTime() + step * (this.view === "day" ? 1 : 7) * DAY);
    this.load();
  }

  toolbar() {
    const pick = (key, value, label) => h("button", { type: "button", "aria-pressed": String(this[key] === value), onclick: () => { this[key] = value; this.load(); } }, label);
    return h("div", { class: "meetings-toolbar", role: "toolbar", "aria-label": t("meetings.calendar") },
      pick("view", "day", t("meetings.day")), pick("view", "week", t("meetings.week")),
      pick("who", "mine", t("meetings.mine")), pick("who", "team", t("meetings.team")),
      h("button", { type: "button", onclick: () => this.move(-1) }, t("meetings.prev")),
      h("button", { type: "button", onclick: () => { this.anchor = startOfDay(new Date()); this.load(); } }, t("meetings.today")),
      h("button", { type: "button", onclick: () => this.move(1) }, t("meetings.next")),
      ui.api.can("meetings.create") ? h("button", { type: "button", class: "primary", onclick: () => this.openForm() }, t("meetings.new")) : null);
  }

  entry(e) {
    const KINDS = { task_deadline: "meetings.deadline", step_deadline: "meetings.step_deadline", absence: "meetings.absence" };
    const label = e.kind === "meeting" ? null : t(KINDS[e.kind] || "meetings.other");
    const time = e.ends_at ? `${timeOf(e.starts_at)}–${timeOf(e.ends_at)}` : timeOf(e.starts_at);
    const href = e.kind === "meeting" ? `#/work/meetings/${e.id}` : e.href;
    const aboutTask = e.kind === "task_deadline" && ui.api.can("meetings.create");
    return h("li", { class: `meeting-entry kind-${e.kind}`, dataset: { entry: e.id } },
      h("span", { class: "meeting-time" }, time), " ",
      href ? h("a", { href }, e.title) : h("span", {}, e.title), " ",
      label ? h("span", { class: "chip" }, label) : statusChip(e.status),
      aboutTask ? h("button", { type: "button", class: "meeting-about-task", onclick: () => this.openForm({ taskId: e.id, title: e.title, organizationId: e.organization_id }) }, t("meetings.about_task")) : null);
  }

  days() {
    const { since, days } = this.range();
    return Array.from({ length: days }, (_, i) => {
      const day = new Date(since.getTime() + i * DAY);
      const next = new Date(day.getTime() + DAY);
      const items = (this.entries || []).filter((e) => new Date(e.starts_at) >= day && new Date(e.starts_at) < next);
      return h("section", { class: "meetings-day admin-card" },
        h("h3", {}, dayLabel(day)),
        items.length ? h("ul", { class: "plain" }, items.map((e) => this.entry(e))) : h("p", { class: "muted-text" }, t("meetings.empty_day")));
    });
  }

  render() {
    if (this.meeting) return this.renderMeeting(this.meeting);
    this.formHost = this.formHost || h("div", {});
    ui.api.replace(this,
      h("div", { class: "admin-head" }, h("h2", {}, t("meetings.calendar"))),
      this.toolbar(),
      this.formHost,
      this.error ? h("p", { class: "notice" }, this.error) : null,
      h("div", { class: "meetings-days" }, this.days()));
  }

  renderMeeting(m) {
    const mayCancel = m.status === "scheduled" || m.status === "started";
    ui.api.replace(this,
      h("div", { class: "admin-head" }, h("h2", {}, m.title), " ", statusChip(m.status)),
      h("p", {}, h("a", { href: "#/work/meetings" }, t("meetings.back"))),
      h("p", {}, `${when(m.starts_at)} — ${timeOf(m.ends_at)}`),
      m.join_url ? h("p", {}, h("a", { class: "meeting-join primary", href: m.join_url, target: "_blank", rel: "noopener" }, t("meetings.join"))) : null,
      h("h3", {}, t("meetings.participants")),
      h("ul", { class: "plain" }, m.participants.map((p) => h("li", {}, p.operator_id ? personName(p.operator_id) : p.name, " — ", t(`meetings.${p.role}`)))),
      mayCancel && ui.api.can("meetings.create") ? h("div", { class: "meeting-cancel-host" }, h("button", { type: "button", class: "meeting-cancel", onclick: () => this.askCancel(m) }, t("meetings.cancel"))) : null);
  }

  // confirmBox is an element to show (not a promise): the meeting was cancelled at the first
  // press, without the question.
  askCancel(m) {
    const host = this.querySelector(".meeting-cancel-host");
    host.querySelector(".confirm")?.remove();
    const box = ui.api.forms.confirmBox(t("meetings.cancel_confirm", { title: m.title }), t("meetings.cancel"), () => this.cancel(m), () => box.remove());
    box.setAttribute("aria-label", t("meetings.cancel")); // the console's box has no name of its own
    host.append(box);
    box.querySelector(".confirm-yes").focus();
  }

  async cancel(m) {
    try {
      await ui.api.api.post(`/api/meetings/${m.id}/cancel`, {});
      ui.api.toast(t("meetings.cancelled"));
      this.load();
    } catch (error) {
      ui.api.toastError(error);
    }
  }

  openForm(about = {}) {
    ui.api.replace(this.formHost, meetingForm({ day: this.anchor, ...about, onDone: () => { ui.api.replace(this.formHost); this.load(); } }));
    this.formHost.scrollIntoView({ block: "nearest" });
  }
}

export function meetingForm({ day, onDone, taskId = null, documentId = null, title: subject = "", organizationId = "" }) {
  const f = ui.api.forms;
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "300", value: subject });
  const local = new Date(day.getTime() + 10 * 3600 * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  const starts = h("input", { type: "datetime-local", name: "starts_at", required: true, value: `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}T10:00` });
  const duration = h("input", { type: "number", name: "duration_minutes", min: "5", max: "1440", value: "60", inputmode: "numeric" });
  const organization = h("select", { name: "organization_id" });
  const platform = h("select", { name: "provider" });
  const me = ui.api.store.me;
  const people = [...ui.api.store.operators.values()].filter((o) => o.id !== (me && me.id));
  const people_select = h("select", { name: "operator_ids", multiple: true, size: String(Math.min(6, Math.max(2, people.length))) }, people.map((o) => h("option", { value: o.id }, o.name || o.login)));
  const busy = h("ul", { class: "plain meetings-busy", "aria-live": "polite" });
  ui.api.api.get("/api/organizations/").then((orgs) => ui.api.replace(organization, orgs.map((o) => h("option", { value: o.id, selected: o.id === organizationId }, o.name)))).catch(() => null);
  ui.api.api.get("/api/meetings/providers").then((found) => ui.api.replace(platform, found.map((p) =>
    h("option", { value: p.name, selected: p.default }, ui.api.lang() === "en" ? p.title_en : p.title_ru)))).catch(() => null);
  const chosen = () => [...people_select.selectedOptions].map((o) => o.value);
  async function showBusy() {
    const ids = [me && me.id, ...chosen()].filter(Boolean);
    if (!ids.length || !starts.value) return;
    const since = startOfDay(new Date(starts.value));
    const params = new URLSearchParams({ since: since.toISOString(), until: new Date(since.getTime() + DAY).toISOString() });
    ids.forEach((id) => params.append("operator_id", id));
    try {
      const answer = await ui.api.api.get(`/api/meetings/busy?${params}`);
      ui.api.replace(busy, answer.map((b) => h("li", {}, personName(b.operator_id), ": ",
        b.busy.length ? `${t("meetings.conflict")} ${b.busy.map((x) => `${timeOf(x.starts_at)}–${timeOf(x.ends_at)}`).join(", ")}` : t("meetings.free"))));
    } catch (error) {
      ui.api.replace(busy, h("li", {}, ui.api.errorText(error)));
    }
  }
  starts.addEventListener("change", showBusy);
  people_select.addEventListener("change", showBusy);
  const form = h("form", { class: "admin-form meeting-form", "aria-label": t("meetings.new") },
    f.field("title", t("meetings.title"), title, { required: true }),
    f.field("starts_at", t("meetings.starts"), starts, { required: true }),
    f.field("duration_minutes", t("meetings.duration"), duration),
    f.field("organization_id", t("meetings.organization"), organization),
    f.field("provider", t("meetings.platform"), platform),
    taskId ? h("p", { class: "notice" }, t("meetings.task_people")) : null,
    documentId ? h("p", { class: "notice" }, t("meetings.document_people")) : null,
    f.field("operator_ids", t("meetings.people"), people_select),
    h("h3", {}, t("meetings.busy")), busy,
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("meetings.create"))));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    f.clearErrors(form);
    const body = {
      title: title.value.trim(),
      starts_at: new Date(starts.value).toISOString(),
      duration_minutes: Number(duration.value || 60),
      organization_id: organization.value,
      operator_ids: chosen(),
    };
    if (platform.value) body.provider = platform.value;
    if (taskId) body.task_id = taskId;
    if (documentId) body.document_id = documentId;
    try {
      await ui.api.api.post("/api/meetings/", body);
      ui.api.toast(t("meetings.created"));
      onDone && onDone();
    } catch (err) {
      f.showError(form, err);
    }
  });
  showBusy();
  return form;
}

customElements.define("ul-meetings-page", MeetingsPage);
