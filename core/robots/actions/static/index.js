// Console asset of the core robot actions (register_console_assets): the notice of
// ``operators.notify`` appears as a toast (and a desktop notification when the tab is in the
// background) for each operator it names. The event arrives like every event, so a console
// that reconnects gets a notice it missed; replayed ones are not toasted again.

const TEXT = {
  ru: (n) => `Робот: ${n.text}`,
  en: (n) => `Robot: ${n.text}`,
};

export function setup({ on, store, toast }) {
  on("event", (frame) => {
    if (frame.event !== "robots.operators_notified" || frame.replay) return;
    const notice = frame.data || {};
    const me = store.me && store.me.id;
    if (!me || !(notice.operator_ids || []).includes(me)) return;
    const lang = document.documentElement.lang === "en" ? "en" : "ru";
    toast(TEXT[lang](notice), "info");
    if ("Notification" in window && Notification.permission === "granted" && document.hidden) {
      try {
        new Notification(notice.appeal_number || "Unionline", { body: notice.text });
      } catch {
        /* notifications from a service worker only on this platform */
      }
    }
  });
}
