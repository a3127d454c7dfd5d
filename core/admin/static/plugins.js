// «Плагины» (#/admin/plugins): what is installed on the server, what is enabled, its version
// and what each enabled plugin adds (console sections, settings, API paths, jobs, tables,
// channels, robot actions, events, permissions, commands); each optional plugin's switch (on or
// off at the next start) and the restart prompt. REST: /api/plugins/, PUT
// /api/plugins/<name>/enabled.

import { get } from "/console/static/js/api.js";
import { errorText } from "/console/static/js/admin-forms.js";
import { h, replace } from "/console/static/js/dom.js";
import { lang, t } from "/console/static/js/i18n.js";
import { loadProcesses, pluginSwitch, restartNote } from "./plugin-switch.js";
import { permissionText } from "./strings.js";

const LISTS = ["routes", "jobs", "tables", "channels", "robot_actions", "events", "commands"];
const FOLD_OVER = 6; // longer lists fold under a summary

function originText(origin) {
  const entry = /^entry point \((.*)\)$/.exec(origin);
  if (entry) return t("admin.plugins.origin.entry", { name: entry[1] });
  const key = `admin.plugins.origin.${origin}`;
  const text = t(key);
  return text === key ? origin : text;
}

function titled(part) {
  return lang() === "en" ? part.title_en || part.title_ru : part.title_ru;
}

class UlAdminPlugins extends HTMLElement {
  connectedCallback() {
    this.classList.add("admin-page");
    this.onLang = () => this.render();
    window.addEventListener("ul-lang", this.onLang);
    this.load();
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  async load() {
    try {
      const [plugins, permissions] = await Promise.all([get("/api/plugins/"), get("/api/roles/permissions").catch(() => [])]);
      this.plugins = plugins;
      this.processes = await loadProcesses(plugins.map((p) => p.switch));
      this.descriptions = new Map(permissions.map((p) => [p.code, p.description]));
    } catch (error) {
      return replace(this, h("p", { class: "page-missing", role: "alert" }, errorText(error)));
    }
    this.render();
  }

  render() {
    if (!this.plugins) return;
    const groups = [
      ["enabled_group", this.plugins.filter((p) => p.enabled && p.origin !== "core")],
      ["core_group", this.plugins.filter((p) => p.origin === "core")],
      ["disabled_group", this.plugins.filter((p) => !p.enabled)],
    ];
    replace(
      this,
      h("div", { class: "admin-head" }, h("h2", {}, t("admin.plugins.title"))),
      h("p", { class: "admin-intro" }, t("admin.plugins.intro")),
      restartNote(this.plugins.map((p) => p.switch), this.processes),
      groups
        .filter(([, list]) => list.length)
        .map(([name, list]) => [h("h3", {}, t(`admin.plugins.${name}`)), h("ul", { class: `admin-cards plugins plugins-${name}` }, list.map((p) => this.card(p)))]),
    );
  }

  card(plugin) {
    return h(
      "li",
      { class: `admin-card plugin ${plugin.enabled ? "" : "archived"}`, dataset: { plugin: plugin.name } },
      h(
        "div",
        { class: "card-title" },
        h("span", {}, plugin.name),
        h("span", { class: `chip ${plugin.enabled ? "ok" : "off"}` }, t(plugin.enabled ? "admin.plugins.on" : "admin.plugins.off")),
        h("span", { class: "chip" }, originText(plugin.origin)),
      ),
      h("div", { class: "card-meta" }, t("admin.plugins.version", { version: plugin.version })),
      plugin.origin === "core" ? null : pluginSwitch(plugin.switch, (saved) => this.switched(plugin, saved)),
      plugin.enabled ? this.adds(plugin.adds) : null,
    );
  }

  async switched(plugin, saved) {
    plugin.switch = saved;
    this.processes = await loadProcesses(this.plugins.map((p) => p.switch));
    this.render();
    const input = this.querySelector(`input[name=plugin-enabled][data-plugin="${CSS.escape(plugin.name)}"]`);
    if (input) input.focus(); // the card was redrawn: keep the keyboard where it was
  }

  adds(adds) {
    const rows = [];
    const row = (key, items) => {
      if (!items.length) return;
      const list = h("ul", { class: "plugin-items" }, items.map((x) => h("li", {}, x)));
      const label = `${t(`admin.plugins.${key}`)}: ${items.length}`;
      rows.push(
        items.length > FOLD_OVER
          ? h("details", { class: "plugin-adds", dataset: { adds: key } }, h("summary", {}, label), list)
          : h("div", { class: "plugin-adds", dataset: { adds: key } }, h("span", { class: "adds-label" }, `${t(`admin.plugins.${key}`)}:`), " ", items.join(", ")),
      );
    };
    row("pages", adds.pages.map(titled));
    row("settings", adds.settings_forms.map(titled));
    if (adds.console_code) rows.push(h("div", { class: "plugin-adds", dataset: { adds: "console_code" } }, t("admin.plugins.console_code")));
    for (const key of LISTS) row(key, adds[key]);
    row("permissions", adds.permissions.map((code) => permissionText(code, this.descriptions.get(code))));
    return rows.length ? h("div", { class: "plugin-adds-list" }, rows) : h("p", { class: "muted small" }, t("admin.plugins.nothing"));
  }
}

customElements.define("ul-admin-plugins", UlAdminPlugins);
