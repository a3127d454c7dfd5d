// A lesson's short quiz in «Новый курс»: up to 10 questions, each with 2–8 options and the one
// right answer marked (the API's QuizQuestion). Nothing is checked here: the server's refusal
// names the place (lessons[i].quiz[j].question, ….options[k], ….answer) and number() writes
// those paths onto the inputs, so the console's showError puts it there.

import { ui } from "./ui.js";

const MAX_QUESTIONS = 10;
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 8;

export const QUIZ_FORM_STRINGS = {
  ru: {
    "kb.qf.legend": "Вопросы к уроку «{title}»",
    "kb.qf.none": "Без вопросов: урок засчитывается, когда сотрудник его прочитал.",
    "kb.qf.add": "Добавить вопрос",
    "kb.qf.question": "Вопрос {n}",
    "kb.qf.text": "Текст вопроса",
    "kb.qf.options": "Варианты ответа — отметьте верный",
    "kb.qf.option": "Вариант {n}",
    "kb.qf.right": "Верный ответ: вариант {n}",
    "kb.qf.add_option": "Добавить вариант",
    "kb.qf.remove_option": "Убрать вариант {n}",
    "kb.qf.remove": "Убрать вопрос {n}",
    "kb.qf.err.question": "Напишите вопрос",
    "kb.qf.err.option": "Напишите вариант ответа",
    "kb.qf.err.repeated": "Такой вариант уже есть в этом вопросе",
    "kb.qf.err.options": "Нужно от 2 до 8 вариантов ответа",
    "kb.qf.err.answer": "Отметьте верный ответ",
    "kb.qf.err.quiz": "К уроку — не больше 10 вопросов",
    "kb.qf.err.article": "Этой статьи больше нет: уберите урок",
  },
  en: {
    "kb.qf.legend": "Questions on «{title}»",
    "kb.qf.none": "No questions: the lesson counts once the staffer has read it.",
    "kb.qf.add": "Add a question",
    "kb.qf.question": "Question {n}",
    "kb.qf.text": "Question text",
    "kb.qf.options": "Options — mark the right one",
    "kb.qf.option": "Option {n}",
    "kb.qf.right": "Right answer: option {n}",
    "kb.qf.add_option": "Add an option",
    "kb.qf.remove_option": "Remove option {n}",
    "kb.qf.remove": "Remove question {n}",
    "kb.qf.err.question": "Write the question",
    "kb.qf.err.option": "Write the option",
    "kb.qf.err.repeated": "This question already has that option",
    "kb.qf.err.options": "A question needs 2 to 8 options",
    "kb.qf.err.answer": "Mark the right answer",
    "kb.qf.err.quiz": "A lesson takes at most 10 questions",
    "kb.qf.err.article": "This article is gone: remove the lesson",
  },
};

/** The words for a refusal of the course form that names a quiz's place (else undefined). */
export function quizErrorText(error) {
  const { t } = ui;
  const field = error.field || "";
  if (error.extra && error.extra.problem === "repeated") return t("kb.qf.err.repeated");
  const rules = [[/\.question$/, "question"], [/\.options\[\d+\]$/, "option"], [/\.options$/, "options"],
    [/\.answer$/, "answer"], [/\.quiz$/, "quiz"], [/\.article_id$/, "article"]];
  const hit = rules.find(([pattern]) => pattern.test(field));
  return hit ? t(`kb.qf.err.${hit[1]}`) : undefined;
}

let made = 0; // a radio group's name per question, unique on the page

