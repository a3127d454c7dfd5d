// «Рассылка по почте» under the report, for holders of reports.manage: the scheduled reports of
// the organization shown (GET/POST/DELETE /api/reports/schedules) — when they go out, what period
// they cover, to whom. Each recipient receives only their own organizations' numbers.

// The breakdowns of the attached table (the page's "rep.by.*" words).
const GROUPS = ["organization", "operator", "channel", "day", "queue", "tag", "hour"];

const WHEN = [
  // [key, rrule, period]: the report of the period just ended goes out at these moments.
  ["weekly", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "week"],
  ["daily", "FREQ=DAILY;BYHOUR=8;BYMINUTE=0", "day"],
  ["monthly", "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=9;BYMINUTE=0", "month"],
];

export const SCHEDULE_STRINGS = {
  ru: {
    "rep.s.title": "Рассылка по почте",
    "rep.s.hint": "Отчёт за прошедший период уходит каждому получателю по его организациям.",
    "rep.s.none": "Рассылок для этой организации нет",
    "rep.s.name": "Название",
    "rep.s.when": "Когда",
    "rep.s.when.weekly": "По понедельникам в 9:00 — за прошлую неделю",
    "rep.s.when.daily": "Каждый день в 8:00 — за вчера",
    "rep.s.when.monthly": "1-го числа в 9:00 — за прошлый месяц",
    "rep.s.format": "Формат вложения",
    "rep.s.group": "Разрез таблицы",
    "rep.s.recipients": "Получатели",
    "rep.s.no_recipients": "Некому отправлять: нет руководителей с доступом к отчётам",
    "rep.s.add": "Добавить рассылку",
    "rep.s.added": "Рассылка добавлена",
    "rep.s.next": "Следующая отправка",
    "rep.s.stop": "Остановить",
    "rep.s.stopped": "Рассылка остановлена",
    "rep.s.stop_confirm": "Остановить рассылку «{name}»?",
    "rep.s.period.day": "за день",
    "rep.s.period.week": "за неделю",
    "rep.s.period.month": "за месяц",
  },
  en: {
    "rep.s.title": "E-mailed reports",
    "rep.s.hint": "The report of the period just ended goes to each recipient for their own organizations.",
    "rep.s.none": "No e-mailed reports for this organization",
    "rep.s.name": "Name",
    "rep.s.when": "When",
    "rep.s.when.weekly": "Mondays at 9:00 — the last week",
    "rep.s.when.daily": "Every day at 8:00 — yesterday",
    "rep.s.when.monthly": "On the 1st at 9:00 — the last month",
    "rep.s.format": "Attachment",
    "rep.s.group": "Table breakdown",
    "rep.s.recipients": "Recipients",
    "rep.s.no_recipients": "Nobody to send to: no supervisors with access to reports",
    "rep.s.add": "Add",
    "rep.s.added": "E-mailed report added",
    "rep.s.next": "Next",
    "rep.s.stop": "Stop",
    "rep.s.stopped": "E-mailed report stopped",
    "rep.s.stop_confirm": "Stop «{name}»?",
    "rep.s.period.day": "daily",
    "rep.s.period.week": "weekly",
    "rep.s.period.month": "monthly",
  },
};

export class UlReportSchedules extends HTMLElement {
  /** Called by the reports page: ``ui`` (the consoleApi) and the organization shown. */
  show(ui, organizationId) {
    this.ui = ui;
    this.organizationId = organizationId;
    this.load();
  }

  async load() {
    const { ui } = this;
    try {
      const [all, supervisors, admins] = await Promise.all([
        ui.api.get("/api/reports/schedules"),
        ui.api.get("/api/operators/", { role: "supervisor", active: true, limit: 500 }),
        ui.api.get("/api/operators/", { role: "admin", active: true, limit: 500 }),
      ]);
      this.schedules = all.filter((s) => s.organization_id === this.organizationId && s.active);
      const people = new Map();
      for (const o of [...admins.items, ...supervisors.items]) people.set(o.id, o);
      this.people = [...people.values()];
      this.error = null;
    } catch (error) {
      this.error = ui.errorText(error);
    }
    this.render();
  }

