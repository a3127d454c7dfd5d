// «Рассылки» (#/work/campaigns[/new|/<id>]): the campaigns of the operator's organizations with
// their progress; the editor — who gets it (the segment builder with a live count), the
// channel order with an account and a message per channel (SMS parts counted), a preview for a
// member, a test send to oneself — and, once started, a live progress bar with pause, resume
// and cancel. Everything goes through /api/campaigns (docs/campaigns.md).

let ui;

// «Название | https://…» a line → [{title, url}] (a line without «|» is its own title and link).
const linkButtons = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
  const at = line.lastIndexOf("|");
  return at < 0 ? { title: line, url: line } : { title: line.slice(0, at).trim(), url: line.slice(at + 1).trim() };
});
const CHANNELS = ["telegram", "vk", "sms", "email", "voice"];
// The most link buttons a messenger shows under a message (VK's inline keyboard: 6 rows of
// one); past it the channel SDK sends every button as a «название: ссылка» line instead.
const MAX_BUTTONS = { vk: 6, telegram: 100 };
const STATUSES = ["member", "applicant", "suspended", "left", "not_member"];

const STRINGS = {
  ru: {
    "cmp.title": "Рассылки", "cmp.new": "Новая рассылка", "cmp.empty": "Рассылок пока нет.",
    "cmp.back": "← Все рассылки", "cmp.name": "Название", "cmp.org": "Организация",
    "cmp.purpose": "Цель", "cmp.purpose.info": "Информирование о работе профсоюза",
    "cmp.purpose.ads": "Реклама и предложения партнёров", "cmp.who": "Кому",
    "cmp.statuses": "Статус членства", "cmp.reachable": "Доступные каналы",
    "cmp.employer": "Место работы содержит", "cmp.appealed": "Обращались за последние N дней",
    "cmp.count": "Получат с согласием: {n}", "cmp.counting": "Считаем…",
    "cmp.channels": "Каналы по порядку", "cmp.channels.help": "Сообщение уйдёт по первому каналу, на который у человека есть контакт и согласие.",
    "cmp.account": "Аккаунт канала", "cmp.subject": "Тема письма", "cmp.text": "Текст",
    "cmp.html": "HTML письма (необязательно)",
    "cmp.buttons": "Кнопки-ссылки под сообщением", "cmp.buttons.help": "По одной в строке: Название | https://адрес. Переходы по ним считаются в статистике.",
    "cmp.buttons.too_many": "{channel} показывает под сообщением не больше {max} кнопок, а здесь их {count}: ни одна не придёт кнопкой — все придут строками «название: ссылка» после текста. Оставьте не больше {max}.",
    "cmp.vars": "Подстановки: {{ first_name }}, {{ full_name }}, {{ organization }}, {{ unsubscribe_url }}; склонение: {{ custom.years | plural:год,года,лет }}",
    "cmp.save": "Сохранить", "cmp.saved": "Сохранено", "cmp.preview": "Предпросмотр",
    "cmp.test": "Отправить себе", "cmp.test.address": "Ваш адрес для проверки", "cmp.test.sent": "Проверочное сообщение отправлено", "cmp.test.refused": "Канал не принял проверочное сообщение на этот адрес — проверьте адрес",
    "cmp.start": "Запустить", "cmp.pause": "Приостановить", "cmp.resume": "Продолжить", "cmp.cancel": "Отменить",
    "cmp.cancel.ask": "Отменить рассылку? Неотправленные сообщения не уйдут.", "cmp.cancel.yes": "Отменить рассылку",
    "cmp.progress": "Отправлено {sent} из {total}", "cmp.stats": "Статистика",
    "cmp.status.draft": "Черновик", "cmp.status.sending": "Идёт отправка", "cmp.status.paused": "Приостановлена",
    "cmp.status.cancelled": "Отменена", "cmp.status.finished": "Завершена",
    "cmp.status.scheduled": "Запланирована", "cmp.status.late": "Опоздала — подтвердите запуск",
    "cmp.schedule": "Запланировать", "cmp.schedule.at": "Дата и время запуска (время организации)", "cmp.confirm": "Запустить сейчас",
    "cmp.stat.queued": "В очереди", "cmp.stat.sent": "Отправлено", "cmp.stat.delivered": "Доставлено",
    "cmp.stat.failed": "Ошибки", "cmp.stat.skipped": "Пропущено (нет согласия)", "cmp.stat.clicked": "Переходы по ссылкам",
    "cmp.stat.unsubscribed": "Отписались", "cmp.stat.replied": "Ответили",
    "cmp.stat.bounced": "Не доставлено (возврат)", "cmp.stat.opened": "Открыли (приблизительно)",
    "cmp.opened.note": "Открытия считаются по картинке в письме: программы, не показывающие картинки, их не сообщают, а некоторые загружают все картинки сами — число приблизительное.",
    "cmp.trigger": "Кто и когда получает", "cmp.trigger.kind": "Как добавляются получатели", "cmp.trigger.start": "Все из сегмента — при запуске",
    "cmp.trigger.not_opened": "Шаг воронки: напомнить тем, кто не открыл", "cmp.trigger.date": "Шаг воронки: в дату из карточки (день рождения), каждый год",
    "cmp.trigger.after": "После рассылки", "cmp.trigger.days": "Через сколько дней", "cmp.trigger.unless": "Кроме тех, кто",
    "cmp.trigger.unless.opened": "открыл", "cmp.trigger.unless.clicked": "перешёл по ссылке", "cmp.trigger.unless.replied": "ответил",
    "cmp.trigger.field": "Поле карточки с датой (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)", "cmp.trigger.before": "За сколько дней до даты",
    "cmp.trigger.help": "Шаг воронки после запуска сам добавляет подходящих членов профсоюза (проверка каждые 15 минут); каждый получает сообщение шага один раз (в дату — раз в год).",
    "cmp.export.csv": "Выгрузить CSV", "cmp.export.xlsx": "Выгрузить XLSX",
    "cmp.rule.not_opened": "Шаг воронки: напоминание через {days} дн. тем, кто не {unless}, — после рассылки «{after}».",
    "cmp.rule.date": "Шаг воронки: в дату из поля «{field}» (за {days} дн.), раз в год.",
    "cmp.funnel": "Путь сообщения", "cmp.funnel.sent": "Ушло", "cmp.replies": "Ответы (обращения)", "cmp.replies.empty": "Ответов пока нет.",
    "cmp.ch.telegram": "Telegram", "cmp.ch.vk": "ВКонтакте", "cmp.ch.sms": "SMS", "cmp.ch.email": "Эл. почта", "cmp.ch.voice": "Робот-звонок",
    "cmp.voice.text": "Что скажет робот", "cmp.voice.help": "Текст прочитает синтезатор речи; цифры и сокращения лучше писать словами. Подстановки те же, что в других сообщениях.",
    "cmp.voice.digit": "Ждать ответа цифрой (например, «Нажмите 1, если придёте»)",
    "cmp.voice.agent": "Звонит линия: SIP-линия — через встроенный SIP-агент; он работает в одном из процессов, выполняющих задания (настройка [phone] sip_agent = true, по умолчанию включена), остальные передают ему звонки, а если он не запущен нигде, звонки завершатся ошибкой «SIP-агент линии не запущен ни в одном процессе»; линия UIS — через информатор UIS. Линии Mango Office и Zadarma робот-звонки не делают: их API не произносит текст.",
    "cmp.answers": "Ответы цифрой", "cmp.answers.empty": "Пока никто не нажал цифру.",
    "cmp.answers.total": "Нажали цифру: {n}", "cmp.answers.digit": "Нажали «{digit}»",
    "cmp.voice.note": "Робот-звонки: «Доставлено» — ответили на звонок, «Открыли» — прослушали сообщение до конца, «Ошибки» и «Не доставлено» — занято или не ответили.",
    "cmp.st.member": "Член профсоюза", "cmp.st.applicant": "Заявитель", "cmp.st.suspended": "Приостановлено",
    "cmp.st.left": "Вышел", "cmp.st.not_member": "Не член",
  },
  en: {
    "cmp.title": "Campaigns", "cmp.new": "New campaign", "cmp.empty": "No campaigns yet.",
    "cmp.back": "← All campaigns", "cmp.name": "Name", "cmp.org": "Organization",
    "cmp.purpose": "Purpose", "cmp.purpose.info": "Information about the union's work",
    "cmp.purpose.ads": "Advertising and partner offers", "cmp.who": "Who gets it",
    "cmp.statuses": "Membership status", "cmp.reachable": "Reachable channels",
    "cmp.employer": "Employer contains", "cmp.appealed": "Appealed in the last N days",
    "cmp.count": "Recipients with consent: {n}", "cmp.counting": "Counting…",
    "cmp.channels": "Channels in order", "cmp.channels.help": "The message goes on the first channel the member has a contact and a consent for.",
    "cmp.account": "Channel account", "cmp.subject": "Subject", "cmp.text": "Text",
    "cmp.html": "E-mail HTML (optional)",
    "cmp.buttons": "Link buttons under the message", "cmp.buttons.help": "One a line: Label | https://address. Clicks on them are counted in the statistics.",
    "cmp.buttons.too_many": "{channel} shows at most {max} buttons under a message and there are {count} here: none will come as a button — all of them will come as “label: link” lines after the text. Keep {max} or fewer.",
    "cmp.vars": "Variables: {{ first_name }}, {{ full_name }}, {{ organization }}, {{ unsubscribe_url }}; plural: {{ custom.years | plural:год,года,лет }}",
    "cmp.save": "Save", "cmp.saved": "Saved", "cmp.preview": "Preview",
    "cmp.test": "Send to myself", "cmp.test.address": "Your address for the test", "cmp.test.sent": "Test message sent", "cmp.test.refused": "The channel did not take the test message to this address — check the address",
    "cmp.start": "Start", "cmp.pause": "Pause", "cmp.resume": "Resume", "cmp.cancel": "Cancel",
    "cmp.cancel.ask": "Cancel the campaign? Unsent messages will not go out.", "cmp.cancel.yes": "Cancel the campaign",
    "cmp.progress": "Sent {sent} of {total}", "cmp.stats": "Statistics",
    "cmp.status.draft": "Draft", "cmp.status.sending": "Sending", "cmp.status.paused": "Paused",
    "cmp.status.cancelled": "Cancelled", "cmp.status.finished": "Finished",
    "cmp.status.scheduled": "Scheduled", "cmp.status.late": "Late — confirm the start",
    "cmp.schedule": "Schedule", "cmp.schedule.at": "Start at (the organization's time)", "cmp.confirm": "Start now",
    "cmp.stat.queued": "Queued", "cmp.stat.sent": "Sent", "cmp.stat.delivered": "Delivered",
    "cmp.stat.failed": "Failed", "cmp.stat.skipped": "Skipped (no consent)", "cmp.stat.clicked": "Clicked",
    "cmp.stat.unsubscribed": "Unsubscribed", "cmp.stat.replied": "Replied",
    "cmp.stat.bounced": "Bounced", "cmp.stat.opened": "Opened (approximate)",
    "cmp.opened.note": "Opens are counted by an image in the e-mail: clients that block images never report them, some proxies load every image — the number is approximate.",
    "cmp.trigger": "Who gets it and when", "cmp.trigger.kind": "How recipients are added", "cmp.trigger.start": "Everyone in the segment — at the start",
    "cmp.trigger.not_opened": "Funnel step: remind those who did not open", "cmp.trigger.date": "Funnel step: on a date of the card (birthday), every year",
    "cmp.trigger.after": "After the campaign", "cmp.trigger.days": "After how many days", "cmp.trigger.unless": "Except those who",
    "cmp.trigger.unless.opened": "opened it", "cmp.trigger.unless.clicked": "clicked a link", "cmp.trigger.unless.replied": "replied",
    "cmp.trigger.field": "Card field holding the date (YYYY-MM-DD or DD.MM.YYYY)", "cmp.trigger.before": "Days before the date",
    "cmp.trigger.help": "A funnel step adds the matching members by itself once started (checked every 15 minutes); each gets the step's message once (on a date: once a year).",
    "cmp.export.csv": "Download CSV", "cmp.export.xlsx": "Download XLSX",
    "cmp.rule.not_opened": "Funnel step: a reminder after {days} days to those who have not {unless} — after «{after}».",
    "cmp.rule.date": "Funnel step: on the date of the field «{field}» ({days} days before), once a year.",
    "cmp.funnel": "Message funnel", "cmp.funnel.sent": "Went out", "cmp.replies": "Replies (appeals)", "cmp.replies.empty": "No replies yet.",
    "cmp.ch.telegram": "Telegram", "cmp.ch.vk": "VK", "cmp.ch.sms": "SMS", "cmp.ch.email": "E-mail", "cmp.ch.voice": "Robot call",
    "cmp.voice.text": "What the robot says", "cmp.voice.help": "Read out by speech synthesis; write numbers and abbreviations as words. The same placeholders as in other messages.",
    "cmp.voice.digit": "Wait for a digit in answer (e.g. “Press 1 if you will come”)",
    "cmp.voice.agent": "The line calls: a SIP line through the built-in SIP agent, which runs in one of the processes that run jobs ([phone] sip_agent = true, the default) — the others hand their calls to it, and if it runs nowhere the calls fail with “the line's SIP agent runs in no process”; a UIS line through UIS's informer call. Mango Office and Zadarma lines make no robot calls: their APIs speak no text.",
    "cmp.answers": "Digits pressed", "cmp.answers.empty": "Nobody has pressed a digit yet.",
    "cmp.answers.total": "Pressed a digit: {n}", "cmp.answers.digit": "Pressed “{digit}”",
    "cmp.voice.note": "Robot calls: “Delivered” — the call was answered, “Opened” — the message was heard to its end, “Failed” and “Bounced” — busy or no answer.",
    "cmp.st.member": "Member", "cmp.st.applicant": "Applicant", "cmp.st.suspended": "Suspended",
    "cmp.st.left": "Left", "cmp.st.not_member": "Not a member",
  },
};

