// The console shell: sign-in or the main view (header, list tabs, list, appeal or supervisor
// view), hash routing (#/<list>[/<appeal id>], #/supervisor, plugin pages at
// #/admin/<page>[/…] and #/work/<page>[/…]), keyboard shortcuts.

import { perform } from "../js/actions.js";
import { post } from "../js/api.js";
import "./ul-slot.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { askForNotifications, notificationsWanted, setSound, soundOn, toastError } from "../js/notify.js";
import { forgetPages, loadPages, pageHref, pagesIn, pageTitle } from "../js/pages.js";
import { loadPlugins } from "../js/plugins.js";
import { begin, currentOperator, end } from "../js/session.js";
import { helpDialog, installShortcuts } from "../js/shortcuts.js";
import { can, on, store } from "../js/store.js";
import { langSwitch } from "./lang-switch.js";
import { passwordButton } from "./password-change.js";
import { presenceSwitch, startPresence, stopPresence } from "./presence.js";
import { listSpec, preload } from "./ul-appeal-list.js";
import "./inbox.js";
import "./ul-appeal-list.js";
import "./ul-appeal-view.js";
import "./ul-login.js";
import "./ul-offers.js";
import "./ul-pages.js";
import "./ul-supervisor.js";
import { seesRobots } from "./ul-robots.js";

const LISTS = ["mine", "unassigned", "all"];
// Lists besides the tabs: search results, by status, a filter being set up, a saved filter.
const EXTRA_LIST = /^(search|custom|status-[a-z]+|saved-[0-9a-f-]{36})$/;

/** Supervisors and admins assign; observers with routing.monitor may watch the load too. */
export function supervises() {
  return can("appeals.assign") || can("routing.monitor");
}

class UlApp extends HTMLElement {
  async connectedCallback() {
    this.addEventListener("ul-signed-in", (e) => this.start(e.detail));
    this.addEventListener("ul-list", (e) => this.go(e.detail, null));
    window.addEventListener("ul-unauthorized", (e) => this.signedOut(e.detail));
    window.addEventListener("hashchange", () => this.route());
    window.addEventListener("ul-lang", () => this.languageChanged());
    const me = await currentOperator();
    if (me) await this.start(me);
    else this.showLogin();
  }

  languageChanged() {
    if (!this.running) return;
    this.renderChrome();
    if (this.view === "console" && !this.appealId) this.openAppeal(null);
  }

  /** ``notice``: an i18n key said above the form (why the operator was signed out). */
  showLogin(notice = null) {
    this.stopShortcuts && this.stopShortcuts();
    this.running = false;
    document.body.classList.remove("signed-in");
    replace(this, h("ul-login", { dataset: notice ? { notice } : null }));
  }

  async start(me) {
    replace(this, h("p", { class: "pad muted" }, t("list.loading")));
    await begin(me);
    // Plugins set up before the shell shows "online": their listeners hear the first live events.
    await Promise.all([loadPages(), loadPlugins(), ...["mine", "unassigned"].map((name) => preload(name).catch(() => {}))]);
    this.running = true;
    document.body.classList.add("signed-in");
    this.build();
    this.stopShortcuts = installShortcuts(this.shortcutHandlers());
    this.offs = [on("appeals", () => this.renderCounts()), on("connection", () => this.renderConnection())];
    this.route();
    startPresence();
  }

  /** ``detail.ended``: the server ended this session while the console was open (4401). */
  signedOut(detail) {
    if (!this.running) return;
    (this.offs || []).forEach((off) => off());
    stopPresence();
    end();
    forgetPages();
    this.showLogin(detail && detail.ended ? "login.ended" : null);
  }

  async logout() {
    if (store.socket) store.socket.stop(); // our own sign-out: its 4401 would be no news
    try {
      await post("/api/auth/logout");
    } catch {
      /* the session ends on our side regardless */
    }
    this.signedOut();
  }

  // -- layout ----------------------------------------------------------------------------------

