"""The words the console shows for appeal and delivery statuses and priorities, served from
their one definition (:mod:`unionline.appeals.statuses`,
:mod:`unionline.appeals.delivery_statuses`) so the browser keeps no copy of its own."""

from __future__ import annotations

import msgspec

from unionline.appeals import delivery_statuses, statuses
from unionline.channel.config import channels_settings


class Vocabulary(msgspec.Struct, frozen=True, kw_only=True):
    """``labels`` is by language, keyed as the console's own texts (``status.new``,
    ``priority.low``, ``delivery.sent``), so the console merges it into its dictionaries."""

    statuses: tuple[str, ...]
    active: tuple[str, ...]
    done: tuple[str, ...]
    transitions: dict[str, tuple[str, ...]]
    priorities: tuple[str, ...]
    delivery_statuses: tuple[str, ...]
    labels: dict[str, dict[str, str]]
    map_url: str = ""  # a shared location's link, {lat} and {lon} to fill in ([channels])


def vocabulary() -> Vocabulary:
    languages = statuses.LABELS.keys() | delivery_statuses.LABELS.keys()
    labels = {
        lang: {
            **{f"status.{k}": v for k, v in statuses.LABELS.get(lang, {}).items()},
            **{f"priority.{k}": v for k, v in statuses.PRIORITY_LABELS.get(lang, {}).items()},
            **{f"delivery.{k}": v for k, v in delivery_statuses.LABELS.get(lang, {}).items()},
        }
        for lang in sorted(languages)
    }
    return Vocabulary(
        statuses=statuses.STATUSES,
        active=statuses.ACTIVE,
        done=statuses.DONE,
        transitions=dict(statuses.TRANSITIONS),
        priorities=statuses.PRIORITIES,
        delivery_statuses=delivery_statuses.DELIVERY_STATUSES,
        labels=labels,
        map_url=channels_settings().map_url,
    )