export function setup(consoleApi) {
  ui = consoleApi;
  ui.strings(STRINGS);
  if (!document.querySelector("link[data-campaigns-css]")) {
    document.head.append(ui.h("link", { rel: "stylesheet", href: new URL("./campaigns.css", import.meta.url).href, dataset: { campaignsCss: "1" } }));
  }
}

const t = (key, values = {}) => Object.entries(values).reduce((s, [k, v]) => s.replace(`{${k}}`, String(v)), ui.t(key));
const h = (...args) => ui.h(...args);
const put = (path, body) => ui.api.request("PUT", path, { body });

async function download(body, format) {
  // The segment's export is a POST (the filter is its body): fetched, then saved as a file.
  const token = document.cookie.split(";").map((p) => p.trim().split("=")).find(([k]) => k === "csrftoken");
  const response = await fetch("/api/campaigns/segments/export", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", ...(token ? { "x-csrftoken": decodeURIComponent(token[1]) } : {}) },
    body: JSON.stringify({ ...body, format }),
  });
  if (!response.ok) throw new Error((await response.json().catch(() => ({}))).error?.message || `HTTP ${response.status}`);
  const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `segment.${format}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

function sendTotal(c) {
  return c.sent + c.delivered + c.bounced + c.failed + c.skipped + c.cancelled;
}

function progress(c) {
  const done = sendTotal(c);
  return h("div", { class: "cmp-progress" },
    h("progress", { max: String(Math.max(c.total, 1)), value: String(done), "aria-label": t("cmp.progress", { sent: done, total: c.total }) }),
    h("span", { class: "muted" }, t("cmp.progress", { sent: c.sent + c.delivered + c.bounced, total: c.total })));
}

class CampaignsPage extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page", "campaigns-page");
    this.route();
  }

  disconnectedCallback() {
    clearInterval(this.timer);
  }

  attributeChangedCallback() {
    if (this.isConnected) this.route();
  }

  route() {
    clearInterval(this.timer);
    this.askingCancel = null;
    const path = this.getAttribute("path") || "";
    if (path === "new") return this.editor(null);
    if (/^[0-9a-f-]{36}$/.test(path)) return this.open(path);
    return this.list();
  }

  async list() {
    const items = await ui.api.get("/api/campaigns/").catch(() => []);
    const head = h("div", { class: "admin-head" }, h("h2", {}, t("cmp.title")),
      ui.can("campaigns.manage") ? h("a", { class: "button primary", href: "#/work/campaigns/new" }, t("cmp.new")) : null);
    const cards = items.length
      ? h("ul", { class: "admin-cards" }, items.map((c) => h("li", { class: "admin-card", dataset: { campaign: c.id } },
        h("a", { href: `#/work/campaigns/${c.id}` }, h("strong", {}, c.name)), " ",
        h("span", { class: "chip" }, t(`cmp.status.${c.status}`)), c.status !== "draft" ? progress(c.counts) : null)))
      : h("p", { class: "muted" }, t("cmp.empty"));
    ui.replace(this, head, cards);
  }

  async open(id) {
    const campaign = await ui.api.get(`/api/campaigns/${id}`);
    if (campaign.status === "draft") return this.editor(campaign);
    this.replies = campaign.counts.replied ? await ui.api.get(`/api/campaigns/${id}/replies`).catch(() => []) : [];
    this.answers = await this.loadAnswers(campaign);
    this.earlier = campaign.trigger?.kind === "not_opened" ? await ui.api.get("/api/campaigns/").catch(() => []) : [];
    return this.running(campaign);
  }

  running(c) {
    // The outcomes in the server's order (its Counts), less the total and the passing states.
    const stats = Object.keys(c.counts).filter((k) => !["total", "sending", "cancelled"].includes(k));
    const act = (what) => async () => {
      try {
        const next = await ui.api.post(`/api/campaigns/${c.id}/${what}`);
        this.running(next);
      } catch (error) {
        ui.toastError(error);
      }
    };
    const buttons = [];
    if (c.status === "sending") buttons.push(h("button", { type: "button", class: "cmp-pause", onclick: act("pause") }, t("cmp.pause")));
    if (c.status === "paused") buttons.push(h("button", { type: "button", class: "cmp-resume", onclick: act("resume") }, t("cmp.resume")));
    if (c.status === "late") buttons.push(h("button", { type: "button", class: "primary cmp-confirm", onclick: act("start") }, t("cmp.confirm")));
    const cancellable = ["sending", "paused", "scheduled", "late"].includes(c.status);
    const asking = cancellable && this.askingCancel === c.id;
    if (cancellable) {
      buttons.push(h("button", { type: "button", class: "danger cmp-cancel", "aria-expanded": String(asking), onclick: () => this.askCancel(c) }, t("cmp.cancel")));
    }
    ui.replace(this,
      h("p", {}, h("a", { href: "#/work/campaigns" }, t("cmp.back"))),
      h("div", { class: "admin-head" }, h("h2", {}, c.name), h("span", { class: "chip cmp-status", dataset: { status: c.status } }, t(`cmp.status.${c.status}`))),
      this.rule(c),
      progress(c.counts),
      h("div", { class: "admin-form-actions" }, buttons),
      asking ? this.cancelBox(c, act("cancel")) : null,
      h("h3", {}, t("cmp.stats")),
      h("table", { class: "admin-table cmp-stats" }, h("tbody", {}, stats.map((s) => h("tr", {}, h("th", { scope: "row" }, t(`cmp.stat.${s}`)), h("td", { dataset: { stat: s } }, String(c.counts[s])))))),
      this.chart(c.counts),
      h("p", { class: "muted cmp-note" }, t("cmp.opened.note")),
      (c.channel_order || []).includes("voice") ? h("p", { class: "muted cmp-voice-note" }, t("cmp.voice.note")) : null,
      this.answersBlock(),
      h("h3", {}, t("cmp.funnel")),
      this.funnel(c.counts),
      h("h3", {}, t("cmp.replies")),
      this.repliesList());
    clearInterval(this.timer);
    if (c.status === "sending" || (c.status === "paused" && c.counts.sending)) {
      this.timer = setInterval(async () => {
        const next = await ui.api.get(`/api/campaigns/${c.id}`).catch(() => null);
        if (next) this.answers = await this.loadAnswers(next);
        // Not while the cancel question is open: a new page would take its focus away.
        if (next && this.isConnected && this.askingCancel !== c.id) this.running(next);
      }, 1000);
    }
  }

  // «Отменить» asks first, under the buttons (confirmBox is an element to show, not a promise
  // to await: the button made the question and dropped it, so nothing was ever cancelled).
  askCancel(c) {
    this.askingCancel = c.id;
    this.running(c);
    this.querySelector(".cmp-cancel-ask .confirm-yes").focus();
  }

  cancelBox(c, cancel) {
    const yes = () => {
      this.askingCancel = null;
      cancel();
    };
    const no = () => {
      this.askingCancel = null;
      this.running(c);
      this.querySelector(".cmp-cancel").focus();
    };
    const box = ui.forms.confirmBox(t("cmp.cancel.ask"), t("cmp.cancel.yes"), yes, no);
    box.classList.add("cmp-cancel-ask");
    return box;
  }

  async loadAnswers(c) {
    // The digits pressed in the campaign's robot calls (only a campaign that calls has them).
    if (!(c.channel_order || []).includes("voice")) return null;
    return ui.api.get(`/api/campaigns/${c.id}/answers`).catch(() => null);
  }

  answersBlock() {
    // Members per digit, then who pressed what (newest first).
    const a = this.answers;
    if (!a) return null;
    if (!a.total) return h("section", { class: "cmp-answers" }, h("h3", {}, t("cmp.answers")), h("p", { class: "muted" }, t("cmp.answers.empty")));
    const when = (at) => new Date(at * 1000).toLocaleString(ui.lang() === "en" ? "en-GB" : "ru-RU");
    return h("section", { class: "cmp-answers" },
      h("h3", {}, t("cmp.answers")),
      h("p", { class: "cmp-answers-total" }, t("cmp.answers.total", { n: a.total })),
      h("table", { class: "admin-table cmp-digits" }, h("tbody", {}, Object.entries(a.digits).map(([digit, n]) =>
        h("tr", {}, h("th", { scope: "row" }, t("cmp.answers.digit", { digit })), h("td", { dataset: { digit } }, String(n)))))),
      h("ul", { class: "plain cmp-answered" }, a.recipients.map((r) => h("li", {}, `${r.full_name || "—"}: ${r.digit} (${when(r.at)})`))));
  }

  rule(c) {
    // What adds members to a funnel step after its start (nothing for an ordinary campaign).
    const r = c.trigger || { kind: "start" };
    if (r.kind === "not_opened") {
      const after = (this.earlier || []).find((x) => x.id === r.after_campaign_id);
      return h("p", { class: "muted cmp-rule" }, t("cmp.rule.not_opened", { days: r.days, unless: t(`cmp.trigger.unless.${r.unless}`), after: after ? after.name : "…" }));
    }
    if (r.kind === "date") return h("p", { class: "muted cmp-rule" }, t("cmp.rule.date", { field: r.date_field, days: r.days_before }));
    return null;
  }

  repliesList() {
    const replies = this.replies || [];
    if (!replies.length) return h("p", { class: "muted cmp-replies" }, t("cmp.replies.empty"));
    return h("ul", { class: "plain cmp-replies" }, replies.map((r) => h("li", {},
      r.appeal_id ? h("a", { href: `#/-/${r.appeal_id}` }, r.appeal_number || r.appeal_id) : "—",
      ` — ${r.full_name}, ${new Date(r.at * 1000).toLocaleString(ui.lang() === "en" ? "en-GB" : "ru-RU")}`)));
  }

  funnel(c) {
    // How far the messages got: a labelled bar per step, as wide as its share of those that
    // went out (SVG, no library, no CDN); opens are approximate.
    const out = c.sent + c.delivered + c.bounced;
    const rows = [["cmp.funnel.sent", out, "#0b5cad"], ["cmp.stat.delivered", c.delivered, "#1a7f37"], ["cmp.stat.bounced", c.bounced, "#b54708"],
      ["cmp.stat.opened", c.opened, "#5b6b7f"], ["cmp.stat.clicked", c.clicked, "#6941c6"], ["cmp.stat.replied", c.replied, "#027a48"], ["cmp.stat.unsubscribed", c.unsubscribed, "#b42318"]];
    const ns = "http://www.w3.org/2000/svg";
    const el = (name, attrs, text) => {
      const node = document.createElementNS(ns, name);
      Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, String(v)));
      if (text !== undefined) node.textContent = text;
      return node;
    };
    const svg = el("svg", { viewBox: `0 0 360 ${rows.length * 22}`, class: "cmp-funnel", role: "img",
      "aria-label": rows.map(([k, n]) => `${t(k)}: ${n}`).join(", ") });
    rows.forEach(([key, n, colour], i) => {
      const y = i * 22;
      svg.append(el("rect", { x: 165, y: y + 3, width: Math.max(n ? 1 : 0, (140 * n) / Math.max(1, out)), height: 14, fill: colour }));
      svg.append(el("text", { x: 0, y: y + 14, "font-size": 11, fill: "#1f2937" }, t(key)));
      svg.append(el("text", { x: 356, y: y + 14, "font-size": 11, fill: "#1f2937", "text-anchor": "end" }, String(n)));
    });
    return svg;
  }

  chart(c) {
    // A bar per outcome, drawn as SVG (no library, no CDN).
    const parts = [["delivered", c.delivered, "#1a7f37"], ["sent", c.sent, "#4ca30d"], ["bounced", c.bounced, "#b54708"], ["failed", c.failed, "#b42318"], ["skipped", c.skipped, "#6b7280"], ["queued", c.queued + c.sending, "#0b5cad"]];
    const total = Math.max(1, c.total);
    let x = 0;
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 100 6");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("class", "cmp-chart");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", parts.map(([k, n]) => `${t(`cmp.stat.${k}`)}: ${n}`).join(", "));
    for (const [, n, colour] of parts) {
      const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
      const w = (100 * n) / total;
      Object.entries({ x, y: 0, width: w, height: 6, fill: colour }).forEach(([k, v]) => rect.setAttribute(k, String(v)));
      svg.append(rect);
      x += w;
    }
    return svg;
  }

  async editor(c) {
    const orgs = await ui.api.get("/api/organizations/").catch(() => []);
    const accounts = await ui.api.get("/api/channel-accounts/").catch(() => []);
    const draft = c || { name: "", organization_id: orgs[0]?.id, purpose: "info", filter: {}, channel_order: [], accounts: {}, variants: {}, concurrency: 8 };
    const rule = { kind: "start", days: 3, unless: "opened", date_field: "birth_date", days_before: 0, ...(draft.trigger || {}) };
    const earlier = (await ui.api.get("/api/campaigns/").catch(() => [])).filter((x) => x.status !== "draft" && x.id !== draft.id);
    const kind = h("select", { name: "trigger.kind", onchange: () => drawTrigger() }, ["start", "not_opened", "date"].map((k) => h("option", { value: k, selected: k === rule.kind }, t(`cmp.trigger.${k}`))));
    const after = h("select", { name: "trigger.after_campaign_id" }, h("option", { value: "" }, "—"), earlier.map((x) => h("option", { value: x.id, selected: x.id === rule.after_campaign_id }, x.name)));
    const days = h("input", { type: "number", name: "trigger.days", min: "0", max: "365", value: String(rule.days) });
    const unless = h("select", { name: "trigger.unless" }, ["opened", "clicked", "replied"].map((u) => h("option", { value: u, selected: u === rule.unless }, t(`cmp.trigger.unless.${u}`))));
    const dateField = h("input", { type: "text", name: "trigger.date_field", value: rule.date_field, maxlength: "60" });
    const before = h("input", { type: "number", name: "trigger.days_before", min: "0", max: "60", value: String(rule.days_before) });
    const triggerBox = h("div", { class: "cmp-trigger" });
    const drawTrigger = () => ui.replace(triggerBox,
      kind.value === "not_opened" ? [ui.forms.field("trigger.after_campaign_id", t("cmp.trigger.after"), after), ui.forms.field("trigger.days", t("cmp.trigger.days"), days), ui.forms.field("trigger.unless", t("cmp.trigger.unless"), unless)] : null,
      kind.value === "date" ? [ui.forms.field("trigger.date_field", t("cmp.trigger.field"), dateField), ui.forms.field("trigger.days_before", t("cmp.trigger.before"), before)] : null);
    const trigger = () => {
      if (kind.value === "not_opened") return { kind: "not_opened", after_campaign_id: after.value || null, days: Number(days.value || 0), unless: unless.value };
      if (kind.value === "date") return { kind: "date", date_field: dateField.value.trim(), days_before: Number(before.value || 0) };
      return { kind: "start" };
    };
    const f = { statuses: [], reachable: [], employer: "", ...draft.filter };
    const form = h("form", { class: "admin-form cmp-editor", novalidate: true, onsubmit: (e) => { e.preventDefault(); this.save(form, read()).catch(() => null); } });
    const name = h("input", { type: "text", name: "name", value: draft.name, required: true, maxlength: "200" });
    const org = h("select", { name: "organization_id", onchange: () => { recount(); smsLimit(); } }, orgs.map((o) => h("option", { value: o.id, selected: o.id === draft.organization_id }, o.name)));
    const purpose = h("select", { name: "purpose", onchange: () => recount() }, ["info", "ads"].map((p) => h("option", { value: p, selected: p === draft.purpose }, t(`cmp.purpose.${p}`))));
    const checks = (list, values, label, prefix) => h("fieldset", { class: "cmp-checks" }, h("legend", {}, label),
      list.map((v) => h("label", { class: "inline" }, h("input", { type: "checkbox", value: v, checked: values.includes(v), dataset: { group: prefix }, onchange: () => recount() }), " ", t(`cmp.${prefix}.${v}`))));
    const statuses = checks(STATUSES, f.statuses, t("cmp.statuses"), "st");
    const reachable = checks(CHANNELS, f.reachable, t("cmp.reachable"), "ch");
    const employer = h("input", { type: "text", name: "employer", value: f.employer || "", oninput: () => recount() });
    const appealed = h("input", { type: "number", name: "appealed", min: "1", max: "3650", value: f.appealed_within_days || "", oninput: () => recount() });
    const count = h("p", { class: "cmp-count", role: "status", "aria-live": "polite" }, t("cmp.counting"));
    const messages = h("div", { class: "cmp-messages" });
    const order = [...draft.channel_order];
    const chosen = h("fieldset", { class: "cmp-checks cmp-order" }, h("legend", {}, t("cmp.channels")),
      CHANNELS.map((ch) => h("label", { class: "inline" }, h("input", { type: "checkbox", value: ch, checked: order.includes(ch), dataset: { order: ch }, onchange: (e) => {
        const i = order.indexOf(ch);
        if (e.target.checked && i < 0) order.push(ch);
        if (!e.target.checked && i >= 0) order.splice(i, 1);
        drawMessages();
      } }), " ", t(`cmp.ch.${ch}`))),
      h("span", { class: "field-help" }, t("cmp.channels.help")));
    const inputs = {};
    const drawMessages = () => {
      ui.replace(messages, order.map((ch, i) => {
        const v = draft.variants[ch] || {};
        const box = inputs[ch] || (inputs[ch] = {
          account: h("select", { name: `account-${ch}`, onchange: () => ch === "sms" && smsLimit() }, h("option", { value: "" }, "—"), accounts.map((a) => h("option", { value: a.id, selected: draft.accounts[ch] === a.id }, `${a.name} (${a.channel})`))),
          subject: h("input", { type: "text", name: `subject-${ch}`, value: v.subject || "" }),
          text: h("textarea", { name: `text-${ch}`, rows: "4", oninput: () => counter(ch) }, v.text || ""),
          html: h("textarea", { name: `html-${ch}`, rows: "3" }, v.html || ""),
          buttons: h("textarea", { name: `buttons-${ch}`, rows: "2", oninput: () => tooManyButtons(ch) }, (v.buttons || []).map((b) => `${b.title} | ${b.url}`).join("\n")),
          buttonsWarning: h("p", { class: "cmp-buttons-warning", role: "status", "aria-live": "polite" }),
          counter: h("span", { class: "field-help cmp-sms-counter", "aria-live": "polite" }),
          smsWarning: h("p", { class: "cmp-sms-over", role: "status", "aria-live": "polite" }),
          limit: null, // the SMS account's part limit (GET /api/campaigns/limits)
          digit: h("input", { type: "checkbox", name: `digit-${ch}`, checked: !!v.ask_digit }),
        });
        if (ch === "sms" && !box.asked) {
          box.asked = true; // once: the select's change asks again
          smsLimit();
        }
        counter(ch);
        tooManyButtons(ch);
        return h("section", { class: "admin-card cmp-variant", dataset: { channel: ch } },
          h("h3", {}, `${i + 1}. ${t(`cmp.ch.${ch}`)}`),
          ui.forms.field(`accounts.${ch}`, t("cmp.account"), box.account),
          ch === "email" ? ui.forms.field(`variants.${ch}.subject`, t("cmp.subject"), box.subject) : null,
          ch === "voice"
            ? ui.forms.field(`variants.${ch}.text`, t("cmp.voice.text"), box.text, { help: t("cmp.voice.help") })
            : ui.forms.field(`variants.${ch}.text`, t("cmp.text"), box.text, { help: t("cmp.vars") }),
          ch === "voice" ? h("label", { class: "cmp-digit" }, box.digit, " ", t("cmp.voice.digit")) : null,
          ch === "voice" ? h("p", { class: "field-help cmp-voice-agent" }, t("cmp.voice.agent")) : null,
          ch === "sms" ? [box.counter, box.smsWarning] : null,
          ch === "email" ? ui.forms.field(`variants.${ch}.html`, t("cmp.html"), box.html) : null,
          ch === "telegram" || ch === "vk" ? ui.forms.field(`variants.${ch}.buttons`, t("cmp.buttons"), box.buttons, { help: t("cmp.buttons.help") }) : null,
          ch === "telegram" || ch === "vk" ? box.buttonsWarning : null);
      }));
    };
    // The console's own SMS counter (consoleApi.sms, as the reply composer counts) at the
    // chosen account's part limit; over it the server refuses the draft (variants.sms.text).
    const counter = (ch) => {
      const box = inputs[ch];
      if (!box || ch !== "sms") return;
      const sms = ui.sms.counter(box.text.value, box.limit, "message");
      box.counter.textContent = sms.label;
      box.counter.classList.toggle("over", sms.over);
      box.smsWarning.textContent = sms.warning;
      box.smsWarning.hidden = !sms.over;
    };
    const smsLimit = async () => {
      const box = inputs.sms;
      if (!box) return;
      const query = new URLSearchParams({ organization_id: org.value, account_id: box.account.value });
      box.limit = box.account.value
        ? (await ui.api.get(`/api/campaigns/limits?${query}`).catch(() => null))?.sms_segments ?? null
        : null;
      counter("sms");
    };
    // More buttons than the messenger shows: none go as buttons, every one becomes a line.
    const tooManyButtons = (ch) => {
      const box = inputs[ch];
      if (!box || !MAX_BUTTONS[ch]) return;
      const count = linkButtons(box.buttons.value).length;
      const over = count > MAX_BUTTONS[ch];
      box.buttonsWarning.hidden = !over;
      box.buttonsWarning.textContent = over ? t("cmp.buttons.too_many", { channel: t(`cmp.ch.${ch}`), max: MAX_BUTTONS[ch], count }) : "";
    };
    const filter = () => {
      const picked = (group) => [...form.querySelectorAll(`input[data-group=${group}]:checked`)].map((i) => i.value);
      const out = { statuses: picked("st"), reachable: picked("ch"), employer: employer.value.trim() };
      if (appealed.value) out.appealed_within_days = Number(appealed.value);
      return out;
    };
    const read = () => {
      const variants = {};
      const chosenAccounts = {};
      for (const ch of order) {
        const box = inputs[ch];
        variants[ch] = { subject: box.subject.value, text: box.text.value, html: box.html.value };
        if (ch === "telegram" || ch === "vk") variants[ch].buttons = linkButtons(box.buttons.value);
        if (ch === "voice") variants[ch].ask_digit = box.digit.checked;
        if (box.account.value) chosenAccounts[ch] = box.account.value;
      }
      return { name: name.value.trim(), organization_id: org.value, purpose: purpose.value, filter: filter(), channel_order: order, accounts: chosenAccounts, variants, concurrency: draft.concurrency || 8, trigger: trigger() };
    };
    const recount = () => {
      clearTimeout(this.counting);
      this.counting = setTimeout(async () => {
        count.textContent = t("cmp.counting");
        try {
          const found = await ui.api.post("/api/campaigns/segments/count", { organization_id: org.value, filter: filter(), purpose: purpose.value });
          count.textContent = t("cmp.count", { n: found.count });
        } catch (error) {
          count.textContent = ui.errorText(error);
        }
      }, 250);
    };
    const preview = h("pre", { class: "cmp-preview", "aria-live": "polite" });
    // The message's link buttons, under the text as the messenger shows them.
    const previewButtons = h("div", { class: "cmp-preview-buttons" });
    const testAddress = h("input", { type: "text", name: "test-address" });
    const when = h("input", { type: "datetime-local", name: "at" });
    const saved = () => this.saved;
    this.saved = c;
    form.append(
      ui.forms.field("name", t("cmp.name"), name, { required: true }),
      ui.forms.field("organization_id", t("cmp.org"), org),
      ui.forms.field("purpose", t("cmp.purpose"), purpose),
      h("h3", {}, t("cmp.who")), statuses, reachable,
      ui.forms.field("employer", t("cmp.employer"), employer),
      ui.forms.field("appealed", t("cmp.appealed"), appealed),
      count,
      h("div", { class: "admin-form-actions" }, ["csv", "xlsx"].map((format) => h("button", { type: "button", class: `cmp-export-${format}`,
        onclick: () => download({ organization_id: org.value, filter: filter() }, format).catch((error) => ui.toastError(error)) }, t(`cmp.export.${format}`)))),
      h("h3", {}, t("cmp.trigger")),
      ui.forms.field("trigger.kind", t("cmp.trigger.kind"), kind, { help: t("cmp.trigger.help") }),
      triggerBox,
      chosen, messages,
      h("div", { class: "admin-form-actions" },
        h("button", { type: "submit", class: "primary cmp-save" }, t("cmp.save")),
        h("button", { type: "button", class: "cmp-preview-button", onclick: async () => {
          const done = await this.save(form, read()).catch(() => null);
          if (!done || !order.length) return;
          try {
            const shown = await ui.api.post(`/api/campaigns/${done.id}/preview/${order[0]}`, {});
            preview.textContent = [shown.subject, shown.text].filter(Boolean).join("\n\n");
            previewButtons.replaceChildren(...(shown.buttons || []).map((b) =>
              h("a", { class: "button", href: b.url, target: "_blank", rel: "noopener noreferrer" }, b.title)));
          } catch (error) {
            ui.toastError(error);
          }
        } }, t("cmp.preview")),
        h("button", { type: "button", class: "primary cmp-start", onclick: async () => {
          const done = await this.save(form, read()).catch(() => null);
          if (!done) return;
          try {
            const started = await ui.api.post(`/api/campaigns/${done.id}/start`);
            location.hash = `#/work/campaigns/${started.id}`;
          } catch (error) {
            ui.forms.showError(form, error);
          }
        } }, t("cmp.start"))),
      ui.forms.field("at", t("cmp.schedule.at"), when),
      h("button", { type: "button", class: "cmp-schedule", onclick: async () => {
        const done = await this.save(form, read()).catch(() => null);
        if (!done) return;
        try {
          const planned = await ui.api.post(`/api/campaigns/${done.id}/schedule`, { at: when.value });
          location.hash = `#/work/campaigns/${planned.id}`;
        } catch (error) {
          ui.forms.showError(form, error);
        }
      } }, t("cmp.schedule")),
      preview, previewButtons,
      // "address": the field the test's refusal names (the channel did not take it)
      ui.forms.field("address", t("cmp.test.address"), testAddress),
      h("button", { type: "button", class: "cmp-test", onclick: async () => {
        const done = saved() || (await this.save(form, read()).catch(() => null));
        if (!done || !order.length) return;
        ui.forms.clearErrors(form);
        try {
          const sent = await ui.api.post(`/api/campaigns/${done.id}/test`, { channel: order[0], address: testAddress.value });
          // The channel's note: an SMS's parts and cost («2 SMS · 2,96 ₽»).
          ui.toast(sent && sent.note ? `${t("cmp.test.sent")} · ${sent.note}` : t("cmp.test.sent"));
        } catch (error) {
          ui.forms.showError(form, error, error.field === "address" && error.code === "invalid" ? t("cmp.test.refused") : undefined);
        }
      } }, t("cmp.test")));
    ui.replace(this, h("p", {}, h("a", { href: "#/work/campaigns" }, t("cmp.back"))), h("h2", {}, c ? c.name : t("cmp.new")), form);
    drawMessages();
    drawTrigger();
    recount();
  }

  async save(form, body) {
    ui.forms.clearErrors(form);
    try {
      const done = this.saved ? await put(`/api/campaigns/${this.saved.id}`, body) : await ui.api.post("/api/campaigns/", body);
      this.saved = done;
      return done;
    } catch (error) {
      ui.forms.showError(form, error);
      throw error;
    }
  }
}

customElements.get("ul-campaigns-page") || customElements.define("ul-campaigns-page", CampaignsPage);
