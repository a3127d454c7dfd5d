// «Рабочее время» (#/work/timekeeping): my day (the same buttons as the top bar), my absences
// and the request form; for the supervisor (timekeeping.read) the month's team calendar of
// absences with approval, the violations, pending corrections and the T-13 time sheet (XLSX,
// printable) and the iCalendar feed of absences.

import { use } from "./elements.js";
import { staffing, useUi } from "./staffing.js";
import { STRINGS } from "./strings.js";

let ui = null;

export function setup(consoleApi) {
  ui = consoleApi;
  use(consoleApi);
  useUi(consoleApi);
  consoleApi.strings(STRINGS);
  if (!document.querySelector("link[data-timekeeping-css]")) {
    document.head.append(consoleApi.h("link", { rel: "stylesheet", href: new URL("./timekeeping.css", import.meta.url).href, dataset: { timekeepingCss: "1" } }));
  }
}

function monthBounds(value) {
  const [y, m] = value.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { year: y, month: m, first: `${value}-01`, last: `${value}-${String(last).padStart(2, "0")}` };
}

class TimekeepingPage extends HTMLElement {
  connectedCallback() {
    this.classList.add("admin-page", "timekeeping-page");
    const now = new Date();
    this.month = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
    this.off = ui.on("event", (frame) => {
      if (String(frame.event || "").startsWith("timekeeping.absence")) this.load();
    });
    this.load();
  }

  disconnectedCallback() {
    if (this.off) this.off();
  }

  async load() {
    const b = monthBounds(this.month);
    const me = ui.store.me;
    const supervisor = ui.can("timekeeping.read");
    const [codes, mine, orgs] = await Promise.all([
      ui.api.get("/api/timekeeping/codes").catch(() => []),
      ui.api.get("/api/timekeeping/absences", { first: b.first, last: b.last, operator_id: me && me.id }).catch(() => []),
      supervisor ? ui.api.get("/api/organizations/").catch(() => []) : [],
    ]);
    this.codes = codes.filter((c) => c.kind === "absence");
    this.mine = mine;
    this.orgs = orgs;
    this.org = this.org || (orgs[0] && orgs[0].id);
    if (supervisor) {
      const q = { first: b.first, last: b.last, organization_id: this.org };
      [this.team, this.violations, this.pending] = await Promise.all([
        ui.api.get("/api/timekeeping/absences", q).catch(() => []),
        ui.api.get("/api/timekeeping/violations", q).catch(() => []),
        ui.api.get("/api/timekeeping/corrections").catch(() => []),
      ]);
    }
    this.staffing = supervisor && ui.can("timekeeping.manage") ? await staffing(this.org, () => this.load()).catch(() => null) : null;
    if (this.isConnected) this.render();
  }

  render() {
    const h = ui.h;
    const t = ui.t;
    const supervisor = ui.can("timekeeping.read");
    ui.replace(
      this,
      h("div", { class: "admin-head" }, h("h2", {}, t("tk.title"))),
      h("section", { class: "tk-my-day" }, h("h3", {}, t("tk.my_day")), h("ul-workday")),
      h("section", { class: "tk-absences" }, h("h3", {}, t("tk.absences")), this.absenceList(this.mine, false), this.requestForm()),
      supervisor ? this.supervisorPart() : null,
    );
  }

  absenceList(rows, manage) {
    const h = ui.h;
    if (!rows || !rows.length) return h("p", { class: "muted" }, ui.t("tk.nothing"));
    return h(
      "ul",
      { class: "tk-absence-list" },
      rows.map((a) =>
        h(
          "li",
          { dataset: { absence: a.id, status: a.status } },
          `${manage ? `${a.operator_name}: ` : ""}${a.code} — ${a.code_name}, ${a.first} – ${a.last} (${ui.t(`tk.${a.status}`)})`,
          manage && a.status === "requested" && ui.can("timekeeping.manage")
            ? [
                " ",
                h("button", { type: "button", class: "tk-approve", onclick: () => this.decide(a.id, true) }, ui.t("tk.approve")),
                " ",
                h("button", { type: "button", class: "tk-reject", onclick: () => this.decide(a.id, false) }, ui.t("tk.reject")),
              ]
            : null,
        ),
      ),
    );
  }