  build() {
    this.header = h("header", { class: "topbar" });
    this.tabs = h("nav", { class: "list-tabs", "aria-label": t("header.console") });
    this.list = h("ul-appeal-list", { list: "mine" });
    this.content = h("main", { class: "content", id: "content" });
    this.help = helpDialog();
    replace(
      this,
      this.header,
      h("div", { class: "workspace" }, h("section", { class: "sidebar", "aria-label": t("header.console") }, this.tabs, this.list), this.content),
      h("ul-offers", { class: "offers" }),
      this.help,
    );
    this.renderChrome();
  }

  renderChrome() {
    const me = store.me;
    if (!me || !this.header) return;
    this.connection = h("span", { class: "connection", role: "status" });
    this.soundButton = h("button", { type: "button", class: "icon sound", onclick: () => this.toggleSound() });
    replace(
      this.header,
      h("a", { href: "#/", class: "brand" }, "Unionline"),
      h(
        "nav",
        { class: "views" },
        h("a", { href: `#/${this.current || "mine"}`, class: this.view === "console" ? "active" : "" }, t("header.console")),
        supervises() ? h("a", { href: "#/supervisor", class: this.view === "supervisor" ? "active" : "" }, t("header.supervisor")) : null,
        seesRobots() ? h("a", { href: "#/robots", class: this.view === "robots" ? "active" : "" }, t("header.robots")) : null,
        pagesIn("work").map((page) => h("a", { href: pageHref(page), class: this.view === "work" && this.pageId === page.id ? "active" : "", dataset: { page: page.id } }, pageTitle(page))),
        pagesIn("admin").length ? h("a", { href: "#/admin", class: `admin-link ${this.view === "admin" ? "active" : ""}` }, t("admin.nav")) : null,
      ),
      this.connection,
      h("span", { class: "spacer" }),
      h("ul-inbox"),
      h("ul-slot", { name: "header", class: "header-slot" }),
      presenceSwitch(),
      notificationsWanted() ? h("button", { type: "button", class: "notify", onclick: (e) => askForNotifications().then(() => e.target.remove()) }, t("header.notify")) : null,
      this.soundButton,
      langSwitch(),
      h("button", { type: "button", class: "icon help-button", title: t("header.help"), "aria-label": t("header.help"), onclick: () => this.toggleHelp() }, "?"),
      h("span", { class: "me", title: me.login }, me.name || me.login),
      passwordButton(),
      h("button", { type: "button", class: "logout", onclick: () => this.logout() }, t("header.logout")),
    );
    this.renderConnection();
    this.renderSound();
    this.renderTabs();
    this.help.replaceWith((this.help = helpDialog()));
  }

  renderConnection() {
    if (!this.connection) return;
    const state = (store.socket && store.socket.state) || "offline";
    this.connection.className = `connection conn-${state}`;
    this.connection.dataset.state = state;
    const label = t(`conn.${state === "online" ? "online" : state === "connecting" ? "connecting" : "offline"}`);
    this.connection.title = label;
    replace(this.connection, h("span", { class: "conn-label" }, label));
  }

  renderSound() {
    const on_ = soundOn();
    this.soundButton.textContent = "♪";
    this.soundButton.title = t(on_ ? "header.sound_on" : "header.sound_off");
    this.soundButton.setAttribute("aria-pressed", String(on_));
    this.soundButton.setAttribute("aria-label", this.soundButton.title);
  }

  toggleSound() {
    setSound(!soundOn());
    this.renderSound();
  }

  renderTabs() {
    replace(
      this.tabs,
      LISTS.map((name) =>
        h("a", { href: `#/${name}`, class: `tab ${this.current === name ? "active" : ""}`, dataset: { list: name } }, t(`list.${name}`), name === "all" ? null : h("span", { class: "count", dataset: { count: name } })),
      ),
    );
    this.renderCounts();
  }

