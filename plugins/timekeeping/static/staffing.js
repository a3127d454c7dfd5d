// «Сотрудники и графики» on the «Рабочее время» page, for timekeeping.manage: the staff cards
// (schedule, own time zone, personnel number, position) — a person without one is added from
// the operators list — and a new schedule: fixed hours, a shift cycle or flexible hours.

let ui = null;

export function useUi(consoleApi) {
  ui = consoleApi;
}

const KINDS = ["fixed", "shifts", "flexible"];

export async function staffing(organizationId, reload) {
  const h = ui.h;
  const t = ui.t;
  const [cards, schedules, operators] = await Promise.all([
    ui.api.get("/api/timekeeping/staff").catch(() => []),
    organizationId ? ui.api.get("/api/timekeeping/schedules", { organization_id: organizationId }).catch(() => []) : [],
    ui.api.allPages("/api/operators/", { active: true }).catch(() => []),
  ]);
  const carded = new Set(cards.map((c) => c.operator_id));
  const save = async (operatorId, fields) => {
    try {
      await ui.api.request("PUT", `/api/timekeeping/staff/${operatorId}`, { body: { organization_id: organizationId, ...fields } });
      reload();
    } catch (error) {
      ui.toastError(error);
    }
  };
  const scheduleSelect = (current, onchange) =>
    h("select", { "aria-label": t("tk.schedule"), onchange }, h("option", { value: "" }, t("tk.default_schedule")),
      schedules.map((s) => h("option", { value: s.id, selected: s.id === current }, s.name)));
  const rows = cards
    .filter((c) => !organizationId || c.organization_id === organizationId)
    .map((c) => {
      const zone = h("input", { type: "text", value: c.own_timezone, placeholder: c.timezone, "aria-label": t("tk.timezone"), size: 16 });
      const number = h("input", { type: "text", value: c.personnel_number, "aria-label": t("tk.number"), size: 6 });
      const position = h("input", { type: "text", value: c.position, "aria-label": t("tk.position"), size: 14 });
      let chosen = c.schedule_id || "";
      const schedule = scheduleSelect(c.schedule_id, (e) => { chosen = e.target.value; });
      const button = h("button", { type: "button", class: "tk-save-card", onclick: () => save(c.operator_id, { schedule_id: chosen || null, timezone: zone.value.trim(), personnel_number: number.value, position: position.value }) }, t("tk.save"));
      return h("tr", { dataset: { operator: c.operator_id } }, h("th", { scope: "row" }, c.name), h("td", {}, schedule), h("td", {}, zone), h("td", {}, number), h("td", {}, position), h("td", {}, button));
    });
  const others = operators.filter((o) => !carded.has(o.id));
  const pick = h("select", { "aria-label": t("tk.add_person") }, others.map((o) => h("option", { value: o.id }, o.name || o.login)));
  return h(
    "section",
    { class: "tk-staffing" },
    h("h3", {}, t("tk.staffing")),
    // focusable, so the keyboard scrolls the table where it is wider than a phone
    h("div", { class: "tk-scroll", tabindex: "0", role: "region", "aria-label": t("tk.staffing") },
      h("table", { class: "grid" },
        h("thead", {}, h("tr", {}, ["tk.person", "tk.schedule", "tk.timezone", "tk.number", "tk.position", ""].map((k) => h("th", { scope: "col" }, k ? t(k) : "")))),
        h("tbody", {}, rows))),
    others.length && organizationId
      ? h("p", {}, pick, " ", h("button", { type: "button", class: "tk-add-card", onclick: () => save(pick.value, {}) }, t("tk.add_person")))
      : null,
    organizationId ? scheduleForm(organizationId, reload) : null,
    organizationId ? await policyForm(organizationId, reload) : null,
  );
}

const NOTICE_KINDS = [["late", "tk.v.late"], ["early_finish", "tk.v.early_finish"], ["short_day", "tk.v.short_day"], ["underworked", "tk.v.underworked_month"]];
const PAY_KINDS = ["worked", "night", "weekend"];

