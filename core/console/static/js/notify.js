// Sound and desktop notifications for newly assigned appeals, and in-page toasts.
// The sound is a short WebAudio beep (no audio files); desktop notifications use the
// Notification API once the operator allowed them. Both preferences live in localStorage.

import { h } from "./dom.js";
import { errorText } from "./errors.js";
import { t } from "./i18n.js";

const SOUND_KEY = "ul.sound";
let audio = null;

export function soundOn() {
  try {
    return localStorage.getItem(SOUND_KEY) !== "off";
  } catch {
    return true;
  }
}

export function setSound(on) {
  try {
    localStorage.setItem(SOUND_KEY, on ? "on" : "off");
  } catch {
    /* ignore */
  }
}

export function beep() {
  if (!soundOn()) return;
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    const now = audio.currentTime;
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(880, now);
    oscillator.frequency.setValueAtTime(1175, now + 0.09);
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.2, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(now);
    oscillator.stop(now + 0.26);
  } catch {
    /* no audio device: the toast still shows */
  }
}

// Browsers start audio only after a user gesture; unlock on the first one.
window.addEventListener("pointerdown", () => audio && audio.state === "suspended" && audio.resume(), { once: true });

export function notificationsAvailable() {
  return "Notification" in window;
}

export function notificationsWanted() {
  return notificationsAvailable() && Notification.permission === "default";
}

export async function askForNotifications() {
  if (!notificationsAvailable()) return false;
  const answer = await Notification.requestPermission();
  toast(answer === "granted" ? t("notify.enabled") : t("notify.denied"));
  return answer === "granted";
}

/** A desktop notification when permitted and the tab is not in front; clicking focuses it. */
export function desktop(title, body, onClick) {
  if (!notificationsAvailable() || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  try {
    const note = new Notification(title, { body, tag: title });
    note.onclick = () => {
      window.focus();
      if (onClick) onClick();
      note.close();
    };
  } catch {
    /* some platforms only allow notifications from a service worker */
  }
}

/** A short message at the bottom of the page (role=status, read by screen readers). */
export function toast(text, kind = "info") {
  let area = document.getElementById("toasts");
  if (!area) {
    area = h("div", { id: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(area);
  }
  const item = h("div", { class: `toast toast-${kind}` }, text);
  area.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 4000);
}

export { errorText };

/** Tell the operator in their language what went wrong (never the server's own text). */
export function toastError(error) {
  toast(errorText(error), "error");
}
