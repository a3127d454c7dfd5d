// The operator's presence switch (online / away / offline), shown when the routing API
// offers presence; otherwise nothing is drawn.

import { h, replace } from "../js/dom.js";
import { t } from "../js/i18n.js";
import { toastError } from "../js/notify.js";
import { myPresence, setPresence } from "../js/routing.js";

const STATES = ["online", "away", "offline"];

export function presenceSwitch() {
  const holder = h("span", { class: "presence-holder" });
  myPresence()
    .then((status) => {
      if (!status) return;
      const select = h(
        "select",
        {
          name: "presence",
          class: `presence presence-${status}`,
          "aria-label": t("presence.label"),
          onchange: (e) =>
            setPresence(e.target.value)
              .then(() => (select.className = `presence presence-${e.target.value}`))
              .catch(toastError),
        },
        STATES.map((s) => h("option", { value: s, selected: s === status }, t(`presence.${s}`))),
      );
      replace(holder, select);
    })
    .catch(() => {});
  return holder;
}
