// The host of plugin pages (#/admin/<id>[/<path>], #/work/<id>[/<path>]): for the admin
// section a sub-navigation of its pages, then the chosen page's element. The page gets the
// attributes "page-id" and "path" (what follows its id in the address; updated in place when
// only that changes). Unknown or forbidden pages and modules that fail say so in words.

import "../js/admin-i18n.js";
import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { createPage, findPage, pageHref, pagesIn, pageTitle } from "../js/pages.js";

class UlPages extends HTMLElement {
  connectedCallback() {
    this.classList.add("pages-host");
    this.onLang = () => this.renderNav();
    window.addEventListener("ul-lang", this.onLang);
    this.nav = h("nav", { class: "subnav", "aria-label": t("admin.sections") });
    this.body = h("div", { class: "page-body" });
    replace(this, this.section === "admin" ? this.nav : null, this.body);
    if (this.pending) this.open(...this.pending);
  }

  disconnectedCallback() {
    window.removeEventListener("ul-lang", this.onLang);
  }

  get section() {
    return this.getAttribute("section") || "admin";
  }

  /** Show page ``id`` (the section's first page when empty) with ``path``. */
  async open(id, path = "") {
    if (!this.body) {
      this.pending = [id, path];
      return;
    }
    const pages = pagesIn(this.section);
    const page = id ? findPage(this.section, id) : pages[0] || null;
    this.current = page;
    this.renderNav();
    if (!page) {
      this.mounted = null;
      const text = id ? t("admin.missing", { id }) : t("admin.none");
      return replace(this.body, h("p", { class: "page-missing", role: "alert" }, text));
    }
    if (this.mounted && this.mounted.page === page) {
      this.mounted.element.setAttribute("path", path || "");
      return;
    }
    const ticket = (this.ticket = (this.ticket || 0) + 1);
    this.mounted = null;
    replace(this.body, h("p", { class: "pad muted" }, t("admin.loading")));
    let element;
    try {
      element = await createPage(page, path);
    } catch (error) {
      console.error(`console page ${page.id} of plugin ${page.plugin} failed`, error);
      if (ticket === this.ticket) replace(this.body, h("p", { class: "page-missing error", role: "alert" }, t("admin.failed", { title: pageTitle(page) })));
      return;
    }
    if (ticket !== this.ticket) return; // another page was chosen meanwhile
    this.mounted = { page, element };
    replace(this.body, element);
    const scroller = this.closest(".content");
    if (scroller) scroller.scrollTop = 0;
    window.scrollTo(0, 0);
  }

  renderNav() {
    if (this.section !== "admin" || !this.nav) return;
    this.nav.setAttribute("aria-label", t("admin.sections"));
    replace(
      this.nav,
      pagesIn("admin").map((page) =>
        h(
          "a",
          {
            href: pageHref(page),
            class: this.current === page ? "active" : "",
            "aria-current": this.current === page ? "page" : null,
            dataset: { page: page.id },
          },
          pageTitle(page),
        ),
      ),
    );
  }
}

customElements.define("ul-pages", UlPages);
