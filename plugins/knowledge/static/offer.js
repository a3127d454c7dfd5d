// A new operator's first sign-in offers their onboarding course (once per browser session).

import { ui } from "./ui.js";

export async function offerCourse() {
  if (sessionStorage.getItem("kb-course-offered")) return;
  try {
    const courses = await ui.api.get("/api/knowledge/courses/mine");
    const waiting = (courses || []).find((c) => c.offered && c.completed < c.lessons);
    if (!waiting) return;
    sessionStorage.setItem("kb-course-offered", "1");
    ui.toast(ui.t("kb.course_offer", { title: waiting.title }));
  } catch {
    // no courses (or no permission): nothing to offer
  }
}
