"""Generated Russian knowledge-base articles for benchmarks/knowledge_search.py: titles and
bodies drawn from union-office vocabulary (Zipf-weighted, in several case forms) and a long
tail of rare generated words, so that the index has a realistic vocabulary — a few words in
nearly every article («профсоюз», «работник»), most in a handful."""

from __future__ import annotations

import random
from collections.abc import Iterator


def _words(text: str) -> list[str]:
    return text.split()


TOPIC = _words(
    """отпуск отпуска отпуском отпусков зарплата зарплаты зарплату заработной платы
больничный больничного больничные лист листа увольнение увольнения уволили сокращение
сокращения штата премия премии премию выплата выплаты выплату материальная материальной
помощь помощи путевка путевки санаторий санатория детский лагерь лагеря график графика
смены смен сверхурочные сверхурочной работы переработка переработки командировка
командировки командировочные охрана охраны труда травма травмы несчастный случай
спецодежда спецодежды инспекция инспекции договор договора коллективный коллективного
соглашение соглашения заявление заявления справка справки юрист юриста консультация
консультации суд суда иск иска забастовка забастовки профком профкома взнос взносы
взносов членство вступление выход учет учета билет билета пенсия пенсии стаж стажа
декрет декретный отпуск по уходу ребенок ребенка пособие пособия компенсация компенсации
индексация индексации аттестация аттестации квалификация обучение обучения отгул отгулы
донорский день дни простой простоя перевод перевода должность должности оклад оклада
надбавка надбавки вредность вредности дисциплинарное взыскание выговор замечание
"""
)
COMMON = _words("профсоюз профсоюза профсоюзу работник работника работнику организация организации")
FILLER = _words(
    """в на по для при с о об из за к до от и или но что как если когда также
порядок порядке правила правилам необходимо следует можно нужно обратиться подать
предоставить рабочих дней течение срок сроки случае случаях документы документов"""
)
SYLLABLES = _words("ба ве ги до зу ка ло ми но пу ра се ти фо ху ца че ша щу ял ер ин ок ус ям")


def rare_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 5))))
    return sorted(words)


class Corpus:
    """Deterministic articles: ``article(i)`` -> (title, body)."""

    def __init__(self, seed: int = 21, rare: int = 30_000, words: int = 120) -> None:
        self.rng = random.Random(seed)
        self.rare = rare_words(self.rng, rare)
        self.words = words
        self.topic_weights = [1 / (rank + 1) for rank in range(len(TOPIC))]

    def _topic(self, n: int) -> list[str]:
        return self.rng.choices(TOPIC, weights=self.topic_weights, k=n)

    def article(self) -> tuple[str, str]:
        title = " ".join(self._topic(3)).capitalize()
        body: list[str] = [self.rng.choice(COMMON[:2]).capitalize()]
        while len(body) < self.words:
            roll = self.rng.random()
            if roll < 0.45:
                body.append(self.rng.choice(FILLER))
            elif roll < 0.8:
                body.extend(self._topic(1))
            elif roll < 0.9:
                body.append(self.rng.choice(COMMON))
            else:
                body.append(self.rng.choice(self.rare))
        return title, " ".join(body) + "."

    def articles(self, count: int) -> Iterator[tuple[str, str]]:
        for _ in range(count):
            yield self.article()
