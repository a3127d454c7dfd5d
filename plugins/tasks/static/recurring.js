// «Повторяющиеся задачи» on the «Задачи» page (tasks.templates): the recurring tasks of my
// organizations in words, and the form that makes one — what the task is, how often (every
// working day, a weekday, a day of the month, the month's last day, or N working days after the
// previous one was done), from when and at what time, and what to do when the day is a day off.
// It saves a template and the series from it (POST /api/tasks/templates/ then /series/); the
// template is removed again when the series is refused, so nothing is left half made.

import { h, personName, t, ui } from "./common.js";

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const FREQUENCIES = ["workdays", "weekly", "monthly", "month_last", "after_done"];

/** The rule of a frequency chosen in the form (an RFC 5545 RRULE, or none: after_done). */
function rule(frequency, weekday, monthDay) {
  if (frequency === "workdays") return "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR";
  if (frequency === "weekly") return `FREQ=WEEKLY;BYDAY=${weekday}`;
  if (frequency === "monthly") return `FREQ=MONTHLY;BYMONTHDAY=${monthDay}`;
  if (frequency === "month_last") return "FREQ=MONTHLY;BYMONTHDAY=-1";
  return "";
}

/** A series' schedule in words; a rule made elsewhere (the API) is shown as it is. */
export function describe(series) {
  if (series.after_done_days !== null && series.after_done_days !== undefined) return t("tasks.rec.every_after_done", { n: series.after_done_days });
  const until = /;UNTIL=(\d{4})(\d{2})(\d{2})/.exec(series.rrule);
  const r = series.rrule.replace(/;UNTIL=[^;]*/, "");
  const last = until ? `, ${t("tasks.rec.until", { date: dayName(`${until[1]}-${until[2]}-${until[3]}`) })}` : "";
  return `${words(r)}, ${series.at_time}${last}`;
}

function words(r) {
  let words = r;
  if (r === "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR") words = t("tasks.rec.every_workday");
  else if (/^FREQ=WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)$/.test(r)) words = t("tasks.rec.every_weekday", { day: t(`tasks.rec.day.${r.slice(-2)}`) });
  else if (r === "FREQ=MONTHLY;BYMONTHDAY=-1") words = t("tasks.rec.every_month_last");
  else if (/^FREQ=MONTHLY;BYMONTHDAY=\d+$/.test(r)) words = t("tasks.rec.every_month_day", { n: r.split("=").pop() });
  return words;
}

/** "2026-12-31" → «31 декабря 2026 г.» (a calendar day: no time zone to convert). */
function dayName(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(ui.api.lang() === "en" ? "en-GB" : "ru-RU", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

function localDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export async function recurringPanel({ onClose }) {
  const [series, templates] = await Promise.all([
    ui.api.api.get("/api/tasks/series/").catch(() => []),
    ui.api.api.get("/api/tasks/templates/").catch(() => []),
  ]);
  const titles = new Map(templates.map((x) => [x.id, x.title]));
  const list = series.length
    ? h("ul", { class: "plain task-series" }, series.map((s) => h("li", { dataset: { series: s.id } },
      h("strong", {}, titles.get(s.template_id) || "—"), " — ", describe(s),
      s.responsible_id ? ` · ${personName(s.responsible_id)}` : "",
      s.next_on ? ` · ${t("tasks.rec.next", { date: dayName(s.next_on) })}` : "",
      s.active ? endButton(s, titles.get(s.template_id) || "", onClose) : [" ", h("span", { class: "chip" }, t("tasks.rec.ended"))])))
    : h("p", { class: "muted" }, t("tasks.rec.none"));
  return h("section", { class: "task-recurring", "aria-label": t("tasks.rec.title") },
    h("h3", {}, t("tasks.rec.title")), list, seriesForm({ onClose }));
}

/** «Завершить серию»: the last day a task may fall on (an RRULE series; today by default:
 * «from this one on» is the next one not made), or at once (after-completion series). */
function endButton(series, title, onClose) {
  const host = h("div", { class: "task-series-end" });
  const open = () => {
    const f = ui.api.forms;
    const last = h("input", { type: "date", name: "last_on", required: true, value: localDate() });
    const form = h("form", { class: "admin-form", "aria-label": t("tasks.rec.end") },
      series.rrule ? f.field("last_on", t("tasks.rec.last_on"), last, { help: t("tasks.rec.last_on_help") }) : h("p", {}, t("tasks.rec.end_now")),
      h("div", { class: "form-buttons" },
        h("button", { type: "submit", class: "primary" }, t("tasks.rec.end")),
        h("button", { type: "button", onclick: () => ui.api.replace(host, button) }, t("tasks.close"))));
    const end = async () => {
      try {
        await ui.api.api.post(`/api/tasks/series/${series.id}/end`, series.rrule ? { last_on: last.value } : {});
        ui.api.toast(t("tasks.rec.ended_toast"));
        onClose(true);
      } catch (error) {
        f.showError(form, error);
      }
    };
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      f.clearErrors(form);
      form.querySelector(".confirm")?.remove();
      const question = series.rrule ? t("tasks.rec.end_confirm", { title, date: dayName(last.value) }) : t("tasks.rec.end_now_confirm", { title });
      const box = f.confirmBox(question, t("tasks.rec.end"), end, () => box.remove());
      box.setAttribute("aria-label", t("tasks.rec.end")); // the console's box has no name of its own
      form.append(box);
      box.querySelector(".confirm-yes").focus();
    });
    ui.api.replace(host, form);
    last.focus();
  };
  const button = h("button", { type: "button", class: "task-series-end-open", onclick: open }, t("tasks.rec.end"));
  ui.api.replace(host, button);
  return host;
}

