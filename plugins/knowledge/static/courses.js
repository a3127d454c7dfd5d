// Onboarding on the page «База знаний → Обучение»: the staffer's courses with their progress,
// a course's lessons in order (the article as their organization reads it, a short quiz where
// there is one, «Урок пройден» to mark it), and for those who run courses who completed what.

import { COURSE_FORM_STRINGS, courseForm } from "./course-form.js";
import { articleNodes } from "./html.js";
import { ui } from "./ui.js";

const STRINGS = {
  ru: {
    "kb.c.title": "Обучение",
    "kb.c.none": "Курсов для вас пока нет.",
    "kb.c.progress": "Пройдено уроков: {done} из {total}",
    "kb.c.lesson": "Урок {n}",
    "kb.c.done": "Урок пройден",
    "kb.c.mark": "Прочитано — урок пройден",
    "kb.c.check": "Проверить ответы",
    "kb.c.wrong": "Есть неверные ответы ({correct} из {total} верно). Перечитайте статью и попробуйте снова.",
    "kb.c.finished": "Курс пройден. Спасибо!",
    "kb.c.who": "Кто прошёл курс",
    "kb.c.staffer": "Сотрудник",
    "kb.c.lessons": "Уроки",
    "kb.c.finished_at": "Курс пройден",
    "kb.c.not_yet": "ещё нет",
  },
  en: {
    "kb.c.title": "Onboarding",
    "kb.c.none": "No courses for you yet.",
    "kb.c.progress": "Lessons done: {done} of {total}",
    "kb.c.lesson": "Lesson {n}",
    "kb.c.done": "Lesson done",
    "kb.c.mark": "Read — mark the lesson done",
    "kb.c.check": "Check answers",
    "kb.c.wrong": "Some answers are wrong ({correct} of {total} right). Reread the article and try again.",
    "kb.c.finished": "Course completed. Thank you!",
    "kb.c.who": "Who completed the course",
    "kb.c.staffer": "Staffer",
    "kb.c.lessons": "Lessons",
    "kb.c.finished_at": "Completed",
    "kb.c.not_yet": "not yet",
  },
};

export async function drawCourses(page, id) {
  ui.strings(STRINGS);
  ui.strings(COURSE_FORM_STRINGS);
  return id ? drawCourse(page, id) : drawList(page);
}

async function drawList(page) {
  const { h, t } = ui;
  const courses = await ui.api.get("/api/knowledge/courses/mine");
  const formHost = h("div", {});
  const open = async () => {
    const close = () => ui.replace(formHost);
    ui.replace(formHost, await courseForm({ onCancel: close, onDone: (course) => { location.hash = `#/work/knowledge/courses/${course.id}`; } }));
  };
  ui.replace(
    page,
    h("p", {}, h("a", { href: "#/work/knowledge" }, t("kb.back"))),
    h("div", { class: "admin-head" }, h("h2", {}, t("kb.c.title")),
      ui.can("knowledge.courses") ? h("button", { type: "button", class: "kb-new-course", onclick: open }, t("kb.cf.open")) : null),
    formHost,
    courses.length
      ? h("ul", { class: "admin-cards" }, courses.map((c) => h("li", { class: "admin-card kb-course", dataset: { course: c.id } },
          h("div", { class: "card-title" }, h("a", { href: `#/work/knowledge/courses/${c.id}` }, c.title)),
          c.description ? h("p", { class: "kb-excerpt" }, c.description) : null,
          progressBar(c.completed, c.lessons))))
      : h("p", { class: "muted" }, t("kb.c.none")),
  );
}

function progressBar(done, total) {
  const { h, t } = ui;
  const label = t("kb.c.progress", { done, total });
  return h("p", { class: "kb-progress" }, h("progress", { max: String(total || 1), value: String(done), "aria-label": label }), " ", h("span", {}, label));
}

async function drawCourse(page, id) {
  const { h, t } = ui;
  const course = await ui.api.get(`/api/knowledge/courses/${id}`);
  const done = course.lessons.filter((l) => l.done).length;
  const firstOpen = course.lessons.find((l) => !l.done);
  const who = h("div", { class: "kb-who" });
  ui.replace(
    page,
    h("p", {}, h("a", { href: "#/work/knowledge/courses" }, t("kb.back"))),
    h("div", { class: "admin-head" }, h("h2", {}, course.title)),
    course.description ? h("p", { class: "admin-intro" }, course.description) : null,
    progressBar(done, course.lessons.length),
    done === course.lessons.length ? h("p", { class: "notice kb-finished" }, t("kb.c.finished")) : null,
    h("ol", { class: "kb-lessons" }, course.lessons.map((lesson) => drawLesson(page, course, lesson, lesson === firstOpen))),
    who,
  );
  if (ui.can("knowledge.courses")) drawWho(who, course.id);
}

function drawLesson(page, course, lesson, open) {
  const { h, t } = ui;
  const result = h("p", { class: "kb-quiz-result", role: "status" });
  const groups = lesson.questions.map((q, i) => h(
    "fieldset",
    { class: "kb-question" },
    h("legend", {}, q.question),
    q.options.map((option, j) => h("label", { class: "check" }, h("input", { type: "radio", name: `q-${lesson.id}-${i}`, value: String(j) }), option)),
  ));
  const submit = async () => {
    const answers = groups.map((g) => Number((g.querySelector("input:checked") || { value: -1 }).value));
    try {
      const outcome = await ui.api.post(`/api/knowledge/courses/${course.id}/lessons/${lesson.id}/complete`, { answers });
      if (!outcome.passed) return ui.replace(result, t("kb.c.wrong", outcome));
      await drawCourse(page, course.id);
    } catch (error) {
      ui.toastError(error);
    }
  };
  return h(
    "li",
    { class: "kb-lesson", dataset: { lesson: lesson.id, done: String(lesson.done) } },
    h("details", { open: open || false },
      h("summary", {}, h("strong", {}, lesson.title || t("kb.c.lesson", { n: lesson.position + 1 })), lesson.done ? h("span", { class: "chip ok" }, ` ${t("kb.c.done")}`) : null),
      h("div", { class: "kb-article kb-body" }, articleNodes(lesson.tree, h)),
      lesson.done ? null : [groups, result, h("button", { type: "button", class: "primary kb-complete", onclick: submit }, lesson.questions.length ? t("kb.c.check") : t("kb.c.mark"))],
    ),
  );
}

async function drawWho(container, courseId) {
  const { h, t } = ui;
  try {
    const rows = await ui.api.get(`/api/knowledge/courses/${courseId}/progress`);
    ui.replace(container, h("h3", {}, t("kb.c.who")), h("table", { class: "admin-table kb-who-table" },
      h("thead", {}, h("tr", {}, [t("kb.c.staffer"), t("kb.c.lessons"), t("kb.c.finished_at")].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((r) => h("tr", { dataset: { operator: r.operator_id } },
        h("th", { scope: "row" }, r.name || r.login),
        // data-label: at phone width the rows stack (admin.css) and the heads are hidden
        h("td", { dataset: { label: t("kb.c.lessons") } }, `${r.completed} / ${r.lessons}`),
        h("td", { dataset: { label: t("kb.c.finished_at") } }, r.finished_at ? ui.format.fullTime(r.finished_at) : t("kb.c.not_yet")))))));
  } catch (error) {
    ui.replace(container, h("p", { class: "muted" }, ui.errorText(error)));
  }
}
