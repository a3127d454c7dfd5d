/*
 * Unionline chat widget — embed on a union's site with one tag:
 *
 *   <script src="https://unionline.example/widget/chat.js" data-widget-key="KEY"
 *           data-lang="ru" async></script>
 *
 * Optional: data-member-id + data-member-signature (a member logged into the site: the id and
 * hex HMAC-SHA256(widget secret, id), computed by the site's server), data-open="true".
 * Talks only to the server the script came from; no other request, no cookies. Before the
 * visitor's first message, what they type is looked up in the union's public help articles
 * (the knowledge plugin, when enabled) and the best three are offered as links, with «Не помогло
 * — написать нам» sending the message as usual. Renders inside
 * a shadow root, so the page's styles do not reach it; every text from people is set with
 * textContent, never parsed as HTML. Frames: docs/channels/web.md.
 */
(() => {
  "use strict";

  const script = document.currentScript || document.querySelector("script[data-widget-key]");
  if (!script || window.__unionlineChat) return;
  const KEY = script.dataset.widgetKey || "";
  const BASE = new URL(script.src, location.href).origin;
  const LANG = (script.dataset.lang || document.documentElement.lang || "ru").slice(0, 2) === "en" ? "en" : "ru";
  const MEMBER_ID = script.dataset.memberId || null;
  const SIGNATURE = script.dataset.memberSignature || null;
  const STORE = `unionline.chat.${KEY}.token`;
  const PING_MS = 25000;
  const TYPING_EVERY_MS = 3000; // a visitor who keeps typing tells the server this often
  const TYPING_IDLE_MS = 4000; // and says "stopped" after this long without a key

  const TEXT = {
    ru: {
      open: "Открыть чат с профсоюзом", close: "Закрыть чат", launcher: "Чат",
      label: "Сообщение", placeholder: "Ваше сообщение…", send: "Отправить",
      attach: "Прикрепить файл", typing: "Оператор печатает…", you: "Вы", union: "Профсоюз",
      connecting: "Подключаемся…", offline: "Нет связи. Переподключаемся…",
      refused: "Чат недоступен на этом сайте.", form: "Оставить заявку",
      failed: "Не отправлено", retry: "Повторить", sending: "Отправляется…",
      uploading: "Загружаем файл…", file: "Файл", log: "Переписка",
      tooBig: (n) => `Файл больше ${Math.floor(n / 1024 / 1024) || 1} МБ — выберите поменьше.`,
      newMessage: "Новое сообщение",
      tooFast: "Слишком часто — подождите немного.",
      tooMany: "Слишком много новых чатов с вашего адреса. Подключимся позже сами.",
      fileRefused: "Файл не принят: он слишком большой или такого типа чат не принимает.",
      help: "Ответы из справки", helpTitle: "Возможно, ответ уже есть в справке:",
      helpWrite: "Не помогло — написать нам", helpNew: "(откроется в новой вкладке)",
    },
    en: {
      open: "Open the union chat", close: "Close chat", launcher: "Chat",
      label: "Message", placeholder: "Your message…", send: "Send",
      attach: "Attach a file", typing: "An officer is typing…", you: "You", union: "Union",
      connecting: "Connecting…", offline: "Connection lost. Reconnecting…",
      refused: "The chat is not available on this site.", form: "Leave a request",
      failed: "Not sent", retry: "Retry", sending: "Sending…",
      uploading: "Uploading the file…", file: "File", log: "Conversation",
      tooBig: (n) => `The file is over ${Math.floor(n / 1024 / 1024) || 1} MB; choose a smaller one.`,
      newMessage: "New message",
      tooFast: "Too many messages; wait a little.",
      tooMany: "Too many new chats from your address. We will connect again later.",
      fileRefused: "The file was not accepted: it is too big or of a type the chat does not take.",
      help: "Answers from the help pages", helpTitle: "The answer may already be in our help:",
      helpWrite: "Didn't help: write to us", helpNew: "(opens in a new tab)",
    },
  }[LANG];

  const CSS = `
    :host { all: initial; }
    * { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; border: 0;
      border-radius: 28px; padding: 14px 20px; background: #b3261e; color: #fff; font-size: 16px;
      font-weight: 600; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
    .launcher:focus-visible, button:focus-visible, textarea:focus-visible, a:focus-visible {
      outline: 3px solid #1a73e8; outline-offset: 2px; }
    .badge { display: inline-block; min-width: 20px; margin-left: 8px; padding: 0 6px;
      border-radius: 10px; background: #fff; color: #b3261e; font-size: 13px; }
    .badge[hidden] { display: none; }
    .panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483000; width: 360px;
      max-width: calc(100vw - 24px); height: 520px; max-height: calc(100vh - 110px);
      display: flex; flex-direction: column; background: #fff; color: #1f1f1f;
      border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.3); overflow: hidden; font-size: 15px; }
    .panel[hidden] { display: none; }
    .head { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #b3261e; color: #fff; }
    .head h2 { flex: 1; margin: 0; font-size: 16px; }
    .close { border: 0; background: transparent; color: #fff; font-size: 22px; line-height: 1; cursor: pointer; padding: 4px 8px; }
    .state { padding: 6px 14px; font-size: 13px; background: #fff4e5; color: #5f3b00; }
    .state[hidden], .banner[hidden], .typing[hidden] { display: none; }
    .banner { padding: 10px 14px; background: #eef3fd; color: #0b2e6b; font-size: 14px; }
    .banner a { display: inline-block; margin-top: 6px; color: #0b57d0; font-weight: 600; }
    .log { flex: 1; padding: 12px; overflow-y: auto; background: #f7f7f8; }
    .messages { margin: 0; padding: 0; list-style: none; }
    .log li { margin: 6px 0; display: flex; flex-direction: column; }
    .greeting { color: #444; font-size: 14px; }
    .bubble { max-width: 85%; padding: 8px 12px; border-radius: 12px; white-space: pre-wrap;
      overflow-wrap: anywhere; line-height: 1.35; }
    li[data-direction="in"] { align-items: flex-end; }
    li[data-direction="in"] .bubble { background: #b3261e; color: #fff; border-bottom-right-radius: 4px; }
    li[data-direction="out"] .bubble { background: #fff; border: 1px solid #ddd; border-bottom-left-radius: 4px; }
    li[data-direction="in"] .bubble a { color: #fff; }
    .meta { font-size: 12px; color: #666; margin-top: 2px; }
    .files { margin: 4px 0 0; padding: 0; list-style: none; }
    .typing { padding: 4px 14px; font-size: 13px; color: #555; font-style: italic; }
    form { display: flex; gap: 6px; align-items: flex-end; padding: 10px; border-top: 1px solid #e3e3e3; }
    textarea { flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 9px 10px;
      border: 1px solid #bbb; border-radius: 8px; font-size: 15px; color: #1f1f1f; background: #fff; }
    .icon { display: inline-flex; align-items: center; justify-content: center; border: 1px solid #bbb;
      background: #fff; border-radius: 8px; width: 40px; height: 40px; cursor: pointer; padding: 0; }
    .send { border: 0; background: #b3261e; color: #fff; border-radius: 8px; height: 40px; padding: 0 14px; cursor: pointer; font-weight: 600; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .retry { margin-left: 6px; border: 1px solid #b3261e; background: #fff; color: #b3261e; border-radius: 6px; font-size: 12px; cursor: pointer; }
    .notice { padding: 4px 14px; font-size: 13px; color: #8a1c14; }
    .notice:empty { display: none; }
    .help { padding: 8px 14px; border-top: 1px solid #e3e3e3; background: #f3f7f2; font-size: 14px; color: #1f1f1f; }
    .help[hidden] { display: none; }
    .help p { margin: 0 0 4px; }
    .help ul { margin: 0 0 6px; padding-left: 18px; }
    .help li { margin: 3px 0; }
    .help a { color: #0b57d0; }
    .help .excerpt { display: block; color: #444; font-size: 13px; }
    .help-write { border: 1px solid #b3261e; background: #fff; color: #b3261e; border-radius: 6px; min-height: 32px; padding: 4px 10px; cursor: pointer; font-size: 13px; }
  `;

  // -- DOM --------------------------------------------------------------------------------
  const el = (tag, attrs = {}, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };

  function clip() {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", "aria-hidden": "true", focusable: "false" })) svg.setAttribute(k, v);
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", "M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5");
    for (const [k, v] of Object.entries({ fill: "none", stroke: "#333", "stroke-width": "1.8", "stroke-linecap": "round" })) path.setAttribute(k, v);
    svg.append(path);
    return svg;
  }

  const host = el("div", { id: "unionline-chat" });
  const root = host.attachShadow({ mode: "open" });
  const style = el("style");
  style.textContent = CSS;
  const launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "ul-panel", "aria-label": TEXT.open });
  launcher.append(el("span", { "aria-hidden": "true" }, TEXT.launcher));
  const badge = el("span", { class: "badge", hidden: "" });
  launcher.append(badge);

  const panel = el("section", { class: "panel", id: "ul-panel", role: "dialog",
    "aria-modal": "false", "aria-labelledby": "ul-title", hidden: "", "data-state": "idle", lang: LANG });
  // A plain heading row: a <header> here would be a second "banner" landmark on the site's page.
  const header = el("div", { class: "head" });
  const title = el("h2", { id: "ul-title" }, TEXT.union);
  const closeButton = el("button", { class: "close", type: "button", "aria-label": TEXT.close }, "×");
  header.append(title, closeButton);
  const state = el("div", { class: "state", role: "status" }, TEXT.connecting);
  const banner = el("div", { class: "banner", hidden: "" });
  // The live region scrolls (focusable for the keyboard); the messages inside it stay a list
  // (role=log on the <ol> itself took its list semantics away from the items).
  const logBox = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": TEXT.log, tabindex: "0" });
  const log = el("ol", { class: "messages" });
  logBox.append(log);
  const typing = el("div", { class: "typing", role: "status", hidden: "" }, TEXT.typing);
  const notice = el("div", { class: "notice", role: "alert" });
  const help = el("div", { class: "help", role: "region", "aria-label": TEXT.help, hidden: "" });
  const form = el("form");
  const label = el("label", { class: "sr", for: "ul-text" }, TEXT.label);
  const input = el("textarea", { id: "ul-text", rows: "1", placeholder: TEXT.placeholder, maxlength: "4000" });
  const file = el("input", { type: "file", class: "sr", tabindex: "-1", "aria-hidden": "true" });
  const attach = el("button", { class: "icon attach", type: "button", "aria-label": TEXT.attach, title: TEXT.attach });
  attach.append(clip());
  const send = el("button", { class: "send", type: "submit" }, TEXT.send);
  form.append(label, input, file, attach, send);
  panel.append(header, state, banner, logBox, typing, notice, help, form);
  root.append(style, launcher, panel);

  // -- state ------------------------------------------------------------------------------
  let socket = null;
  let token = null;
  let lastSeq = 0;
  let welcomed = null;
  let retry = 0;
  let refused = false;
  let pinger = null;
  let typingTimer = null;
  let typingSent = 0; // when the last "typing: on" went out; 0: not typing
  let typingIdle = null;
  let waitSeconds = 0; // the server asked to come back later (new visitors per address)
  let unread = 0;
  const pending = new Map(); // client id -> {text, files, li}
  const shown = new Map(); // seq -> li
  const unreadOut = new Set(); // ids of operator messages not reported read

  try { token = localStorage.getItem(STORE); } catch (_) { token = null; }

  const randomId = () => {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  };

  const isOpen = () => !panel.hidden;

  function setState(name) {
    panel.dataset.state = name;
    const words = { connecting: TEXT.connecting, offline: TEXT.offline, refused: TEXT.refused, later: TEXT.tooMany };
    state.hidden = !(name in words);
    state.textContent = words[name] || "";
    input.disabled = send.disabled = attach.disabled = name === "refused";
  }

  function time(at) {
    try {
      return new Date(at * 1000).toLocaleTimeString(LANG === "en" ? "en-GB" : "ru-RU", { hour: "2-digit", minute: "2-digit" });
    } catch (_) { return ""; }
  }

  function bubble(direction, text, files, meta) {
    const li = el("li", { "data-direction": direction });
    const b = el("div", { class: "bubble" });
    if (text) b.append(document.createTextNode(text));
    if (files && files.length) {
      const list = el("ul", { class: "files" });
      for (const f of files) {
        const item = el("li");
        if (direction === "out" && token) {
          const a = el("a", { download: "" }, f.filename);
          a.href = `${BASE}/widget/${encodeURIComponent(KEY)}/files/${encodeURIComponent(f.id)}?token=${encodeURIComponent(token)}`;
          item.append(a);
        } else {
          item.textContent = `${TEXT.file}: ${f.filename}`;
        }
        list.append(item);
      }
      b.append(list);
    }
    const who = el("span", { class: "sr" }, `${direction === "in" ? TEXT.you : title.textContent}: `);
    li.append(who, b, el("span", { class: "meta" }, meta || ""));
    return li;
  }

  function greet() {
    if (!welcomed || log.querySelector(".greeting")) return;
    const li = el("li", { class: "greeting" }, welcomed.greeting);
    log.prepend(li);
  }

  function showMessage(frame) {
    if (shown.has(frame.seq)) return;
    if (frame.client_id && pending.has(frame.client_id)) {
      pending.get(frame.client_id).li.remove();
      pending.delete(frame.client_id);
    }
    const li = bubble(frame.direction, frame.text, frame.files, time(frame.at));
    li.dataset.seq = String(frame.seq);
    li.dataset.id = frame.id;
    shown.set(frame.seq, li);
    const after = [...shown.keys()].filter((s) => s > frame.seq).sort((a, b) => a - b)[0];
    if (after !== undefined) log.insertBefore(li, shown.get(after));
    else log.insertBefore(li, log.querySelector("li[data-pending]"));
    lastSeq = Math.max(lastSeq, frame.seq);
    if (frame.direction === "out") {
      typing.hidden = true;
      receipt(frame.id, "delivered");
      if (isOpen() && document.visibilityState === "visible") receipt(frame.id, "read");
      else { unreadOut.add(frame.id); unread += 1; showBadge(); }
    }
    logBox.scrollTop = logBox.scrollHeight;
  }

  function showBadge() {
    badge.hidden = unread === 0;
    badge.textContent = String(unread);
    launcher.setAttribute("aria-label", unread ? `${TEXT.open} (${TEXT.newMessage}: ${unread})` : TEXT.open);
  }

  function markRead() {
    for (const id of unreadOut) receipt(id, "read");
    unreadOut.clear();
    unread = 0;
    showBadge();
  }

  function applyWelcome(frame) {
    welcomed = frame;
    if (frame.reset || frame.token !== token) {
      for (const li of shown.values()) li.remove();
      shown.clear();
      lastSeq = 0;
    }
    token = frame.token;
    try { localStorage.setItem(STORE, token); } catch (_) { /* private mode: this page only */ }
    title.textContent = frame.title;
    banner.replaceChildren();
    banner.hidden = frame.open;
    if (!frame.open) {
      banner.append(el("div", {}, frame.off_hours_message));
      if (frame.form_url) {
        const link = el("a", { class: "form-link" }, TEXT.form);
        link.href = frame.form_url;
        link.addEventListener("click", (event) => toForm(event, frame.form_url));
        banner.append(link);
      }
    }
    greet();
  }

  function toForm(event, url) {
    if (!url.startsWith("#")) return;
    const target = document.getElementById(decodeURIComponent(url.slice(1)));
    if (!target) return;
    event.preventDefault();
    close();
    target.scrollIntoView({ behavior: "smooth", block: "start" });
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  }

  // -- connection -------------------------------------------------------------------------
  function connect() {
    if (socket || refused) return;
    setState("connecting");
    const url = `${BASE.replace(/^http/, "ws")}/widget/${encodeURIComponent(KEY)}/ws`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      const hello = { type: "hello", token, after: lastSeq, lang: LANG };
      if (MEMBER_ID || SIGNATURE) Object.assign(hello, { member_id: MEMBER_ID, signature: SIGNATURE });
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch (_) { return; }
      receive(frame);
    };
    ws.onclose = (event) => {
      socket = null;
      clearInterval(pinger);
      if (event.code === 4003 || event.code === 4004) {
        refused = true;
        setState("refused");
        return;
      }
      if (event.code === 4029) { // too many new visitors from this address: come back later
        setState("later");
        setTimeout(connect, Math.max(1, waitSeconds) * 1000);
        return;
      }
      setState("offline");
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, Math.min(30000, 500 * 2 ** retry) * (0.5 + Math.random() / 2));
    };
  }

  function receive(frame) {
    switch (frame.type) {
      case "welcome":
        applyWelcome(frame);
        break;
      case "caught_up":
        retry = 0;
        setState("online");
        clearInterval(pinger);
        pinger = setInterval(() => transmit({ type: "ping" }), PING_MS);
        for (const [id, item] of pending) transmit({ type: "message", id, text: item.text, files: item.files, page: location.href.slice(0, 500) });
        if (isOpen()) markRead();
        break;
      case "message":
        showMessage(frame);
        break;
      case "ack":
        break;
      case "typing":
        typing.hidden = !frame.on;
        clearTimeout(typingTimer);
        if (frame.on) typingTimer = setTimeout(() => { typing.hidden = true; }, 8000);
        break;
      case "error":
        if (frame.client_id && pending.has(frame.client_id)) failed(frame.client_id, frame.code === "rate_limited" ? TEXT.tooFast : frame.message);
        else if (frame.field === "signature" || frame.field === "member_id") notice.textContent = frame.message;
        else if (frame.code === "rate_limited" && frame.retry_after) waitSeconds = frame.retry_after;
        break;
      default:
        break;
    }
  }

  function transmit(frame) {
    if (socket && socket.readyState === WebSocket.OPEN && panel.dataset.state === "online") {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function typingNow() {
    const now = Date.now();
    if (!typingSent || now - typingSent > TYPING_EVERY_MS) {
      if (transmit({ type: "typing", on: true })) typingSent = now;
    }
    clearTimeout(typingIdle);
    typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping() {
    clearTimeout(typingIdle);
    if (typingSent) transmit({ type: "typing", on: false });
    typingSent = 0;
  }

  function receipt(id, status) {
    transmit({ type: "receipt", message_id: id, status });
  }

  function failed(clientId, message) {
    const item = pending.get(clientId);
    if (!item) return;
    pending.delete(clientId);
    const meta = item.li.querySelector(".meta");
    meta.textContent = `${TEXT.failed}: ${message} `;
    const again = el("button", { type: "button", class: "retry" }, TEXT.retry);
    again.addEventListener("click", () => {
      item.li.remove();
      submit(item.text, item.fileRefs);
      input.focus();
    });
    meta.append(again);
    item.li.dataset.failed = "";
    delete item.li.dataset.pending;
  }

  function submit(text, files) {
    stopTyping();
    const id = randomId();
    const li = bubble("in", text, files, TEXT.sending);
    li.dataset.pending = "";
    log.append(li);
    logBox.scrollTop = logBox.scrollHeight;
    pending.set(id, { text, files: files.map((f) => f.id), fileRefs: files, li });
    transmit({ type: "message", id, text, files: files.map((f) => f.id), page: location.href.slice(0, 500) });
    connect();
  }

  async function upload(chosen) {
    if (!token || !welcomed) return;
    const limit = welcomed.upload.max_bytes;
    if (chosen.size > limit) { notice.textContent = TEXT.tooBig(limit); return; }
    notice.textContent = TEXT.uploading;
    const body = new FormData();
    body.append("token", token);
    body.append("file", chosen, chosen.name);
    try {
      const response = await fetch(`${BASE}/widget/${encodeURIComponent(KEY)}/files`, { method: "POST", body, credentials: "omit" });
      const data = await response.json();
      if (!response.ok) { notice.textContent = response.status === 422 ? TEXT.fileRefused : (response.status === 429 ? TEXT.tooFast : TEXT.failed); return; }
      notice.textContent = "";
      submit(input.value.trim(), [data]);
      input.value = "";
    } catch (_) {
      notice.textContent = TEXT.failed;
    }
  }

  // -- help before writing (public articles of the knowledge base) ------------------------
  let helpOff = false; // no knowledge base on this server: stop asking
  let helpTimer = null;
  let helpAsked = "";

  const wrote = () => pending.size > 0 || !!log.querySelector("li[data-direction=in]");

  function hideHelp() {
    clearTimeout(helpTimer);
    help.hidden = true;
    help.replaceChildren();
  }

  async function lookUp(text) {
    helpAsked = text;
    let found = [];
    try {
      const url = `${BASE}/api/knowledge/public/widget/${encodeURIComponent(KEY)}/articles?q=${encodeURIComponent(text)}`;
      const response = await fetch(url, { credentials: "omit" });
      if (response.status === 404) { helpOff = true; return hideHelp(); }
      if (!response.ok) return;
      found = await response.json();
    } catch (_) { return; }
    if (helpAsked !== text || input.value.trim() !== text || wrote()) return;
    if (!Array.isArray(found) || !found.length) return hideHelp();
    const list = el("ul");
    for (const article of found.slice(0, 3)) {
      const item = el("li");
      const a = el("a", { target: "_blank", rel: "noopener" }, article.title);
      a.href = new URL(article.link, BASE).href;
      a.append(el("span", { class: "sr" }, ` ${TEXT.helpNew}`));
      item.append(a);
      if (article.excerpt) item.append(el("span", { class: "excerpt" }, article.excerpt.slice(0, 140)));
      list.append(item);
    }
    const write = el("button", { type: "button", class: "help-write" }, TEXT.helpWrite);
    write.addEventListener("click", () => {
      hideHelp();
      if (input.value.trim()) form.requestSubmit();
      else input.focus();
    });
    help.replaceChildren(el("p", {}, TEXT.helpTitle), list, write);
    help.hidden = false;
  }

  function helpWhileTyping() {
    if (helpOff || wrote()) return hideHelp();
    const text = input.value.trim();
    clearTimeout(helpTimer);
    if (text.length < 3) return hideHelp();
    if (text === helpAsked && !help.hidden) return;
    helpTimer = setTimeout(() => lookUp(text), 400);
  }

  // -- opening and closing ----------------------------------------------------------------
  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    connect();
    markRead();
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", () => (isOpen() ? close() : open()));
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    hideHelp();
    submit(text, []);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    if (input.value.trim()) typingNow(); else stopTyping();
    helpWhileTyping();
  });
  attach.addEventListener("click", () => file.click());
  file.addEventListener("change", () => {
    if (file.files && file.files[0]) upload(file.files[0]);
    file.value = "";
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && isOpen()) markRead();
  });

  const mount = () => {
    document.body.append(host);
    if (token) connect(); // a returning visitor: fetch replies that came while away
    if (script.dataset.open === "true") open();
  };
  window.__unionlineChat = { open, close };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
