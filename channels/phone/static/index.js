// The phone channel in the operator console: a call's card inside its timeline entry (state,
// duration, the missed call's callback with «Перезвонить»), and the screen pop — the member's
// card and open appeals shown to the operator whose extension rings, before they answer
// («Создать карточку» for a number nobody holds yet). Everything through consoleApi.

const STRINGS = {
  ru: {
    "phone.in": "Входящий звонок",
    "phone.out": "Исходящий звонок",
    "phone.state.started": "идёт",
    "phone.state.ringing": "звонит",
    "phone.state.talking": "разговор",
    "phone.talked": "Разговор {time}",
    "phone.disposition.busy": "Занято",
    "phone.disposition.no_answer": "Нет ответа",
    "phone.disposition.cancelled": "Сброшен",
    "phone.disposition.failed": "Не состоялся",
    "phone.missed.ivr": "Пропущен в голосовом меню",
    "phone.missed.queue": "Пропущен в очереди",
    "phone.missed.ringing": "Пропущен: не успели ответить",
    "phone.missed.voicemail": "Пропущен: оставлено голосовое сообщение",
    "phone.digits": "Нажато: {digits}",
    "phone.heard.true": "Сообщение прослушано до конца",
    "phone.heard.false": "Сообщение не дослушано",
    "phone.operator": "Оператор: {name}",
    "phone.recording.pending": "Запись загружается…",
    "phone.recording.expired": "Запись удалена по сроку хранения",
    "phone.recording.failed": "Запись не удалось получить от АТС",
    "phone.callback.due": "Перезвонить до {time}",
    "phone.callback.calling": "Звоним… (попытка {n})",
    "phone.callback.done": "Перезвонили {time}",
    "phone.callback.outcome": "Последняя попытка: {outcome}",
    "phone.callback.missed": "Пропущенных звонков: {n}",
    "phone.call_back": "Позвонить",
    "phone.calling": "Звоним: сначала на ваш телефон, затем члену профсоюза",
    "phone.pop.title": "Входящий звонок",
    "phone.pop.number": "Звонит {number}",
    "phone.pop.open": "Открыть обращение",
    "phone.pop.close": "Закрыть",
    "phone.pop.answered": "Разговор идёт",
    "phone.pop.unknown": "Номер не найден в базе членов профсоюза",
    "phone.pop.create": "Создать карточку",
    "phone.pop.name": "ФИО",
    "phone.pop.save": "Сохранить",
    "phone.pop.name_required": "Напишите ФИО звонящего",
    "phone.pop.created": "Карточка создана",
    "phone.outcome.answered": "разговор состоялся",
    "phone.outcome.busy": "занято",
    "phone.outcome.no_answer": "нет ответа",
    "phone.outcome.cancelled": "сброшен",
    "phone.outcome.failed": "не состоялся",
  },
  en: {
    "phone.in": "Incoming call",
    "phone.out": "Outgoing call",
    "phone.state.started": "in progress",
    "phone.state.ringing": "ringing",
    "phone.state.talking": "talking",
    "phone.talked": "Talked {time}",
    "phone.disposition.busy": "Busy",
    "phone.disposition.no_answer": "No answer",
    "phone.disposition.cancelled": "Cancelled",
    "phone.disposition.failed": "Failed",
    "phone.missed.ivr": "Missed in the voice menu",
    "phone.missed.queue": "Missed in the queue",
    "phone.missed.ringing": "Missed while ringing",
    "phone.missed.voicemail": "Missed: a voicemail was left",
    "phone.digits": "Pressed: {digits}",
    "phone.heard.true": "The message was heard to the end",
    "phone.heard.false": "The message was not heard to the end",
    "phone.operator": "Operator: {name}",
    "phone.recording.pending": "Recording is being fetched…",
    "phone.recording.expired": "Recording deleted after its retention",
    "phone.recording.failed": "The PBX did not give the recording",
    "phone.callback.due": "Call back by {time}",
    "phone.callback.calling": "Calling… (attempt {n})",
    "phone.callback.done": "Called back {time}",
    "phone.callback.outcome": "Last attempt: {outcome}",
    "phone.callback.missed": "Missed calls: {n}",
    "phone.call_back": "Call",
    "phone.calling": "Calling: your phone first, then the member",
    "phone.pop.title": "Incoming call",
    "phone.pop.number": "{number} is calling",
    "phone.pop.open": "Open the appeal",
    "phone.pop.close": "Close",
    "phone.pop.answered": "Call in progress",
    "phone.pop.unknown": "No member has this number",
    "phone.pop.create": "Create a member card",
    "phone.pop.name": "Full name",
    "phone.pop.save": "Save",
    "phone.pop.name_required": "Write the caller's full name",
    "phone.pop.created": "Member card created",
    "phone.outcome.answered": "talked",
    "phone.outcome.busy": "busy",
    "phone.outcome.no_answer": "no answer",
    "phone.outcome.cancelled": "cancelled",
    "phone.outcome.failed": "failed",
  },
};

