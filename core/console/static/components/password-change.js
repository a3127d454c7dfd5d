// «Пароль» in the header: the signed-in operator changes their own password (POST
// /api/auth/password) in a dialog; a refusal is said at the input it names (admin-forms'
// showError) — a new password too short with the server's minimum, a wrong current one.

import { post } from "../js/api.js";
import { clearErrors, field, showError } from "../js/admin-forms.js";
import { h } from "../js/dom.js";
import { DICTIONARIES, t } from "../js/i18n.js";
import { toast } from "../js/notify.js";
import { stylesheet } from "../js/pages.js";

Object.assign(DICTIONARIES.ru, {
  "password.open": "Пароль",
  "password.title": "Смена пароля",
  "password.current": "Текущий пароль",
  "password.new": "Новый пароль",
  "password.new_help": "Не короче 8 символов. Другие ваши сеансы завершатся, API-токены будут отозваны.",
  "password.save": "Сменить пароль",
  "password.cancel": "Отмена",
  "password.done": "Пароль изменён: другие сеансы завершены",
  "password.short": "Пароль слишком короткий: нужно не меньше {n} символов",
  "password.wrong": "Текущий пароль введён неверно",
});
Object.assign(DICTIONARIES.en, {
  "password.open": "Password",
  "password.title": "Change the password",
  "password.current": "Current password",
  "password.new": "New password",
  "password.new_help": "At least 8 characters. Your other sessions end and your API tokens are revoked.",
  "password.save": "Change the password",
  "password.cancel": "Cancel",
  "password.done": "Password changed: other sessions ended",
  "password.short": "The password is too short: it needs at least {n} characters",
  "password.wrong": "The current password is wrong",
});

/** The words for a refusal at its field; undefined: the console's usual ones. */
function explain(error) {
  const extra = error.extra || {};
  if (error.field === "new_password" && extra.min_length) return t("password.short", { n: extra.min_length });
  if (error.field === "current_password" && error.code === "forbidden") return t("password.wrong");
  return undefined;
}

/** The header's button; it opens the dialog with a fresh form each time. */
export function passwordButton() {
  return h("button", { type: "button", class: "password-open", onclick: () => openDialog() }, t("password.open"));
}

function openDialog() {
  stylesheet();
  const current = h("input", { type: "password", name: "current_password", autocomplete: "current-password", required: true });
  const fresh = h("input", { type: "password", name: "new_password", autocomplete: "new-password", required: true });
  const dialog = h("dialog", { class: "password-change", "aria-labelledby": "password-title" });
  const close = () => { dialog.close(); dialog.remove(); };
  const form = h("form", { class: "admin-form password-change-form", novalidate: true },
    h("h2", { id: "password-title" }, t("password.title")),
    field("current_password", t("password.current"), current, { required: true }),
    field("new_password", t("password.new"), fresh, { required: true, help: t("password.new_help") }),
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("password.save")),
      h("button", { type: "button", onclick: close }, t("password.cancel"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      await post("/api/auth/password", { current_password: current.value, new_password: fresh.value });
      close();
      toast(t("password.done"));
    } catch (error) {
      showError(form, error, explain(error));
    }
  });
  dialog.addEventListener("close", () => dialog.remove());
  dialog.append(form);
  document.body.append(dialog);
  dialog.showModal();
  current.focus();
}