function seriesForm({ onClose }) {
  const f = ui.api.forms;
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "300" });
  const organization = h("select", { name: "organization_id" });
  const responsible = h("select", { name: "responsible_id" });
  const frequency = h("select", { name: "rrule" }, FREQUENCIES.map((x) => h("option", { value: x }, t(`tasks.rec.f.${x}`))));
  const weekday = h("select", { name: "weekday" }, WEEKDAYS.map((d) => h("option", { value: d }, t(`tasks.rec.day.${d}`))));
  const monthDay = h("input", { type: "number", name: "month_day", min: "1", max: "31", value: "1", inputmode: "numeric" });
  const afterDays = h("input", { type: "number", name: "after_done_days", min: "0", max: "365", value: "5", inputmode: "numeric" });
  const starts = h("input", { type: "date", name: "starts_on", required: true, value: localDate() });
  const at = h("input", { type: "time", name: "at_time", value: "09:00", required: true });
  const shift = h("select", { name: "shift" }, ["none", "previous", "next"].map((x) => h("option", { value: x }, t(`tasks.rec.shift.${x}`))));
  const days = h("input", { type: "number", name: "deadline_days", min: "0", max: "365", inputmode: "numeric" });
  const me = ui.api.store.me;
  const people = [...ui.api.store.operators.values()].filter((o) => o.id !== (me && me.id));
  ui.api.replace(responsible, h("option", { value: me ? me.id : "" }, personName(me && me.id)),
    ui.api.can("tasks.assign") ? people.map((o) => h("option", { value: o.id }, o.name || o.login)) : null);
  ui.api.api.get("/api/organizations/").then((orgs) => ui.api.replace(organization, orgs.map((o) => h("option", { value: o.id }, o.name)))).catch(() => null);
  const parts = {
    weekday: f.field("weekday", t("tasks.rec.weekday"), weekday),
    month_day: f.field("month_day", t("tasks.rec.month_day"), monthDay),
    after_done_days: f.field("after_done_days", t("tasks.rec.after_done_days"), afterDays),
  };
  const showParts = () => {
    parts.weekday.hidden = frequency.value !== "weekly";
    parts.month_day.hidden = frequency.value !== "monthly";
    parts.after_done_days.hidden = frequency.value !== "after_done";
    if (frequency.value === "month_last" && shift.value === "none") shift.value = "previous";
  };
  frequency.addEventListener("change", showParts);
  const form = h("form", { class: "admin-form task-series-form", "aria-label": t("tasks.rec.new") },
    f.field("title", t("tasks.title_field"), title, { required: true }),
    f.field("organization_id", t("tasks.organization"), organization),
    f.field("responsible_id", t("tasks.responsible"), responsible),
    f.field("rrule", t("tasks.rec.frequency"), frequency),
    parts.weekday, parts.month_day, parts.after_done_days,
    f.field("starts_on", t("tasks.rec.starts_on"), starts, { required: true }),
    f.field("at_time", t("tasks.rec.at_time"), at, { required: true }),
    f.field("shift", t("tasks.rec.shift"), shift),
    f.field("deadline_days", t("tasks.deadline_days"), days),
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("tasks.rec.create")),
      h("button", { type: "button", onclick: () => onClose && onClose() }, t("tasks.close"))));
  showParts();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    f.clearErrors(form);
    const name = title.value.trim();
    const template = { organization_id: organization.value, name: name.slice(0, 200), title: name };
    if (days.value !== "") template.deadline_days = Number(days.value);
    if (responsible.value) template.responsible_id = responsible.value;
    const series = { starts_on: starts.value, at_time: at.value, shift: shift.value, responsible_id: responsible.value || null };
    if (frequency.value === "after_done") series.after_done_days = Number(afterDays.value);
    else series.rrule = rule(frequency.value, weekday.value, Number(monthDay.value));
    let made = null;
    try {
      made = await ui.api.api.post("/api/tasks/templates/", template);
      await ui.api.api.post("/api/tasks/series/", { ...series, template_id: made.id });
      ui.api.toast(t("tasks.rec.created"));
      onClose && onClose(true);
    } catch (err) {
      if (made) await ui.api.api.del(`/api/tasks/templates/${made.id}`).catch(() => null);
      f.showError(form, err.field === "name" ? { ...err, field: "title" } : err);
    }
  });
  return form;
}
