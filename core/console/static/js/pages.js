// Console pages registered by plugins (register.page in register_console_assets): the list
// the server allows this operator (/console/pages.json), and mounting one — its ES module is
// imported the first time the page is opened, then its custom element is created.

import { get } from "./api.js";
import { h } from "./dom.js";
import { lang } from "./i18n.js";
import { consoleApi } from "./plugins.js";

let pages = [];
const setUp = new Set(); // page modules whose setup(consoleApi) ran

/** Ask the server which pages this operator may open (after sign-in). */
export async function loadPages() {
  try {
    pages = await get("/console/pages.json");
  } catch {
    pages = [];
  }
  if (pages.length) stylesheet();
  return pages;
}

export function forgetPages() {
  pages = [];
}

/** The pages of ``section`` ("admin" or "work"), in their order. */
export function pagesIn(section) {
  return pages.filter((page) => page.section === section);
}

export function findPage(section, id) {
  return pages.find((page) => page.section === section && page.id === id) || null;
}

export function pageTitle(page) {
  return page.title[lang()] || page.title.ru;
}

export function pageHref(page, rest = "") {
  return `#/${page.section}/${page.id}${rest ? `/${rest}` : ""}`;
}

/** Import the page's module (once; its ``setup(consoleApi)``, if exported, runs then) and
 * create its element; rejects when the module fails or does not define the element it promised. */
export async function createPage(page, path) {
  const module = await import(page.url);
  if (typeof module.setup === "function" && !setUp.has(page.url)) {
    await module.setup(consoleApi);
    setUp.add(page.url);
  }
  if (!customElements.get(page.element)) throw new Error(`${page.url} does not define <${page.element}>`);
  return h(page.element, { "page-id": page.id, path: path || "" });
}

/** The shared styles of pages (forms, tables, cards at any width); loaded once. */
export function stylesheet() {
  if (document.querySelector("link[data-admin-css]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/console/static/admin.css", dataset: { adminCss: "1" } }));
}
