"""English for the links between domains: a visit's concern or a meeting's decision made a micro-wish or a need."""

EN = {
    "决议转微心愿": "Decision made a micro-wish",
    "决议列入需求清单": "Decision put on the needs list",
    "转成的微心愿": "Micro-wish made from it",
    "列入的需求": "Need made from it",
    "微心愿 / 需求清单": "Micro-wish / needs list",
    "决议已转为微心愿 %(n)s": "Decision made micro-wish %(n)s",
    "决议已列入需求清单：%(t)s": "Decision put on the needs list: %(t)s",
}
