// «Каналы» (#/admin/channels[/new/<channel>|/<account id>]): every installed channel plugin and
// whether it is enabled; the accounts of each enabled channel type; an account created or edited
// from a form generated from the channel's declared settings and secrets (labels and help from
// the channel, secrets write-only); «Проверить подключение» (the channel's check), the webhook URL
// and the steps left, with «Подключить вебхук» where the channel does it for the admin.
// Registered by core.channel with register.page, as a third party's page would be.

import { get, patch, post } from "/console/static/js/api.js";
import { h, replace } from "/console/static/js/dom.js";
import { clearErrors, errorText, field, readSchemaInputs, schemaInputs, showError } from "/console/static/js/admin-forms.js";
import { DICTIONARIES, lang, t } from "/console/static/js/i18n.js";
import { toast } from "/console/static/js/notify.js";
import { loadProcesses, pluginSwitch, restartNote } from "/console/plugins/core.admin/plugin-switch.js";

Object.assign(DICTIONARIES.ru, {
  "admin.channels.title": "Каналы",
  "admin.channels.intro": "Мессенджеры, почта и формы сайта, через которые члены профсоюза пишут в организацию. Подключите бота, сообщество или ящик — и сообщения станут обращениями.",
  "admin.channels.plugins": "Установленные каналы",
  "admin.channels.on": "Включён",
  "admin.channels.off": "Выключен",
  "admin.channels.accounts": "Подключения",
  "admin.channels.no_accounts": "Подключений пока нет.",
  "admin.channels.add": "Подключить",
  "admin.channels.edit": "Изменить",
  "admin.channels.back": "← Все каналы",
  "admin.channels.new": "Новое подключение: {channel}",
  "admin.channels.account": "Подключение «{name}»",
  "admin.channels.name": "Название",
  "admin.channels.name_help": "Как подключение называется в консоли, например «Бот профкома завода».",
  "admin.channels.organization": "Организация",
  "admin.channels.organization_help": "Обращения из этого канала попадут в эту организацию.",
  "admin.channels.public_key": "Публичный ключ",
  "admin.channels.public_key_help": "Необязательно: короткое имя подключения в адресах вебхука вместо идентификатора.",
  "admin.channels.settings": "Настройки канала",
  "admin.channels.secrets": "Секреты",
  "admin.channels.save": "Сохранить",
  "admin.channels.created": "Подключение создано",
  "admin.channels.saved": "Подключение сохранено",
  "admin.channels.disable": "Отключить",
  "admin.channels.enable": "Включить снова",
  "admin.channels.disabled": "Подключение отключено",
  "admin.channels.enabled": "Подключение включено",
  "admin.channels.status.active": "Работает",
  "admin.channels.status.needs_reauth": "Нужна повторная авторизация",
  "admin.channels.status.disabled": "Отключено",
  "admin.channels.check": "Проверить подключение",
  "admin.channels.checking": "Проверяем…",
  "admin.channels.check_ok": "Подключение работает",
  "admin.channels.check_failed": "Подключение не работает",
  "admin.channels.no_check": "Этот канал не умеет проверять подключение.",
  "admin.channels.setup": "Что осталось сделать",
  "admin.channels.webhook": "Адрес вебхука",
  "admin.channels.connect": "Подключить вебхук",
  "admin.channels.connected": "Вебхук подключён",
  "admin.channels.no_public_url": "Публичный адрес сервера (server.public_url) не задан — показан адрес, по которому вы открыли консоль.",
  "admin.channels.nothing_left": "Дополнительных шагов не нужно.",
  "admin.channels.copy": "Скопировать",
  "admin.channels.copied": "Скопировано",
  "admin.channels.capabilities": "Умеет: {list}",
  "admin.channels.cap.text": "текст",
  "admin.channels.cap.files": "файлы",
  "admin.channels.cap.typing": "«печатает…»",
  "admin.channels.cap.read_receipts": "отметки о прочтении",
  "admin.channels.cap.none": "только приём",
  "admin.channels.unknown": "Канала «{name}» нет среди включённых.",
  "admin.channels.error.no_check": "Этот канал не умеет проверять подключение",
  "admin.channels.error.no_connect": "Этот канал не подключает вебхук сам",
});
Object.assign(DICTIONARIES.en, {
  "admin.channels.title": "Channels",
  "admin.channels.intro": "Messengers, mail and site forms members write through. Connect a bot, a community or a mailbox and its messages become appeals.",
  "admin.channels.plugins": "Installed channels",
  "admin.channels.on": "Enabled",
  "admin.channels.off": "Disabled",
  "admin.channels.accounts": "Accounts",
  "admin.channels.no_accounts": "No accounts yet.",
  "admin.channels.add": "Connect",
  "admin.channels.edit": "Edit",
  "admin.channels.back": "← All channels",
  "admin.channels.new": "New account: {channel}",
  "admin.channels.account": "Account “{name}”",
  "admin.channels.name": "Name",
  "admin.channels.name_help": "How the account is called in the console.",
  "admin.channels.organization": "Organization",
  "admin.channels.organization_help": "Appeals from this account belong to this organization.",
  "admin.channels.public_key": "Public key",
  "admin.channels.public_key_help": "Optional: a short name for the webhook URL instead of the id.",
  "admin.channels.settings": "Channel settings",
  "admin.channels.secrets": "Secrets",
  "admin.channels.save": "Save",
  "admin.channels.created": "Account created",
  "admin.channels.saved": "Account saved",
  "admin.channels.disable": "Disable",
  "admin.channels.enable": "Enable again",
  "admin.channels.disabled": "Account disabled",
  "admin.channels.enabled": "Account enabled",
  "admin.channels.status.active": "Active",
  "admin.channels.status.needs_reauth": "Needs re-authorisation",
  "admin.channels.status.disabled": "Disabled",
  "admin.channels.check": "Check connection",
  "admin.channels.checking": "Checking…",
  "admin.channels.check_ok": "The connection works",
  "admin.channels.check_failed": "The connection does not work",
  "admin.channels.no_check": "This channel cannot check its connection.",
  "admin.channels.setup": "Steps left",
  "admin.channels.webhook": "Webhook URL",
  "admin.channels.connect": "Connect the webhook",
  "admin.channels.connected": "Webhook connected",
  "admin.channels.no_public_url": "The server's public URL (server.public_url) is not set: the URL shown is the one you opened the console at.",
  "admin.channels.nothing_left": "No further steps.",
  "admin.channels.copy": "Copy",
  "admin.channels.copied": "Copied",
  "admin.channels.capabilities": "Carries: {list}",
  "admin.channels.cap.text": "text",
  "admin.channels.cap.files": "files",
  "admin.channels.cap.typing": "typing",
  "admin.channels.cap.read_receipts": "read receipts",
  "admin.channels.cap.none": "inbound only",
  "admin.channels.unknown": "Channel “{name}” is not enabled.",
  "admin.channels.error.no_check": "This channel cannot check its connection",
  "admin.channels.error.no_connect": "This channel does not connect its webhook itself",
});
// The API's extra.problem words (admin-forms.js errorText looks up admin.error.<problem>).
Object.assign(DICTIONARIES.ru, { "admin.error.no_check": DICTIONARIES.ru["admin.channels.error.no_check"], "admin.error.no_connect": DICTIONARIES.ru["admin.channels.error.no_connect"] });
Object.assign(DICTIONARIES.en, { "admin.error.no_check": DICTIONARIES.en["admin.channels.error.no_check"], "admin.error.no_connect": DICTIONARIES.en["admin.channels.error.no_connect"] });

