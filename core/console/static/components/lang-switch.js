// RU | EN switch; the choice is kept in localStorage and, when signed in, in the profile.

import { patch } from "../js/api.js";
import { h } from "../js/dom.js";
import { LANGS, lang, setLang, t } from "../js/i18n.js";
import { store } from "../js/store.js";

export function langSwitch() {
  const group = h("div", { class: "lang-switch", role: "group", "aria-label": t("header.lang") });
  for (const code of LANGS) {
    group.append(
      h(
        "button",
        {
          type: "button",
          class: code === lang() ? "active" : "",
          "aria-pressed": code === lang() ? "true" : "false",
          dataset: { lang: code },
          onclick: () => choose(code),
        },
        code.toUpperCase(),
      ),
    );
  }
  return group;
}

function choose(code) {
  if (code === lang()) return;
  setLang(code);
  if (store.me) patch("/api/auth/me", { locale: code }).catch(() => {});
}
