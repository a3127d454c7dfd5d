// Strings of the satisfaction report (supervisor view), merged into the console's dictionaries.

import { DICTIONARIES } from "./i18n.js";

Object.assign(DICTIONARIES.ru, {
  "sat.title": "Удовлетворённость по операторам",
  "sat.period": "Период",
  "sat.days": "{n} дн.",
  "sat.operator": "Оператор",
  "sat.asked": "Опросов",
  "sat.member": "Оценка членов профсоюза",
  "sat.supervisor": "Оценка руководителя",
  "sat.count": "{avg} ({n})",
  "sat.none": "Оценок за период нет",
  "sat.unassigned": "Без оператора",
});

Object.assign(DICTIONARIES.en, {
  "sat.title": "Satisfaction per operator",
  "sat.period": "Period",
  "sat.days": "{n} d",
  "sat.operator": "Operator",
  "sat.asked": "Surveys",
  "sat.member": "Members' rating",
  "sat.supervisor": "Supervisor's rating",
  "sat.count": "{avg} ({n})",
  "sat.none": "No ratings in the period",
  "sat.unassigned": "No operator",
});

Object.assign(DICTIONARIES.ru, {
  "sat.appeal": "Оценка ответа",
  "sat.by_member": "Член профсоюза: {n} из 5",
  "sat.awaiting": "Ждём оценку члена профсоюза",
  "sat.not_asked": "Член профсоюза не оценивал",
  "sat.by_supervisor": "Руководитель: {n} из 5",
  "sat.rate": "Ваша оценка",
  "sat.save": "Оценить",
  "sat.saved": "Оценка сохранена",
});

Object.assign(DICTIONARIES.en, {
  "sat.appeal": "Rating of the answer",
  "sat.by_member": "Member: {n} of 5",
  "sat.awaiting": "Waiting for the member's rating",
  "sat.not_asked": "Not rated by the member",
  "sat.by_supervisor": "Supervisor: {n} of 5",
  "sat.rate": "Your rating",
  "sat.save": "Rate",
  "sat.saved": "Rating saved",
});