  render() {
    const { ui } = this;
    const { h, t } = ui;
    if (this.error) {
      ui.replace(this, h("p", { class: "notice warn", role: "alert" }, this.error));
      return;
    }
    const names = new Map(this.people.map((p) => [p.id, p.name || p.login]));
    const list = this.schedules.length
      ? h(
          "ul",
          { class: "admin-cards rep-schedules" },
          this.schedules.map((s) =>
            h(
              "li",
              { class: "admin-card", dataset: { schedule: s.id } },
              h("strong", {}, s.name),
              h("span", { class: "muted" }, ` · ${t(`rep.s.period.${s.period}`)} · ${s.format.toUpperCase()} · ${t(`rep.by.${s.group || "organization"}`)}`),
              h("p", {}, s.recipients.map((r) => names.get(r) || "—").join(", ")),
              s.next_send ? h("p", { class: "muted" }, `${t("rep.s.next")}: ${ui.format.fullTime(s.next_send)}`) : null,
              h("button", { type: "button", class: "btn", onclick: (e) => this.stop(s, e.target) }, t("rep.s.stop")),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("rep.s.none"));
    ui.replace(this, h("h3", {}, t("rep.s.title")), h("p", { class: "muted" }, t("rep.s.hint")), list, this.form());
  }

  form() {
    const { ui } = this;
    const { h, t, forms } = ui;
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "200", value: t("rep.s.when.weekly").split(" —")[0] });
    const when = h("select", { name: "when" }, WHEN.map(([key]) => h("option", { value: key }, t(`rep.s.when.${key}`))));
    const format = h("select", { name: "format" }, ["xlsx", "csv"].map((f) => h("option", { value: f }, f.toUpperCase())));
    const group = h("select", { name: "group" }, GROUPS.map((g) => h("option", { value: g }, t(`rep.by.${g}`))));
    const boxes = this.people.map((p) => h("input", { type: "checkbox", name: "recipients", value: p.id }));
    const people = this.people.length
      ? h("fieldset", { class: "rep-recipients", dataset: { field: "recipients" } },
          h("legend", {}, t("rep.s.recipients")),
          this.people.map((p, i) => h("label", { class: "check" }, boxes[i], ` ${p.name || p.login}`)),
          h("span", { class: "field-error", role: "alert" }))
      : h("p", { class: "muted" }, t("rep.s.no_recipients"));
    const form = h(
      "form",
      { class: "admin-form rep-schedule-form", onsubmit: (e) => this.add(e, { name, when, format, group, boxes }) },
      forms.field("name", t("rep.s.name"), name, { required: true }),
      forms.field("rrule", t("rep.s.when"), when),
      forms.field("format", t("rep.s.format"), format),
      forms.field("group", t("rep.s.group"), group),
      people,
      h("p", { class: "form-error", role: "alert" }),
      h("button", { type: "submit", class: "primary", disabled: !this.people.length }, t("rep.s.add")),
    );
    return form;
  }

  async add(event, { name, when, format, group, boxes }) {
    event.preventDefault();
    const { ui } = this;
    const form = event.target;
    ui.forms.clearErrors(form);
    const [, rrule, period] = WHEN.find(([key]) => key === when.value);
    const body = {
      organization_id: this.organizationId,
      name: name.value.trim(),
      rrule,
      period,
      format: format.value,
      group: group.value,
      recipients: boxes.filter((b) => b.checked).map((b) => b.value),
    };
    try {
      await ui.api.post("/api/reports/schedules", body);
      ui.toast(ui.t("rep.s.added"));
      await this.load();
    } catch (error) {
      ui.forms.showError(form, error);
    }
  }

  stop(schedule, button) {
    const { ui } = this;
    const box = ui.forms.confirmBox(
      ui.t("rep.s.stop_confirm", { name: schedule.name }),
      ui.t("rep.s.stop"),
      async () => {
        try {
          await ui.api.del(`/api/reports/schedules/${schedule.id}`);
          ui.toast(ui.t("rep.s.stopped"));
          await this.load();
        } catch (error) {
          ui.toastError(error);
        }
      },
      () => box.remove(),
    );
    button.after(box);
  }
}

customElements.define("ul-report-schedules", UlReportSchedules);