  requestForm() {
    const h = ui.h;
    const code = h("select", { name: "code" }, this.codes.map((c) => h("option", { value: c.letter }, `${c.letter} — ${c.name_ru}`)));
    const first = h("input", { type: "date", name: "first", required: true });
    const last = h("input", { type: "date", name: "last", required: true });
    const note = h("input", { type: "text", name: "note", maxlength: 1000 });
    const submit = async (event) => {
      event.preventDefault();
      ui.forms.clearErrors(form);
      try {
        await ui.api.post("/api/timekeeping/absences", { code: code.value, first: first.value, last: last.value, note: note.value });
        this.load();
      } catch (error) {
        ui.forms.showError(form, error, absenceErrorText(error));
      }
    };
    // Each input under the API's field path: a refusal is said at the input it names.
    const f = ui.forms;
    const form = h(
      "form",
      { class: "tk-absence", onsubmit: submit },
      f.field("code", ui.t("tk.code"), code),
      f.field("first", ui.t("tk.first"), first, { required: true }),
      f.field("last", ui.t("tk.last"), last, { required: true }),
      f.field("note", ui.t("tk.note"), note),
      h("button", { type: "submit" }, ui.t("tk.request")),
    );
    return form;
  }

  supervisorPart() {
    const h = ui.h;
    const t = ui.t;
    const b = monthBounds(this.month);
    const month = h("input", { type: "month", value: this.month, "aria-label": t("tk.month"), onchange: (e) => { this.month = e.target.value || this.month; this.load(); } });
    const org = h(
      "select",
      { "aria-label": t("tk.organization"), onchange: (e) => { this.org = e.target.value; this.load(); } },
      this.orgs.map((o) => h("option", { value: o.id, selected: o.id === this.org }, o.name)),
    );
    const q = new URLSearchParams({ organization_id: this.org || "", year: String(b.year), month: String(b.month) });
    const cal = new URLSearchParams({ organization_id: this.org || "", first: b.first, last: b.last });
    return h(
      "div",
      { class: "tk-supervisor" },
      h("section", {}, h("h3", {}, t("tk.sheet")), h("p", {}, org, " ", month),
        h("p", {},
          h("a", { href: `/api/timekeeping/sheet.xlsx?${q}`, class: "tk-xlsx" }, t("tk.sheet_xlsx")), " · ",
          h("a", { href: `/api/timekeeping/sheet.html?${q}`, target: "_blank", rel: "noopener", class: "tk-print" }, t("tk.sheet_print")), " · ",
          h("a", { href: `/api/timekeeping/absences.ics?${cal}`, class: "tk-ical" }, t("tk.ical")))),
      h("section", {}, h("h3", {}, t("tk.absences")), this.absenceList(this.team, true)),
      h("section", {}, h("h3", {}, t("tk.violations")), this.violationList()),
      this.staffing,
    );
  }

  violationList() {
    const h = ui.h;
    const rows = this.violations || [];
    if (!rows.length) return h("p", { class: "muted" }, ui.t("tk.nothing"));
    return h(
      "ul",
      { class: "tk-violations" },
      rows.map((v) => h("li", { dataset: { kind: v.kind } }, `${v.name}: ${ui.t(`tk.v.${v.kind}`)}${v.day ? `, ${v.day}` : ""}${v.minutes ? `, ${ui.t("tk.minutes", { n: v.minutes })}` : ""}`)),
    );
  }

  async decide(id, approve) {
    try {
      await ui.api.post(`/api/timekeeping/absences/${id}/decision`, { approve });
      this.load();
    } catch (error) {
      ui.toastError(error);
    }
  }
}

customElements.define("ul-timekeeping-page", TimekeepingPage);

/** The absence's own checks in words (the last day before the first, longer than a year). */
function absenceErrorText(error) {
  if (error.field === "last" && error.code === "invalid") return ui.t("tk.err.absence_last");
  return undefined;
}