// The organization's own settings: which violations are notified and to whom, and the T-12
// pay-type codes (GET/PUT /api/timekeeping/organizations/{id}/policy).
async function policyForm(organizationId, reload) {
  const h = ui.h;
  const t = ui.t;
  const url = `/api/timekeeping/organizations/${organizationId}/policy`;
  const view = await ui.api.get(url).catch(() => null);
  if (!view) return null;
  const policy = view.policy;
  const kinds = NOTICE_KINDS.map(([kind, label]) => [kind, label, h("input", { type: "checkbox", checked: policy.notify_violations.includes(kind), dataset: { kind } })]);
  const supervisors = h("input", { type: "checkbox", checked: policy.notify_supervisors });
  const staffer = h("input", { type: "checkbox", checked: policy.notify_staffer });
  const pays = PAY_KINDS.map((kind) => [kind, h("input", { type: "text", value: policy.pay_codes[kind] || "", size: 8, maxlength: 12 })]);
  const other = Object.entries(policy.pay_codes).filter(([k]) => !PAY_KINDS.includes(k)).map(([k, v]) => `${k}=${v}`).join("; ");
  const absences = h("input", { type: "text", value: other, size: 24 });
  const submit = async (event) => {
    event.preventDefault();
    ui.forms.clearErrors(form);
    const payCodes = {};
    for (const [kind, input] of pays) if (input.value.trim()) payCodes[kind] = input.value.trim();
    for (const pair of absences.value.split(/[;,]/)) {
      const [code, value] = pair.split("=").map((x) => (x || "").trim());
      if (code && value) payCodes[code] = value;
    }
    try {
      await ui.api.request("PUT", url, {
        body: {
          notify_violations: kinds.filter(([, , box]) => box.checked).map(([kind]) => kind),
          notify_supervisors: supervisors.checked,
          notify_staffer: staffer.checked,
          pay_codes: payCodes,
        },
      });
      reload();
    } catch (error) {
      ui.forms.showError(form, error, payCodeErrorText(error));
    }
  };
  const inherited = view.inherited_from && view.inherited_from !== organizationId;
  const f = ui.forms;
  // pay_codes.<kind> at its input; any other pay_codes.<code> (or msgspec's pay_codes[...])
  // walks up to "pay_codes", the absences' input
  const form = h(
    "form",
    { class: "tk-absence tk-policy", onsubmit: submit },
    h("h4", {}, t("tk.policy")),
    inherited ? h("p", { class: "muted" }, t("tk.policy_inherited")) : null,
    h("fieldset", {}, h("legend", {}, t("tk.notify_kinds")), kinds.map(([, label, box]) => h("label", {}, box, " ", t(label)))),
    h("fieldset", {}, h("legend", {}, t("tk.notify_whom")), h("label", {}, supervisors, " ", t("tk.notify_supervisors")), h("label", {}, staffer, " ", t("tk.notify_staffer"))),
    pays.map(([kind, input]) => f.field(`pay_codes.${kind}`, t(`tk.pay.${kind}`), input)),
    f.field("pay_codes", t("tk.pay.absences"), absences),
    h("button", { type: "submit" }, t("tk.save")),
  );
  return form;
}

/** A pay code refused: not a kind or T-13 code (422), or not a code's letters (400). */
function payCodeErrorText(error) {
  if (!/^pay_codes/.test(error.field || "")) return undefined;
  return ui.t(error.code === "invalid" ? "tk.err.pay_kind" : "tk.err.pay_code");
}

// The cycle as typed, in Russian or English, to the shift names the schedule stores (the
// form's two shifts «day» and «night», and «off»); a word it does not know goes as typed, so
// the server's refusal names it.
const CYCLE_WORDS = { день: "day", дневная: "day", д: "day", ночь: "night", ночная: "night", н: "night", выходной: "off", в: "off", отсыпной: "off" };

function cycleDays(text) {
  return text.split(/[,;]/).map((s) => s.trim().toLowerCase()).filter(Boolean).map((s) => CYCLE_WORDS[s] || s);
}

function scheduleForm(organizationId, reload) {
  const h = ui.h;
  const t = ui.t;
  const name = h("input", { type: "text", required: true, maxlength: 200 });
  const kind = h("select", {}, KINDS.map((k) => h("option", { value: k }, t(`tk.kind.${k}`))));
  const start = h("input", { type: "time", value: "09:00" });
  const end = h("input", { type: "time", value: "18:00" });
  const cycle = h("input", { type: "text", value: t("tk.cycle_default"), size: 22 });
  const anchor = h("input", { type: "date" });
  const hours = h("input", { type: "number", value: "40", min: "1", max: "400" });
  const isDefault = h("input", { type: "checkbox" });
  const submit = async (event) => {
    event.preventDefault();
    const rules = { work_start: start.value, work_end: end.value };
    if (kind.value === "shifts") {
      Object.assign(rules, {
        anchor: anchor.value || null,
        cycle: cycleDays(cycle.value),
        shifts: { day: { start: start.value, end: end.value }, night: { start: end.value, end: start.value } },
      });
    }
    if (kind.value === "flexible") rules.hours = Number(hours.value);
    ui.forms.clearErrors(form);
    try {
      await ui.api.post("/api/timekeeping/schedules", { organization_id: organizationId, name: name.value, kind: kind.value, rules, is_default: isDefault.checked });
      reload();
    } catch (error) {
      ui.forms.showError(form, error, scheduleErrorText(error));
    }
  };
  // Each input under the API's field path: a refusal is said at the input it names.
  const f = ui.forms;
  const form = h(
    "form",
    { class: "tk-absence tk-schedule", novalidate: true, onsubmit: submit },
    f.field("name", t("tk.schedule_name"), name),
    f.field("kind", t("tk.kind"), kind),
    f.field("rules.work_start", t("tk.from_time"), start),
    f.field("rules.work_end", t("tk.to_time"), end),
    f.field("rules.cycle", t("tk.cycle"), cycle),
    f.field("rules.anchor", t("tk.anchor"), anchor),
    f.field("rules.hours", t("tk.hours_week"), hours),
    f.field("is_default", t("tk.is_default"), isDefault),
    h("div", { class: "form-buttons" }, h("button", { type: "submit" }, t("tk.new_schedule"))),
  );
  return form;
}

/** The words for a schedule's refusal at its field (schedules.check_rules); else undefined. */
function scheduleErrorText(error) {
  const words = { "rules.work_end": "tk.err.work_end", "rules.anchor": "tk.err.anchor", "rules.cycle": "tk.err.cycle", name: "tk.err.name" };
  return words[error.field] ? ui.t(words[error.field]) : undefined;
}