/** The quiz editor of one lesson: {node, read(), number(path)}. */
export function quizEditor(title) {
  const { h, t } = ui;
  const questions = h("ol", { class: "kb-quiz-questions" });
  const add = h("button", { type: "button", class: "kb-quiz-add" }, t("kb.qf.add"));
  const none = h("p", { class: "muted kb-quiz-none" }, t("kb.qf.none"));
  const node = h("fieldset", { class: "kb-quiz-editor" }, h("legend", {}, t("kb.qf.legend", { title })), none, questions, add);
  const relabel = () => {
    [...questions.children].forEach((q, j) => q.relabel(j));
    none.hidden = questions.children.length > 0;
    add.disabled = questions.children.length >= MAX_QUESTIONS;
  };
  add.addEventListener("click", () => {
    const q = questionEditor(relabel, () => add.focus());
    questions.append(q);
    relabel();
    q.querySelector("input[type=text]").focus();
  });
  relabel();
  return {
    node,
    read: () => [...questions.children].map((q) => q.read()),
    number: (path) => [...questions.children].forEach((q, j) => q.number(`${path}[${j}]`)),
  };
}

function questionEditor(relabel, afterRemove) {
  const { h, t } = ui;
  const f = ui.forms;
  const group = `kb-quiz-${(made += 1)}`;
  const text = h("input", { type: "text", maxlength: "500", class: "kb-quiz-text" });
  const textField = f.field("question", t("kb.qf.text"), text);
  const rows = h("div", { class: "kb-quiz-options" }, h("span", { class: "field-error", role: "alert" }));
  const answer = h("fieldset", { class: "field kb-quiz-answer" }, h("legend", {}, t("kb.qf.options")), h("span", { class: "field-error", role: "alert" }), rows);
  const addOption = h("button", { type: "button", class: "kb-quiz-add-option" }, t("kb.qf.add_option"));
  const remove = h("button", { type: "button", class: "kb-quiz-remove" });
  const legend = h("legend", {});
  const item = h("li", { class: "kb-quiz-question" },
    h("fieldset", { class: "field" }, legend, h("span", { class: "field-error", role: "alert" }), textField, answer,
      h("p", { class: "kb-buttons" }, addOption, remove)));
  const options = () => [...rows.querySelectorAll(".kb-quiz-option")];
  const redo = () => {
    options().forEach((row, k) => row.relabel(k, options().length));
    addOption.disabled = options().length >= MAX_OPTIONS;
  };
  const newOption = () => {
    const row = optionRow(group, redo);
    rows.append(row);
    redo();
    return row;
  };
  addOption.addEventListener("click", () => newOption().querySelector("input[type=text]").focus());
  remove.addEventListener("click", () => {
    item.remove();
    relabel();
    afterRemove();
  });
  for (let k = 0; k < MIN_OPTIONS; k += 1) newOption();
  item.relabel = (j) => {
    legend.textContent = t("kb.qf.question", { n: j + 1 });
    remove.textContent = t("kb.qf.remove", { n: j + 1 });
  };
  item.read = () => ({
    question: text.value,
    options: options().map((row) => row.querySelector("input[type=text]").value),
    answer: options().findIndex((row) => row.querySelector("input[type=radio]").checked),
  });
  item.number = (path) => {
    item.firstChild.dataset.field = path;
    textField.dataset.field = `${path}.question`;
    answer.dataset.field = `${path}.answer`;
    rows.dataset.field = `${path}.options`;
    options().forEach((row, k) => { row.dataset.field = `${path}.options[${k}]`; });
  };
  return item;
}

function optionRow(group, redo) {
  const { h, t } = ui;
  const radio = h("input", { type: "radio", name: group });
  const text = h("input", { type: "text", maxlength: "300" });
  const remove = h("button", { type: "button", class: "kb-quiz-remove-option" }, "×");
  const row = h("div", { class: "field kb-quiz-option" }, radio, text, remove, h("span", { class: "field-error", role: "alert" }));
  remove.addEventListener("click", () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    redo();
    if (next) next.querySelector("input[type=text]").focus();
  });
  row.relabel = (k, count) => {
    radio.setAttribute("aria-label", t("kb.qf.right", { n: k + 1 }));
    text.setAttribute("aria-label", t("kb.qf.option", { n: k + 1 }));
    text.placeholder = t("kb.qf.option", { n: k + 1 });
    remove.setAttribute("aria-label", t("kb.qf.remove_option", { n: k + 1 }));
    remove.disabled = count <= MIN_OPTIONS;
  };
  return row;
}