let ui = null; // consoleApi

export function setup(consoleApi) {
  ui = consoleApi;
  ui.strings(STRINGS);
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = new URL("./phone.css", import.meta.url).href;
  document.head.append(style);
  ui.timeline.addPart(callCard);
  ui.on("signal", (frame) => {
    if (frame.signal === "phone.call") screenPop(frame.data || {});
  });
}

// -- the call's card in its entry ----------------------------------------------------------

function minutes(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function when(unix) {
  return ui.format.fullTime(new Date(Number(unix) * 1000).toISOString());
}

function summary(call) {
  const { t } = ui;
  if (call.state !== "ended") return t(`phone.state.${call.state}`);
  if (call.disposition === "answered") return t("phone.talked", { time: minutes(call.duration) });
  if (call.missed) return t(`phone.missed.${call.missed}`);
  return t(`phone.disposition.${call.disposition || "failed"}`);
}

function callCard(entry) {
  const call = entry.data && entry.data.call;
  if (!call || typeof call !== "object") return null;
  const { h, t } = ui;
  const operator = call.operator_id ? operatorName(call.operator_id) : "";
  return h(
    "div",
    { class: `phone-call phone-${call.state}`, dataset: { call: String(call.id || "") } },
    h("p", { class: "phone-title" }, `☎ ${t(`phone.${call.direction === "out" ? "out" : "in"}`)} · ${call.number || ""}`),
    h("p", { class: "phone-summary" }, summary(call)),
    operator ? h("p", { class: "phone-operator" }, t("phone.operator", { name: operator })) : null,
    call.digits ? h("p", { class: "phone-digits" }, t("phone.digits", { digits: call.digits })) : null,
    typeof call.heard === "boolean" ? h("p", { class: "phone-heard" }, t(`phone.heard.${call.heard}`)) : null,
    ["pending", "expired", "failed"].includes(call.recording) ? h("p", { class: "phone-recording" }, t(`phone.recording.${call.recording}`)) : null,
    call.callback ? callbackPart(call.callback) : null,
  );
}

function operatorName(id) {
  const known = ui.store.operators && ui.store.operators.get(id);
  if (known) return known.name || known.login;
  if (ui.store.me && ui.store.me.id === id) return ui.store.me.name || ui.store.me.login;
  return "";
}

function callbackPart(callback) {
  const { h, t } = ui;
  const lines = [];
  if (callback.status === "done") lines.push(t("phone.callback.done", { time: when(callback.completed_at) }));
  else if (callback.status === "calling") lines.push(t("phone.callback.calling", { n: callback.attempts }));
  else lines.push(t("phone.callback.due", { time: when(callback.due_at) }));
  if (callback.outcome && callback.status !== "done") lines.push(t("phone.callback.outcome", { outcome: t(`phone.outcome.${callback.outcome}`) }));
  if (callback.missed > 1) lines.push(t("phone.callback.missed", { n: callback.missed }));
  const button =
    callback.status === "done" || !ui.can("appeals.reply")
      ? null
      : h("button", { type: "button", class: "phone-call-back", onclick: (event) => callBack(event.currentTarget, callback.id) }, t("phone.call_back"));
  return h("div", { class: `phone-callback phone-callback-${callback.status}` }, lines.map((line) => h("p", {}, line)), button);
}

function clickKey() {
  // One key per click: the same click sent again (a retried request) never rings twice.
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

async function callBack(button, callbackId) {
  button.disabled = true;
  try {
    await ui.api.request("POST", `/api/phone/callbacks/${callbackId}/call`, { body: { click: clickKey() } });
    ui.toast(ui.t("phone.calling"));
  } catch (error) {
    ui.toastError(error);
    button.disabled = false;
  }
}

// -- the screen pop -------------------------------------------------------------------------

let pop = null; // {call, element}

function screenPop(data) {
  const me = ui.store.me && ui.store.me.id;
  if (!me || data.operator_id !== me) return;
  if (data.state === "ended" || (data.answered_by && data.answered_by !== me)) {
    if (pop && pop.call === data.call) closePop();
    return;
  }
  if (pop && pop.call === data.call) {
    pop.element.querySelector(".phone-pop-state").textContent = data.state === "talking" ? ui.t("phone.pop.answered") : "";
    return;
  }
  closePop();
  const { h, t } = ui;
  const card = data.member_id ? h("ul-member-card", { "member-id": data.member_id, "appeal-id": data.appeal_id }) : null;
  const element = h(
    "aside",
    { class: "phone-pop", role: "dialog", "aria-label": t("phone.pop.title"), "aria-live": "assertive" },
    h("header", {}, h("h2", {}, `☎ ${t("phone.pop.title")}`), h("button", { type: "button", class: "phone-pop-close", onclick: closePop }, t("phone.pop.close"))),
    h("p", { class: "phone-pop-number" }, t("phone.pop.number", { number: data.number || "—" })),
    h("p", { class: "phone-pop-state" }, data.state === "talking" ? t("phone.pop.answered") : ""),
    h("div", { class: "phone-pop-unknown" }),
    card,
    h("a", { class: "phone-pop-open", href: `#/-/${data.appeal_id}` }, t("phone.pop.open")),
  );
  pop = { call: data.call, element };
  document.body.append(element);
  if (data.member_id) offerCard(element.querySelector(".phone-pop-unknown"), data.member_id);
}

function closePop() {
  if (pop) pop.element.remove();
  pop = null;
}

async function offerCard(slot, memberId) {
  const { h, t } = ui;
  let member;
  try {
    member = await ui.api.get(`/api/members/${memberId}`);
  } catch {
    return;
  }
  if (!member.provisional || member.full_name) return;
  const name = h("input", { type: "text", name: "full_name", autocomplete: "off" });
  // the name under the member's field: a refusal (no name) is said under it (forms.showError)
  const form = h(
    "form",
    { class: "phone-pop-create", hidden: true, onsubmit: (event) => saveCard(event, memberId, name, slot) },
    ui.forms.field("full_name", t("phone.pop.name"), name),
    h("button", { type: "submit", class: "primary" }, t("phone.pop.save")),
  );
  const open = h("button", { type: "button", class: "phone-pop-create-open", onclick: () => ((form.hidden = false), (open.hidden = true), name.focus()) }, t("phone.pop.create"));
  ui.replace(slot, h("p", {}, t("phone.pop.unknown")), open, form);
}

async function saveCard(event, memberId, input, slot) {
  event.preventDefault();
  const form = event.target;
  ui.forms.clearErrors(form);
  try {
    await ui.api.request("PATCH", `/api/members/${memberId}`, { body: { full_name: input.value.trim(), provisional: false } });
    ui.replace(slot, ui.h("p", { class: "phone-pop-done" }, ui.t("phone.pop.created")));
    const card = pop && pop.element.querySelector("ul-member-card");
    if (card && typeof card.show === "function") card.show(memberId, card.getAttribute("appeal-id"));
  } catch (error) {
    ui.forms.showError(form, error, error.field === "full_name" && ["invalid", "validation_error"].includes(error.code) ? ui.t("phone.pop.name_required") : undefined);
  }
}