  renderCounts() {
    if (!this.tabs) return;
    for (const el of this.tabs.querySelectorAll("[data-count]")) {
      const spec = listSpec(el.dataset.count);
      const n = [...store.appeals.values()].filter(spec.match).length;
      el.textContent = n ? String(n) : "";
    }
  }

  // -- routing ---------------------------------------------------------------------------------

  go(list, appealId) {
    location.hash = appealId ? `#/${list}/${appealId}` : `#/${list}`;
  }

  route() {
    if (!this.running) return;
    const [first, second, ...rest] = location.hash.replace(/^#\/?/, "").split("/");
    if (first === "supervisor") return this.show("supervisor");
    if (first === "robots") return this.show("robots");
    if (first === "admin" || first === "work") return this.showPage(first, second || "", rest.join("/"));
    let list = first || this.current || "mine";
    if (list === "-") list = this.current || "mine";
    if (!LISTS.includes(list) && !EXTRA_LIST.test(list)) list = "mine";
    if (first === "-") return this.go(list, second);
    this.show("console", list, second || null);
  }

  show(view, list, appealId) {
    const changedView = view !== this.view;
    this.view = view;
    if (view === "supervisor" || view === "robots") {
      document.body.classList.add("view-supervisor");
      document.body.classList.remove("has-appeal");
      replace(this.content, h(view === "robots" ? "ul-robots" : "ul-supervisor"));
      this.appealId = null;
    } else {
      document.body.classList.remove("view-supervisor");
      if (list !== this.current) {
        this.current = list;
        this.list.setAttribute("list", list);
      }
      this.list.setAttribute("selected", appealId || "");
      if (appealId !== this.appealId || changedView) this.openAppeal(appealId);
    }
    if (changedView) this.renderChrome();
    else this.renderTabs();
  }

  /** A plugin page (js/pages.js) inside the host of its section (ul-pages.js). */
  showPage(section, id, path) {
    const changedView = section !== this.view || (section === "work" && id !== this.pageId);
    this.view = section;
    this.pageId = id;
    this.appealId = null;
    document.body.classList.add("view-supervisor");
    document.body.classList.remove("has-appeal");
    let host = this.content.querySelector(":scope > ul-pages");
    if (!host || host.getAttribute("section") !== section) {
      host = h("ul-pages", { section });
      replace(this.content, host);
    }
    host.open(id, path);
    if (changedView) this.renderChrome();
  }

  openAppeal(id) {
    this.appealId = id;
    document.body.classList.toggle("has-appeal", Boolean(id));
    replace(this.content, id ? h("ul-appeal-view", { "appeal-id": id }) : h("p", { class: "placeholder" }, t("appeal.none")));
  }

  // -- keyboard --------------------------------------------------------------------------------

  shortcutHandlers() {
    const step = (delta) => {
      const ids = this.list.ids();
      if (!ids.length) return;
      const at = ids.indexOf(this.appealId);
      const next = at < 0 ? (delta > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + delta));
      this.go(this.current, ids[next]);
    };
    const composer = () => this.content.querySelector("ul-composer");
    return {
      next: () => step(1),
      prev: () => step(-1),
      reply: () => composer() && composer().focusMode("reply"),
      note: () => composer() && composer().focusMode("note"),
      claim: () => this.appealId && perform("claim", { appeal_id: this.appealId }).catch(toastError),
      search: () => this.list.querySelector(".list-search").focus(),
      list: (name) => this.go(name, null),
      supervisor: () => supervises() && (location.hash = "#/supervisor"),
      help: () => this.toggleHelp(),
      escape: (event) => {
        if (this.help.open || document.querySelector("dialog[open]")) return; // Esc closes the dialog only
        const field = event.target;
        if (field instanceof HTMLElement && ["INPUT", "TEXTAREA", "SELECT"].includes(field.tagName)) return field.blur();
        if (this.appealId) {
          event.preventDefault();
          this.go(this.current, null);
        }
      },
    };
  }

  toggleHelp() {
    if (this.help.open) this.help.close();
    else this.help.showModal();
  }
}

customElements.define("ul-app", UlApp);
