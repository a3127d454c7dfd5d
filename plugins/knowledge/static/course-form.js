// «Новый курс» on «База знаний → Обучение» (knowledge.courses): the organization whose staff
// take it, a title, a description, «для новых сотрудников», and the lessons — published articles
// picked one by one, in the order they are read (↑ ↓ and × rearrange), each with its short quiz
// (quiz-form.js). POST /api/knowledge/courses/; a refusal is shown at the input it names.

import { QUIZ_FORM_STRINGS, quizEditor, quizErrorText } from "./quiz-form.js";
import { ui } from "./ui.js";

export const COURSE_FORM_STRINGS = {
  ru: {
    "kb.cf.open": "Новый курс",
    "kb.cf.organization": "Для сотрудников организации",
    "kb.cf.title": "Название курса",
    "kb.cf.description": "Описание",
    "kb.cf.for_new": "Предлагать новым сотрудникам при входе",
    "kb.cf.lessons": "Уроки по порядку",
    "kb.cf.article": "Статья для урока",
    "kb.cf.add": "Добавить урок",
    "kb.cf.no_lessons": "Уроков пока нет: выберите статью и нажмите «Добавить урок».",
    "kb.cf.no_articles": "Опубликованных статей нет: урок — это статья базы знаний, сначала опубликуйте её.",
    "kb.cf.up": "Выше: {title}",
    "kb.cf.down": "Ниже: {title}",
    "kb.cf.remove": "Убрать урок: {title}",
    "kb.cf.create": "Создать курс",
    "kb.cf.cancel": "Отмена",
    "kb.cf.created": "Курс создан",
    "kb.cf.need_lesson": "Добавьте в курс хотя бы один урок",
  },
  en: {
    "kb.cf.open": "New course",
    "kb.cf.organization": "For the staff of",
    "kb.cf.title": "Course title",
    "kb.cf.description": "Description",
    "kb.cf.for_new": "Offer to new staff at sign-in",
    "kb.cf.lessons": "Lessons in order",
    "kb.cf.article": "Article for a lesson",
    "kb.cf.add": "Add the lesson",
    "kb.cf.no_lessons": "No lessons yet: choose an article and press «Add the lesson».",
    "kb.cf.no_articles": "No published articles: a lesson is a knowledge base article, publish one first.",
    "kb.cf.up": "Up: {title}",
    "kb.cf.down": "Down: {title}",
    "kb.cf.remove": "Remove the lesson: {title}",
    "kb.cf.create": "Create the course",
    "kb.cf.cancel": "Cancel",
    "kb.cf.created": "Course created",
    "kb.cf.need_lesson": "Add at least one lesson to the course",
  },
};

for (const lang of ["ru", "en"]) Object.assign(COURSE_FORM_STRINGS[lang], QUIZ_FORM_STRINGS[lang]);

export async function courseForm({ onDone, onCancel }) {
  const { h, t } = ui;
  const f = ui.forms;
  const [orgs, page] = await Promise.all([
    ui.api.get("/api/organizations/").catch(() => []),
    ui.api.get("/api/knowledge/articles", { limit: 50 }).catch(() => ({ items: [] })),
  ]);
  const organization = h("select", { name: "organization_id" }, orgs.map((o) => h("option", { value: o.id }, o.name)));
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200" });
  const description = h("textarea", { name: "description", rows: "2", maxlength: "2000" });
  const forNew = h("input", { type: "checkbox", name: "for_new_operators", checked: true });
  const article = h("select", { name: "article" }, page.items.map((a) => h("option", { value: a.id }, a.title)));
  const chosen = [];
  const lessons = h("ol", { class: "kb-lessons" });
  const draw = () => {
    ui.replace(lessons, chosen.length ? chosen.map((a, i) => h("li", { class: "kb-lesson-item", dataset: { article: a.id, field: `lessons[${i}]` } },
      h("span", { class: "kb-lesson-title" }, a.title), " ",
      h("button", { type: "button", "aria-label": t("kb.cf.up", { title: a.title }), disabled: i === 0, onclick: () => move(i, -1) }, "↑"),
      h("button", { type: "button", "aria-label": t("kb.cf.down", { title: a.title }), disabled: i === chosen.length - 1, onclick: () => move(i, 1) }, "↓"),
      h("button", { type: "button", "aria-label": t("kb.cf.remove", { title: a.title }), onclick: () => { chosen.splice(i, 1); draw(); } }, "×"),
      h("span", { class: "field-error", role: "alert" }),
      a.quiz.node))
      : h("li", { class: "muted" }, t("kb.cf.no_lessons")));
  };
  const move = (i, by) => {
    chosen.splice(i + by, 0, ...chosen.splice(i, 1));
    draw();
  };
  const add = () => {
    const picked = page.items.find((a) => a.id === article.value);
    if (picked) chosen.push({ id: picked.id, title: picked.title, quiz: quizEditor(picked.title) });
    draw();
  };
  draw();
  const form = h("form", { class: "admin-form kb-course-form", "aria-label": t("kb.cf.open") },
    f.field("organization_id", t("kb.cf.organization"), organization),
    f.field("title", t("kb.cf.title"), title, { required: true }),
    f.field("description", t("kb.cf.description"), description),
    h("label", { class: "check" }, forNew, " ", t("kb.cf.for_new")),
    // the lessons' own error before the lessons: showError fills a field's first .field-error
    h("fieldset", { class: "field", dataset: { field: "lessons" } }, h("legend", {}, t("kb.cf.lessons")),
      h("span", { class: "field-error", role: "alert" }), lessons,
      page.items.length
        ? h("p", { class: "inline-form" }, h("label", {}, t("kb.cf.article"), " ", article), " ", h("button", { type: "button", class: "kb-add-lesson", onclick: add }, t("kb.cf.add")))
        : h("p", { class: "notice" }, t("kb.cf.no_articles"))),
    h("div", { class: "form-buttons" }, h("button", { type: "submit", class: "primary" }, t("kb.cf.create")),
      h("button", { type: "button", onclick: () => onCancel && onCancel() }, t("kb.cf.cancel"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    f.clearErrors(form);
    if (!chosen.length) return f.showError(form, { code: "invalid", field: "lessons" }, t("kb.cf.need_lesson"));
    try {
      const course = await ui.api.post("/api/knowledge/courses/", {
        organization_id: organization.value,
        title: title.value.trim(),
        description: description.value.trim(),
        for_new_operators: forNew.checked,
        lessons: chosen.map((a, i) => {
          a.quiz.number(`lessons[${i}].quiz`);
          return { article_id: a.id, quiz: a.quiz.read() };
        }),
      });
      ui.toast(t("kb.cf.created"));
      onDone && onDone(course);
    } catch (error) {
      f.showError(form, error, quizErrorText(error));
    }
  });
  return form;
}
