// Keyboard shortcuts. Single keys act only when no text field has focus; Ctrl+Enter is
// handled by the composer itself. The help overlay ("?") lists the same table.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";

export const SHORTCUTS = [
  ["j", "help.next"],
  ["k", "help.prev"],
  ["r", "help.reply"],
  ["n", "help.note"],
  ["c", "help.claim"],
  ["Ctrl+Enter", "help.send"],
  ["/", "help.search"],
  ["1 2 3", "help.lists"],
  ["s", "help.supervisor"],
  ["?", "help.help"],
  ["Esc", "help.escape"],
];

function typingInField(event) {
  const el = event.target;
  return el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/** ``handlers``: {next, prev, reply, note, claim, search, list(n), supervisor, help, escape}. */
export function installShortcuts(handlers) {
  const onKey = (event) => {
    if (event.key === "Escape") {
      handlers.escape(event);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event)) return;
    const action = {
      j: handlers.next,
      k: handlers.prev,
      r: handlers.reply,
      n: handlers.note,
      c: handlers.claim,
      "/": handlers.search,
      s: handlers.supervisor,
      "?": handlers.help,
      1: () => handlers.list("mine"),
      2: () => handlers.list("unassigned"),
      3: () => handlers.list("all"),
    }[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}

export function helpDialog() {
  const dialog = h("dialog", { class: "help", "aria-labelledby": "help-title" });
  const fill = () =>
    replace(
      dialog,
      h("h2", { id: "help-title" }, t("help.title")),
      h("table", {}, h("tbody", {}, SHORTCUTS.map(([key, label]) => h("tr", {}, h("td", {}, h("kbd", {}, key)), h("td", {}, t(label)))))),
      h("form", { method: "dialog" }, h("button", { class: "primary" }, t("help.close"))),
    );
  fill();
  window.addEventListener("ul-lang", fill);
  return dialog;
}
