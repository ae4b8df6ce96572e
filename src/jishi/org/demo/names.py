"""Names for the demo city: towns, villages, communities, estates, departments and people.

Surnames are weighted by their frequency (national figures, nudged towards southern Jiangsu).
"""

from __future__ import annotations

import random
from itertools import accumulate

CITY_NAME = "澄江市"
CITY_CODE = "320281"  # the statistical code prefix of the demo county-level city

TOWNS = ["璜土镇", "月城镇", "青阳镇", "徐霞客镇", "华士镇", "周庄镇", "新桥镇", "长泾镇", "顾山镇", "祝塘镇",
         "夏港镇", "申港镇", "利港镇", "璜塘镇"]
SUBDISTRICTS = ["澄江街道", "南闸街道", "云亭街道"]

_FIRST = "花山塘桥港河湾泾庄墩圩浜东西南北新长青红金石桃杨柳梅竹松云龙凤华明永兴福安和祥瑞丰盛旺"
_SECOND = "山塘桥港河湾泾庄墩圩浜园林港泉溪田家湖岸峰岗坝亭埭里巷舍"
_ESTATE_SUFFIX = ["花园", "新村", "家园", "苑", "雅苑", "嘉园", "名邸", "公寓"]

_SURNAMES = {
    "王": 7.1, "李": 7.0, "张": 6.7, "刘": 5.4, "陈": 5.3, "杨": 3.1, "黄": 2.3, "赵": 2.2, "吴": 2.0, "周": 1.9,
    "徐": 1.9, "孙": 1.5, "马": 1.4, "朱": 1.5, "胡": 1.3, "郭": 1.1, "何": 1.1, "高": 1.0, "林": 1.0, "罗": 1.0,
    "郑": 0.9, "梁": 0.9, "谢": 0.8, "宋": 0.7, "唐": 0.7, "许": 0.8, "韩": 0.7, "冯": 0.7, "邓": 0.7, "曹": 0.6,
    "彭": 0.6, "曾": 0.6, "肖": 0.6, "田": 0.5, "董": 0.5, "袁": 0.5, "潘": 0.5, "于": 0.5, "蒋": 0.6, "蔡": 0.5,
    "余": 0.5, "杜": 0.5, "叶": 0.4, "程": 0.4, "苏": 0.4, "魏": 0.4, "吕": 0.4, "丁": 0.4, "任": 0.4, "沈": 0.6,
    "姚": 0.4, "卢": 0.4, "姜": 0.4, "崔": 0.3, "钟": 0.3, "谭": 0.3, "陆": 0.5, "汪": 0.3, "范": 0.3, "金": 0.3,
    "顾": 0.5, "钱": 0.3, "缪": 0.15, "承": 0.08, "贡": 0.05, "薛": 0.3, "夏": 0.3, "邵": 0.3, "瞿": 0.1, "殷": 0.1,
}
_SURNAME_LIST = list(_SURNAMES)
_SURNAME_CUM = list(accumulate(_SURNAMES.values()))
_MALE = "伟强军磊洋勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林峰建国志文"
_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧倩琳欣颖佳怡梅兰红英萍洁莉晶瑶璐月"
_ANY = "春晓海天嘉子云晨雨一思梓诗若心安乐"

# Codes are D001… in this order; other domains rely on them (e.g. jishi.cases.seed.DEPARTMENT_CODES):
# append new departments, never reorder.
DEPARTMENTS = [
    ("市城管局", "城管", "functional"), ("市住建局", "住建", "functional"), ("市水利局", "水利", "functional"),
    ("市生态环境局", "生态环境", "functional"), ("市市场监管局", "市场监管", "functional"),
    ("市交通运输局", "交通", "functional"), ("市公安局", "公安", "functional"),
    ("市自然资源和规划局", "自然资源", "functional"), ("市卫健委", "卫健", "functional"),
    ("市民政局", "民政", "functional"), ("市应急管理局", "应急", "functional"), ("市教育局", "教育", "functional"),
    ("市人社局", "人社", "functional"), ("市农业农村局", "农业农村", "functional"), ("市商务局", "商务", "functional"),
    ("市文体广旅局", "文旅", "functional"), ("市司法局", "司法", "functional"), ("市信访局", "信访", "functional"),
    ("市财政局", "财政", "functional"), ("市发改委", "发改", "functional"), ("市工信局", "工信", "functional"),
    ("市退役军人事务局", "退役军人", "functional"), ("市医保局", "医保", "functional"), ("市税务局", "税务", "functional"),
    ("市消防救援大队", "消防", "functional"), ("市数据局", "数据", "functional"), ("市城运中心", "城运", "functional"),
    ("市行政审批局", "审批", "functional"), ("市住房保障中心", "住房保障", "functional"),
    ("市园林绿化中心", "园林", "functional"), ("市妇联", "妇联", "functional"), ("团市委", "团委", "functional"),
    ("市总工会", "工会", "functional"), ("市残联", "残联", "functional"), ("市气象局", "气象", "functional"),
    ("市供电公司", "供电", "enterprise"), ("市自来水公司", "自来水", "enterprise"), ("市燃气公司", "燃气", "enterprise"),
    ("中国电信澄江分公司", "电信", "enterprise"), ("市公交集团", "公交", "enterprise"),
]
# Units each town hosts: (name suffix, short name, parent department short name).
DISPATCHED = [("派出所", "派出所", "公安"), ("市场监管所", "市场监管所", "市场监管"), ("城管中队", "城管中队", "城管")]
LINE_SPECIALTIES = ["城管", "公安", "市场监管", "生态环境", "水利", "安监", "住建"]


def place_names(rng: random.Random, count: int, suffix: str, taken: set[str]) -> list[str]:
    """``count`` distinct two-character place names with ``suffix`` (not in ``taken``)."""
    out: list[str] = []
    while len(out) < count:
        name = rng.choice(_FIRST) + rng.choice(_SECOND) + suffix
        if name[0] != name[1] and name not in taken:
            taken.add(name)
            out.append(name)
    return out


def estate_name(rng: random.Random, taken: set[str]) -> str:
    return place_names(rng, 1, rng.choice(_ESTATE_SUFFIX), taken)[0]


def person_name(rng: random.Random, gender: str) -> str:
    surname = rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]
    pool = _MALE if gender == "M" else _FEMALE
    if rng.random() < 0.25:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool + _ANY) + rng.choice(pool)