const local = (x) => (x && (x[lang()] || x.ru)) || "";
const BASE = "#/admin/channels";

function capabilities(type) {
  const caps = ["text", "files", "typing", "read_receipts"].filter((c) => type.capabilities[c]);
  return t("admin.channels.capabilities", { list: caps.length ? caps.map((c) => t(`admin.channels.cap.${c}`)).join(", ") : t("admin.channels.cap.none") });
}

function statusChip(status) {
  const cls = status === "active" ? "ok" : status === "disabled" ? "off" : "warn";
  return h("span", { class: `chip ${cls}`, dataset: { status } }, t(`admin.channels.status.${status}`));
}

/** A new account's starting values: each field's declared default. */
function defaults(fields) {
  return Object.fromEntries(fields.filter((f) => "default" in f.schema).map((f) => [f.name, f.schema.default]));
}

class UlAdminChannels extends HTMLElement {
  static get observedAttributes() {
    return ["path"];
  }

  connectedCallback() {
    this.classList.add("admin-page");
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  attributeChangedCallback() {
    if (this.types) this.render();
  }

  async load() {
    try {
      const [types, plugins, accounts, organizations] = await Promise.all([get("/api/channels"), get("/api/channel-plugins"), get("/api/channel-accounts/"), get("/api/organizations/")]);
      const processes = await loadProcesses(plugins.map((p) => p.switch));
      Object.assign(this, { types, plugins, accounts, organizations, processes, error: null });
    } catch (error) {
      this.error = error;
    }
    this.render();
  }

  render() {
    if (this.error) return replace(this, h("p", { class: "page-missing", role: "alert" }, errorText(this.error)));
    if (!this.types) return replace(this, h("p", { class: "muted" }, t("admin.loading")));
    const parts = (this.getAttribute("path") || "").split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] === "new") {
      const type = this.types.find((x) => x.name === parts[1]);
      if (!type) return this.missing(parts[1] || "");
      return this.renderForm(type, null);
    }
    if (parts[0]) {
      const account = this.accounts.find((a) => a.id === parts[0]);
      const type = account && this.types.find((x) => x.name === account.channel);
      if (!account || !type) return this.missing(parts[0]);
      return this.renderForm(type, account);
    }
    this.renderList();
  }

  missing(name) {
    replace(this, h("p", { class: "page-missing", role: "alert" }, t("admin.channels.unknown", { name })), h("a", { href: BASE }, t("admin.channels.back")));
  }

  renderList() {
    const orgName = new Map(this.organizations.map((o) => [o.id, o.name]));
    const disabled = this.plugins.filter((p) => !p.enabled);
    const switchOf = (name) => (this.plugins.find((p) => p.plugin === name) || {}).switch;
    replace(
      this,
      h("div", { class: "admin-head" }, h("h2", {}, t("admin.channels.title"))),
      h("p", { class: "admin-intro" }, t("admin.channels.intro")),
      restartNote(this.plugins.map((p) => p.switch), this.processes),
      h(
        "ul",
        { class: "admin-cards channel-types" },
        this.types.filter((type) => type.listed !== false || this.accounts.some((a) => a.channel === type.name)).map((type) => {
          const mine = this.accounts.filter((a) => a.channel === type.name);
          return h(
            "li",
            { class: "admin-card", dataset: { channel: type.name } },
            h("div", { class: "card-title" }, h("span", {}, type.title), h("span", { class: "chip ok" }, t("admin.channels.on"))),
            h("div", { class: "card-meta" }, h("span", {}, capabilities(type)), type.plugin ? h("span", {}, type.plugin) : null),
            mine.length
              ? h(
                  "ul",
                  { class: "channel-accounts plugin-items" },
                  mine.map((a) =>
                    h("li", { dataset: { account: a.id } }, h("a", { href: `${BASE}/${a.id}` }, a.name), " ", statusChip(a.status), h("span", { class: "muted small" }, ` ${orgName.get(a.organization_id) || ""}`)),
                  ),
                )
              : h("p", { class: "muted small" }, t("admin.channels.no_accounts")),
            h("div", { class: "card-buttons" }, h("a", { class: "button add-account", href: `${BASE}/new/${encodeURIComponent(type.name)}` }, t("admin.channels.add"))),
            type.plugin ? pluginSwitch(switchOf(type.plugin), (saved) => this.switched(type.plugin, saved)) : null,
          );
        }),
      ),
      disabled.length ? h("h3", {}, t("admin.channels.plugins")) : null,
      disabled.length
        ? h(
            "ul",
            { class: "admin-cards channel-plugins" },
            disabled.map((p) =>
              h(
                "li",
                { class: "admin-card archived", dataset: { plugin: p.plugin } },
                h("div", { class: "card-title" }, h("span", {}, p.plugin), h("span", { class: "chip off" }, t("admin.channels.off"))),
                pluginSwitch(p.switch, (saved) => this.switched(p.plugin, saved)),
              ),
            ),
          )
        : null,
    );
  }

  async switched(name, saved) {
    const plugin = this.plugins.find((p) => p.plugin === name);
    if (plugin) plugin.switch = saved;
    this.processes = await loadProcesses(this.plugins.map((p) => p.switch));
    this.render();
    const input = this.querySelector(`input[name=plugin-enabled][data-plugin="${CSS.escape(name)}"]`);
    if (input) input.focus(); // the list was redrawn: keep the keyboard where it was
  }

  renderForm(type, account) {
    const orgSelect = h(
      "select",
      { name: "organization_id", disabled: Boolean(account) },
      this.organizations.map((o) => h("option", { value: o.id, selected: account ? o.id === account.organization_id : false }, `${"· ".repeat(o.depth || 0)}${o.name}`)),
    );
    const nameInput = h("input", { type: "text", name: "name", value: account ? account.name : "", maxlength: 200, required: true });
    const keyInput = h("input", { type: "text", name: "public_key", value: account ? account.public_key : "", maxlength: 200 });
    const config = h("fieldset", { class: "channel-config" }, h("legend", {}, t("admin.channels.settings")), schemaInputs(type.config_fields, account ? account.config : defaults(type.config_fields), []));
    const secrets = h("fieldset", { class: "channel-secrets" }, h("legend", {}, t("admin.channels.secrets")), schemaInputs(type.secret_fields, {}, account ? account.secrets_set : []));
    // Errors name config.<field> / secrets.<field>: the inputs answer to those paths too.
    for (const [box, prefix] of [[config, "config"], [secrets, "secrets"]]) {
      for (const el of box.querySelectorAll("[data-field]")) el.dataset.field = `${prefix}.${el.dataset.field}`;
    }
    const formEl = h(
      "form",
      { class: "admin-form channel-account-form", novalidate: true, dataset: { channel: type.name }, onsubmit: (e) => this.save(e, type, account, formEl) },
      field("name", t("admin.channels.name"), nameInput, { help: t("admin.channels.name_help"), required: true }),
      field("organization_id", t("admin.channels.organization"), orgSelect, { help: t("admin.channels.organization_help"), required: true }),
      type.config_fields.length ? config : null,
      type.secret_fields.length ? secrets : null,
      field("public_key", t("admin.channels.public_key"), keyInput, { help: t("admin.channels.public_key_help") }),
      h("p", { class: "form-error", role: "alert" }),
      h(
        "div",
        { class: "form-buttons" },
        h("button", { type: "submit", class: "primary save" }, t("admin.channels.save")),
        account ? h("button", { type: "button", class: "toggle-status", onclick: () => this.toggle(account) }, t(account.status === "disabled" ? "admin.channels.enable" : "admin.channels.disable")) : null,
      ),
    );
    replace(
      this,
      h("p", {}, h("a", { href: BASE, class: "back" }, t("admin.channels.back"))),
      h("div", { class: "admin-head" }, h("h2", {}, account ? t("admin.channels.account", { name: account.name }) : t("admin.channels.new", { channel: type.title })), account ? statusChip(account.status) : null),
      account && account.status_reason ? h("p", { class: "notice warn" }, account.status_reason) : null,
      formEl,
      account ? h("section", { class: "channel-setup", "aria-live": "polite" }) : null,
    );
    if (account) this.loadSetup(type, account);
  }

  async save(event, type, account, formEl) {
    event.preventDefault();
    clearErrors(formEl);
    try {
      const body = {
        name: formEl.querySelector("[name=name]").value,
        public_key: formEl.querySelector("[name=public_key]").value,
        config: readSchemaInputs(formEl.querySelector(".channel-config") || formEl, type.config_fields),
        secrets: readSchemaInputs(formEl.querySelector(".channel-secrets") || formEl, type.secret_fields),
      };
      let saved;
      if (account) {
        saved = await patch(`/api/channel-accounts/${account.id}`, body);
        this.accounts = this.accounts.map((a) => (a.id === saved.id ? saved : a));
        toast(t("admin.channels.saved"));
        this.render();
      } else {
        saved = await post("/api/channel-accounts/", { ...body, channel: type.name, organization_id: formEl.querySelector("[name=organization_id]").value });
        this.accounts = [...this.accounts, saved];
        toast(t("admin.channels.created"));
        location.hash = `${BASE}/${saved.id}`;
      }
    } catch (error) {
      showError(formEl, error);
    }
  }

  async toggle(account) {
    try {
      const saved = account.status === "disabled" ? await patch(`/api/channel-accounts/${account.id}`, { status: "active" }) : await post(`/api/channel-accounts/${account.id}/disable`);
      this.accounts = this.accounts.map((a) => (a.id === saved.id ? saved : a));
      toast(t(saved.status === "disabled" ? "admin.channels.disabled" : "admin.channels.enabled"));
      this.render();
    } catch (error) {
      toast(errorText(error), "error");
    }
  }

  async loadSetup(type, account) {
    const box = this.querySelector(".channel-setup");
    try {
      const info = await get(`/api/channel-accounts/${account.id}/setup`);
      const result = h("p", { class: "check-result", role: "status" });
      const run = async (button, path, okText) => {
        button.disabled = true;
        result.className = "check-result muted";
        result.textContent = t("admin.channels.checking");
        try {
          const answer = await post(`/api/channel-accounts/${account.id}/${path}`);
          const r = answer.result;
          result.className = `check-result notice ${r.ok ? "ok" : "warn"}`;
          result.dataset.ok = r.ok ? "1" : "0";
          result.textContent = r.ok ? `${okText}${r.identity ? `: ${r.identity}` : ""}` : `${t("admin.channels.check_failed")}: ${r.detail}`;
        } catch (error) {
          result.className = "check-result notice warn";
          result.dataset.ok = "0";
          result.textContent = errorText(error);
        } finally {
          button.disabled = false;
        }
      };
      const checkButton = h("button", { type: "button", class: "check-connection", onclick: () => run(checkButton, "check", t("admin.channels.check_ok")) }, t("admin.channels.check"));
      const connectButton = info.setup.connects ? h("button", { type: "button", class: "primary connect-webhook", onclick: () => run(connectButton, "connect", t("admin.channels.connected")) }, t("admin.channels.connect")) : null;
      const steps = info.setup.steps;
      replace(
        box,
        h("h3", {}, t("admin.channels.setup")),
        info.setup.webhook_url ? h("p", {}, h("span", { class: "label" }, `${t("admin.channels.webhook")}: `), h("code", { class: "webhook-url token-value" }, info.setup.webhook_url)) : null,
        info.setup.webhook_url && !info.public_url_set ? h("p", { class: "notice warn small" }, t("admin.channels.no_public_url")) : null,
        steps.length
          ? h(
              "ol",
              { class: "setup-steps" },
              steps.map((s) => h("li", {}, local(s), s.value && s.value !== info.setup.webhook_url ? [" ", h("code", { class: "token-value" }, s.value)] : null)),
            )
          : h("p", { class: "muted" }, t("admin.channels.nothing_left")),
        h("div", { class: "form-buttons" }, connectButton, info.checks ? checkButton : h("p", { class: "muted small" }, t("admin.channels.no_check"))),
        result,
      );
    } catch (error) {
      replace(box, h("p", { class: "notice warn" }, errorText(error)));
    }
  }
}

customElements.define("ul-admin-channels", UlAdminChannels);
