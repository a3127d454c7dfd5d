"""A deterministic corpus of union appeals for the search benchmark: Russian (and some English)
messages from members, operators' replies and notes, with names, phone numbers, amounts and
dates, spread over several organizations and two years.

Word frequencies are chosen so that the benchmark's queries have known shapes: "зарплата" is
in about one message in ten (the common word), "забастовка" in about one in ten thousand (the
rare word), "overtime" only in the English appeals (about one in a hundred messages).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
          "октябрь", "ноябрь", "декабрь"]  # fmt: skip
MONTHS_IN = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
             "сентябре", "октябре", "ноябре", "декабре"]  # fmt: skip
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip
MALE = ["Александр", "Сергей", "Андрей", "Дмитрий", "Алексей", "Игорь", "Пётр", "Михаил",
        "Николай", "Владимир", "Артём", "Юрий", "Олег", "Виктор", "Евгений", "Роман"]  # fmt: skip
FEMALE = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Мария", "Анна",
          "Юлия", "Людмила", "Галина", "Алёна", "Марина", "Валентина", "Екатерина"]  # fmt: skip
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов",
            "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев",
            "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев", "Орлов",
            "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов"]  # fmt: skip
FATHERS = ["Александров", "Сергеев", "Андреев", "Петров", "Николаев", "Иванов", "Викторов",
           "Юрьев", "Михайлов", "Владимиров"]  # fmt: skip
POSITIONS = ["слесарем", "оператором линии", "медсестрой", "водителем", "инженером",
             "кладовщиком", "учителем", "воспитателем", "электриком", "машинистом",
             "бухгалтером", "сварщиком", "продавцом", "фельдшером", "токарем"]  # fmt: skip
PLACES = ["в цехе №{n}", "в отделении №{n}", "на участке {n}", "в депо", "в школе №{n}",
          "в детском саду №{n}", "в поликлинике №{n}", "на складе {n}",
          "в бригаде {n}"]  # fmt: skip

# (weight, subjects, member sentences, operator sentences)
Topic = tuple[int, list[str], list[str], list[str]]
TOPICS: list[Topic] = [
    (
        14,
        [
            "Задержка зарплаты",
            "Зарплата",
            "Вопрос по зарплате",
            "Не пришла зарплата",
            "Расчётный листок",
        ],
        [
            "Зарплату за {month} задерживают уже {n} дней.",
            "Почему зарплата за {month} меньше, чем в прошлом месяце?",
            "В расчётном листке не хватает {amount} руб., зарплату начислили не полностью.",
            "Когда будет индексация зарплаты, обещанная коллективным договором?",
            "Нам снова урезали зарплату без объяснений.",
            "Зарплаты хватает только на кредит.",
            "Задержали выплату зарплаты всему цеху, люди возмущены.",
            "Мастер говорит, что с зарплатой вопросы не к нему.",
        ],
        [
            "Мы направили запрос в бухгалтерию по вашей зарплате.",
            "Задержка зарплаты более 15 дней даёт право приостановить работу,"
            " уведомив работодателя письменно.",
            "Пришлите, пожалуйста, копию расчётного листка за {month}.",
            "Бухгалтерия подтвердила перерасчёт зарплаты до {date}.",
        ],
    ),
    (
        10,
        ["Отпуск", "Перенос отпуска", "График отпусков", "Отпускные"],
        [
            "Когда мне дадут отпуск?",
            "Прошу перенести отпуск на {month}.",
            "Мне отказали в отпуске в {month_in}, хотя он стоял в графике.",
            "График отпусков не согласовали с профкомом.",
            "Отпускные выплатили не полностью, не хватает {amount} руб.",
            "Можно ли разделить отпуск на части?",
            "Положен ли дополнительный отпуск за вредные условия?",
            "Начальник требует выйти из отпуска раньше срока.",
        ],
        [
            "Перенос отпуска возможен по соглашению сторон.",
            "Отпускные должны выплатить не позднее чем за три дня до начала отпуска.",
            "Мы обратились к руководству по поводу вашего отпуска.",
        ],
    ),
    (
        7,
        ["Больничный", "Оплата больничного", "Больничный лист"],
        [
            "Больничный за {month} до сих пор не оплачен.",
            "Сколько должны заплатить по больничному листу, если стаж {n} лет?",
            "Был на больничном с {date}, а табель закрыли как прогул.",
            "Ребёнок заболел, дадут ли больничный по уходу?",
        ],
        [
            "Пособие по больничному выплачивает Социальный фонд, проверьте статус на Госуслугах.",
            "Уточним в отделе кадров, почему больничный не закрыт.",
        ],
    ),
    (
        6,
        ["Премия", "Лишили премии", "Квартальная премия"],
        [
            "Меня лишили премии за {month} без приказа.",
            "Почему квартальную премию выплатили не всем?",
            "Премию сократили до {amount} руб., хотя план выполнен.",
        ],
        [
            "Лишение премии должно быть оформлено приказом с указанием причины.",
            "Запросим положение о премировании.",
        ],
    ),
    (
        5,
        ["Сверхурочные", "Переработки", "Оплата сверхурочных"],
        [
            "Заставляют работать сверхурочно по {n} часов в неделю.",
            "Переработки за {month} не оплатили.",
            "Сверхурочные оформляют как отгулы без нашего согласия.",
        ],
        [
            "Сверхурочная работа оплачивается не менее чем в полуторном размере.",
            "Ведите, пожалуйста, учёт переработок.",
        ],
    ),
    (
        4,
        ["Сокращение", "Увольнение", "Уведомление о сокращении"],
        [
            "Мне вручили уведомление о сокращении, что делать?",
            "Хотят уволить по собственному, давят на меня.",
            "Сокращают участок {n}, какие выплаты положены?",
        ],
        [
            "Не подписывайте заявление об увольнении по собственному желанию.",
            "При сокращении положено выходное пособие в размере среднего заработка.",
        ],
    ),
    (
        5,
        ["Материальная помощь", "Заявление на матпомощь"],
        [
            "Прошу оказать материальную помощь в связи с лечением.",
            "Подал заявление на материальную помощь {date}, ответа нет.",
            "Положена ли материальная помощь при рождении ребёнка?",
        ],
        [
            "Комиссия рассмотрит ваше заявление на материальную помощь до {date}.",
            "Приложите, пожалуйста, справку о рождении.",
        ],
    ),
    (
        4,
        ["Путёвка", "Детский лагерь", "Санаторий"],
        [
            "Есть ли путёвки в детский лагерь на {month}?",
            "Хочу путёвку в санаторий, как встать в очередь?",
            "Компенсирует ли профсоюз часть стоимости путёвки?",
        ],
        [
            "Путёвки распределяются по очереди, вы записаны.",
            "Профсоюз компенсирует до {amount} руб. стоимости путёвки.",
        ],
    ),
    (
        4,
        ["Охрана труда", "Спецодежда", "Вредные условия"],
        [
            "Спецодежду не выдают уже {n} месяцев.",
            "В цехе не работает вентиляция, дышать нечем.",
            "Нас заставляют работать без средств защиты.",
        ],
        [
            "Технический инспектор профсоюза проверит участок.",
            "Работодатель обязан выдать спецодежду за свой счёт.",
        ],
    ),
    (
        5,
        ["График смен", "Смены", "Изменение графика"],
        [
            "Поменяли график смен без предупреждения.",
            "Ставят ночные смены подряд по {n} раз.",
            "Можно ли отказаться от работы в выходной?",
        ],
        ["Об изменении графика работодатель обязан предупредить за месяц."],
    ),
    (
        4,
        ["Членские взносы", "Вступление в профсоюз", "Профсоюзный билет"],
        [
            "Как вступить в профсоюз?",
            "Удерживают взносы, хотя я написал заявление о выходе.",
            "Потерял профсоюзный билет, как восстановить?",
        ],
        ["Заявление о вступлении можно подать председателю первичной организации."],
    ),
    (
        3,
        ["Консультация юриста", "Трудовой договор", "Дисциплинарное взыскание"],
        [
            "Нужна консультация юриста по трудовому договору.",
            "Объявили выговор, хочу его оспорить.",
            "В договоре одна должность, а работаю по другой.",
        ],
        [
            "Юрист профкома свяжется с вами до {date}.",
            "Выговор можно обжаловать в комиссии по трудовым спорам.",
        ],
    ),
]
GREETINGS = ["Здравствуйте!", "Добрый день.", "Добрый вечер!", "Здравствуйте, профком.", ""]
CLOSINGS = ["Прошу разобраться.", "Заранее спасибо.", "Жду ответа.", "Помогите, пожалуйста.",
            "Спасибо.", ""]  # fmt: skip
MEMBER_ABOUT = ["Работаю {position} {place}.", "Мой табельный номер {n}.",
                "Мой телефон {phone}.", "Перезвоните мне по номеру {phone}.",
                "Стаж на предприятии {n} лет."]  # fmt: skip
FOLLOW_UPS = ["Есть новости по моему вопросу?", "Прошло уже {n} дней, ответа нет.",
              "Спасибо, получил.", "Документы отправил {date}.", "Так и не решили."]  # fmt: skip
OPERATOR_OPEN = ["Здравствуйте, {first}!", "Добрый день, {first}.", "{first}, здравствуйте."]
OPERATOR_CLOSE = ["Ваше обращение принято.", "Держим на контроле.", "Сообщим о результате.",
                  "Обращайтесь, если будут вопросы."]  # fmt: skip
NOTES = ["Позвонить в отдел кадров.", "Уточнить у бухгалтерии до {date}.", "Передано юристу.",
         "Член профсоюза с {year} года.", "Звонил, не дозвонились, телефон {phone}."]  # fmt: skip
RARE = ["Если не заплатят, коллектив готов к забастовке.",
        "Обсуждали забастовку на собрании участка {n}.",
        "Какие правила у забастовки по закону?"]  # fmt: skip
RARE_RATE = 1e-4  # of messages
ENGLISH_APPEALS = 0.03
ENGLISH_SUBJECTS = ["Salary delay", "Vacation request", "Overtime pay", "Contract question"]
ENGLISH = ["Hello, my salary is late again.", "I would like to take my vacation in {month_en}.",
           "Overtime hours were not paid last month.", "I was asked to work overtime without pay.",
           "Please send me the collective agreement.",
           "My contract ends in {month_en}, can the union help?",
           "My phone number is {phone}.", "Thank you for your help."]  # fmt: skip
ENGLISH_REPLIES = ["Hello {first_en}, we have contacted the accounting department.",
                   "Overtime must be paid at least at time and a half.",
                   "Your request has been registered."]  # fmt: skip
MOBILE_CODES = ["903", "905", "906", "909", "910", "915", "916", "917", "919", "925", "926",
                "929", "950", "952", "960", "961", "962", "964", "965", "977", "985",
                "999"]  # fmt: skip
CHANNELS = [("telegram", 40), ("email", 20), ("vk", 15), ("web", 15), ("phone", 10)]
STATUSES = ["new", "open", "waiting", "resolved", "closed"]
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
# Primary organizations under one federation, by share of appeals; the scoped queries use PPO3.
ORGS = [("PPO1", 30), ("PPO2", 18), ("PPO3", 12), ("PPO4", 10), ("PPO5", 8), ("PPO6", 7),
        ("PPO7", 6), ("PPO8", 5), ("PPO9", 4)]  # fmt: skip


@dataclass
class Member:
    id: uuid.UUID
    code: str  # organization
    first: str
    full: str
    phone: str


@dataclass
class Appeal:
    """One appeal row and its timeline rows, as tuples in the column order of :data:`APPEAL`
    and :data:`TIMELINE`."""

    row: tuple[object, ...]
    entries: list[tuple[object, ...]] = field(default_factory=list)


APPEAL = ("id", "number", "organization_id", "year", "seq", "member_id", "subject", "channel",
          "priority", "status", "tags", "custom", "created_at", "updated_at",
          "last_member_message_at", "first_responded_at", "resolved_at", "closed_at")  # fmt: skip
TIMELINE = ("appeal_id", "member_id", "kind", "author_id", "body", "data", "channel",
            "created_at")  # fmt: skip


class Corpus:
    """Appeals and their messages, generated lazily from one seed."""

    def __init__(self, orgs: dict[str, uuid.UUID], seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.orgs = orgs
        self.org_codes = [code for code, _ in ORGS]
        self.org_weights = [w for _, w in ORGS]
        self.topic_weights = [t[0] for t in TOPICS]
        self.channels = [c for c, _ in CHANNELS]
        self.channel_weights = [w for _, w in CHANNELS]
        self.operators = [uuid.UUID(int=self.rng.getrandbits(128)) for _ in range(40)]
        self.members: dict[str, list[Member]] = {code: [] for code in self.org_codes}
        self.joined: list[Member] = []  # new members not handed out yet (:meth:`take_members`)
        self.phones_held: set[str] = set()  # normalized phones given to a member's contacts
        self.seq: dict[tuple[str, int], int] = {}
        self.written_phones: list[tuple[str, str]] = []  # (organization code, phone) in messages
        self.numbers: list[str] = []
        self.code = ""  # the organization of the appeal being written

    # -- words --------------------------------------------------------------------------

    def phone(self) -> str:
        r = self.rng
        digits = f"{r.choice(MOBILE_CODES)}{r.randrange(10**7):07d}"
        style = r.randrange(3)
        if style == 0:
            text = f"+7 {digits[:3]} {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
        elif style == 1:
            text = f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
        else:
            text = f"8{digits}"
        return text

    def fill(self, template: str, member: Member, at: datetime) -> str:
        if "{" not in template:
            return template
        r = self.rng
        if "{phone}" in template:
            self.written_phones.append((self.code, member.phone))
        month = r.randrange(12)
        return template.format(
            n=r.randrange(1, 40), amount=f"{r.randrange(1, 60)} {r.randrange(10) * 100:03d}",
            month=MONTHS[month], month_in=MONTHS_IN[month], month_en=MONTHS_EN[month],
            date=f"{r.randrange(1, 29):02d}.{r.randrange(1, 13):02d}.{at.year}",
            phone=member.phone, first=member.first, first_en="colleague",
            position=r.choice(POSITIONS), place=r.choice(PLACES).format(n=r.randrange(1, 30)),
            year=r.randrange(1995, 2024),
        )  # fmt: skip

    def member(self, code: str) -> Member:
        """A member of ``code``: often one who wrote before (members come back)."""
        known = self.members[code]
        if known and self.rng.random() < 0.35:
            return self.rng.choice(known)
        r = self.rng
        female = r.random() < 0.55
        first = r.choice(FEMALE if female else MALE)
        surname = r.choice(SURNAMES) + ("а" if female else "")
        father = r.choice(FATHERS) + ("на" if female else "ич")
        full = f"{surname} {first} {father}"
        found = Member(uuid.UUID(int=r.getrandbits(128)), code, first, full, self.phone())
        known.append(found)
        self.joined.append(found)
        return found

    def take_members(self) -> list[Member]:
        """The members who wrote their first appeal since the last call."""
        taken, self.joined = self.joined, []
        return taken

    def member_text(self, topic: Topic, member: Member, at: datetime, first: bool) -> str:
        r = self.rng
        parts = [r.choice(GREETINGS)] if first else []
        sentences = topic[2] if first or r.random() < 0.5 else FOLLOW_UPS
        parts += [
            self.fill(s, member, at)
            for s in r.sample(sentences, min(len(sentences), r.randrange(1, 3)))
        ]
        if first or r.random() < 0.3:
            parts.append(self.fill(r.choice(MEMBER_ABOUT), member, at))
        if r.random() < RARE_RATE * 2:  # member messages are about half of all messages
            parts.append(self.fill(r.choice(RARE), member, at))
        parts.append(r.choice(CLOSINGS))
        if first and r.random() < 0.5:
            parts.append(f"С уважением, {member.full}.")
        return " ".join(p for p in parts if p)

    def operator_text(self, topic: Topic, member: Member, at: datetime) -> str:
        r = self.rng
        parts = [self.fill(r.choice(OPERATOR_OPEN), member, at)]
        parts += [
            self.fill(s, member, at)
            for s in r.sample(topic[3], min(len(topic[3]), r.randrange(1, 3)))
        ]
        parts.append(r.choice(OPERATOR_CLOSE))
        return " ".join(parts)

    def english_text(self, member: Member, at: datetime, operator: bool) -> str:
        r = self.rng
        pool = ENGLISH_REPLIES if operator else ENGLISH
        return " ".join(self.fill(s, member, at) for s in r.sample(pool, r.randrange(1, 4)))

    # -- rows ---------------------------------------------------------------------------

    def appeals(self, messages: int) -> Iterator[Appeal]:
        """Appeals in order of creation until ``messages`` content entries were written."""
        r = self.rng
        written = 0
        average = 3.6  # messages per appeal, for spreading creation times over SPAN
        total = max(1, int(messages / average))
        i = 0
        while written < messages:
            at = START + SPAN * min(i / total, 1.0) + timedelta(seconds=r.randrange(600))
            appeal = self.appeal(at, min(messages - written, self.length()))
            written += sum(1 for e in appeal.entries if e[2] != "status_changed")
            i += 1
            yield appeal

    def length(self) -> int:
        return self.rng.choices([1, 2, 3, 4, 5, 6, 8, 12], [20, 20, 18, 14, 10, 8, 6, 4])[0]

    def appeal(self, at: datetime, length: int) -> Appeal:
        r = self.rng
        code = self.code = r.choices(self.org_codes, self.org_weights)[0]
        member = self.member(code)
        english = r.random() < ENGLISH_APPEALS
        topic = r.choices(TOPICS, self.topic_weights)[0]
        channel = r.choices(self.channels, self.channel_weights)[0]
        seq = self.seq[(code, at.year)] = self.seq.get((code, at.year), 0) + 1
        number = f"{code}-{at.year}-{seq}"
        self.numbers.append(number)
        subject = r.choice(ENGLISH_SUBJECTS if english else topic[1])
        appeal_id = uuid.UUID(int=r.getrandbits(128))
        entries: list[tuple[object, ...]] = []
        moment = at
        last_in = at
        responded = None
        for k in range(length):
            if k % 2 == 0 or r.random() < 0.2:
                kind, author = "message_in", None
                body = (
                    self.english_text(member, moment, False)
                    if english
                    else self.member_text(topic, member, moment, k == 0)
                )
                last_in = moment
            elif r.random() < 0.15:
                kind, author = "note", r.choice(self.operators)
                body = self.fill(r.choice(NOTES), member, moment)
            else:
                kind, author = "message_out", r.choice(self.operators)
                body = (
                    self.english_text(member, moment, True)
                    if english
                    else self.operator_text(topic, member, moment)
                )
                responded = responded or moment
            entries.append((appeal_id, member.id, kind, author, body, "{}", channel, moment))
            moment += timedelta(minutes=r.randrange(5, 3000))
        age = (START + SPAN - at).days
        status = r.choice(STATUSES[:3]) if age < 20 else r.choices(STATUSES, [1, 2, 2, 10, 30])[0]
        if status != "new":
            entries.append((appeal_id, member.id, "status_changed", r.choice(self.operators),
                            "", f'{{"status": "{status}"}}', "", moment))  # fmt: skip
        done = moment if status in ("resolved", "closed") else None
        row = (appeal_id, number, self.orgs[code], at.year, seq, member.id, subject, channel,
               r.choices(["normal", "high", "low"], [85, 10, 5])[0], status, "[]", "{}", at,
               moment, last_in, responded, done, done if status == "closed" else None)  # fmt: skip
        return Appeal(row, entries)
