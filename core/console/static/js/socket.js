// The /ws/console connection (docs/console-protocol.md): hello with the last event id, replay,
// live events, commands answered by ref, heartbeats, and reconnection that never loses events.
//
// The last event id lives in memory and in sessionStorage, so a reload of the tab resumes too.
// Close codes 4008 (slow consumer) and 4009 (idle) reconnect at once; anything else backs off
// exponentially (0.5 s, 1 s, 2 s, … up to 30 s, with jitter). 4001 (not signed in) and 4401
// (signed out, deactivated or password reset while connected) mean "sign in again": the console
// shows the login page and does not reconnect.

const LAST_ID_KEY = "ul.lastEventId";
const IMMEDIATE = new Set([4008, 4009]);
const SIGN_IN_AGAIN = new Set([4001, 4401]);
const MAX_DELAY = 30000;
const COMMAND_TIMEOUT = 20000;
const decoder = new TextDecoder();

export class ConsoleSocket extends EventTarget {
  constructor(url, locale) {
    super();
    this.url = url;
    this.locale = locale;
    this.ws = null;
    this.stopped = true;
    this.attempt = 0;
    this.timer = null;
    this.pending = new Map();
    this.refs = 0;
    this.replaying = false;
    this.state = "offline";
    this.lastId = readLastId();
  }

  start() {
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, "bye");
    this.ws = null;
    this.setState("offline");
  }

  /** Forget the resume point (sign-out: the next operator starts fresh). */
  static forget() {
    try {
      sessionStorage.removeItem(LAST_ID_KEY);
    } catch {
      /* ignore */
    }
  }

  get connected() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN && this.state === "online";
  }

  open() {
    clearTimeout(this.timer);
    this.setState("connecting");
    const ws = new WebSocket(this.url);
    // The server sends binary frames; as ArrayBuffers they decode synchronously, so frames are
    // handled strictly in arrival order (Blob.text() would make that asynchronous).
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", last_id: this.lastId, locale: this.locale }));
    ws.onmessage = (message) => this.receive(message.data);
    ws.onclose = (event) => this.closed(ws, event.code);
  }

  receive(raw) {
    const frame = JSON.parse(typeof raw === "string" ? raw : decoder.decode(raw));
    switch (frame.type) {
      case "welcome":
        this.attempt = 0;
        this.replaying = true;
        this.operatorId = frame.operator_id;
        this.setState("online");
        break;
      case "event":
        if (this.lastId !== null && frame.id <= this.lastId) return; // seen already
        this.remember(frame.id);
        this.emit("event", { ...frame, replay: this.replaying });
        break;
      case "caught_up":
        if (this.lastId === null || frame.id > this.lastId) this.remember(frame.id);
        this.replaying = false;
        this.emit("caught_up", frame);
        break;
      case "signal":
        this.emit("signal", frame);
        break;
      case "result":
        this.settle(frame);
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      default:
        break;
    }
  }

  closed(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(Object.assign(new Error("connection closed"), { code: "network" }));
    }
    this.pending.clear();
    if (this.stopped) return;
    if (SIGN_IN_AGAIN.has(code)) {
      this.setState("offline");
      window.dispatchEvent(new CustomEvent("ul-unauthorized", { detail: { ended: code === 4401 } }));
      return;
    }
    this.setState("offline");
    const delay = IMMEDIATE.has(code) ? 0 : this.backoff();
    this.timer = setTimeout(() => this.open(), delay);
  }

  backoff() {
    const base = Math.min(MAX_DELAY, 500 * 2 ** this.attempt);
    this.attempt += 1;
    return base / 2 + Math.random() * (base / 2);
  }

  remember(id) {
    this.lastId = id;
    try {
      sessionStorage.setItem(LAST_ID_KEY, String(id));
    } catch {
      /* ignore */
    }
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  /** Run a command; resolves with its data, rejects with {code, message, field, extra}. */
  command(name, args) {
    const ref = `c${++this.refs}`;
    return new Promise((resolve, reject) => {
      if (!this.send({ type: "command", ref, name, args })) {
        reject(Object.assign(new Error("not connected"), { code: "network" }));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(ref);
        reject(Object.assign(new Error("timeout"), { code: "timeout" }));
      }, COMMAND_TIMEOUT);
      this.pending.set(ref, { resolve, reject, timer });
    });
  }

  settle(frame) {
    const waiting = this.pending.get(frame.ref);
    if (!waiting) return;
    this.pending.delete(frame.ref);
    clearTimeout(waiting.timer);
    if (frame.ok) waiting.resolve(frame.data ?? null);
    else waiting.reject(Object.assign(new Error(frame.error.message), frame.error));
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function readLastId() {
  try {
    const raw = sessionStorage.getItem(LAST_ID_KEY);
    const value = raw === null ? NaN : Number(raw);
    return Number.isInteger(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}

export function socketUrl() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${location.host}/ws/console`;
}
