// The sign-in form. Fires "ul-signed-in" (detail: the operator from /api/auth/login).

import { ApiError, post } from "../js/api.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { langSwitch } from "./lang-switch.js";

class UlLogin extends HTMLElement {
  connectedCallback() {
    this.render();
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  render() {
    const login = h("input", { name: "login", id: "login-name", autocomplete: "username", required: true, autofocus: true });
    const password = h("input", { name: "password", id: "login-password", type: "password", autocomplete: "current-password", required: true });
    const error = h("p", { class: "login-error", role: "alert" });
    const form = h(
      "form",
      { class: "login-form", onsubmit: (event) => this.submit(event, login, password, error) },
      h("h1", {}, "Unionline"),
      h("p", { class: "login-subtitle" }, t("login.title")),
      this.dataset.notice ? h("p", { class: "login-notice", role: "status" }, t(this.dataset.notice)) : null,
      h("label", { for: "login-name" }, t("login.login")),
      login,
      h("label", { for: "login-password" }, t("login.password")),
      password,
      error,
      h("button", { type: "submit", class: "primary" }, t("login.submit")),
      h("div", { class: "login-lang" }, langSwitch()),
    );
    replace(this, form);
    login.focus();
  }

  async submit(event, login, password, error) {
    event.preventDefault();
    error.textContent = "";
    const button = event.target.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const me = await post("/api/auth/login", { login: login.value.trim(), password: password.value });
      this.dispatchEvent(new CustomEvent("ul-signed-in", { detail: me, bubbles: true }));
    } catch (exc) {
      if (exc instanceof ApiError && exc.status === 429) {
        error.textContent = t("login.throttled", { seconds: exc.headers?.get("Retry-After") || "60" });
      } else if (exc instanceof ApiError && exc.status === 0) {
        error.textContent = t("error.network");
      } else {
        error.textContent = t("login.failed");
      }
      password.select();
    } finally {
      button.disabled = false;
    }
  }
}

customElements.define("ul-login", UlLogin);
