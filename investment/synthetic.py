"""Synthetic factory registry: seeded, realistic-looking factories for load tests and demos.

Counties are weighted roughly like Taiwan's registered factories (rounded, approximate counts
per county; 新北/臺中/桃園/彰化 lead, 連江 has a handful); industries 08-33 with DGBAS-style
3-digit products; registration numbers by kind (一般 digits, S/T/P prefixes); business IDs
that pass the 2023 checksum; coordinates uniform in each county's rough bounding box. No real
person or firm is named. `to_csv_lines` renders records as dataset 6569 CSV, so a synthetic
file exercises the same import path as the real one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TypeVar

from investment.registry.code_lists import split_products
from investment.registry.records import CodedItem, FactoryKind, FactoryRecord

__all__ = ["CSV_HEADER", "generate_factories", "to_csv_lines"]


@dataclass(frozen=True, slots=True)
class _County:
    code: str
    name: str
    weight: int  # approximate registered factories
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    townships: str  # space-separated


_COUNTIES = (
    _County(
        "65000",
        "新北市",
        19500,
        (121.35, 24.90, 121.65, 25.20),
        "三重區 新莊區 五股區 土城區 樹林區 泰山區",
    ),
    _County(
        "66000",
        "臺中市",
        17500,
        (120.55, 24.05, 120.80, 24.30),
        "大里區 太平區 西屯區 大雅區 神岡區 烏日區",
    ),
    _County(
        "68000",
        "桃園市",
        10800,
        (121.05, 24.85, 121.35, 25.05),
        "桃園區 中壢區 平鎮區 龜山區 觀音區 蘆竹區",
    ),
    _County(
        "10007",
        "彰化縣",
        10000,
        (120.35, 23.85, 120.60, 24.15),
        "彰化市 和美鎮 鹿港鎮 員林市 秀水鄉",
    ),
    _County(
        "64000",
        "高雄市",
        7800,
        (120.25, 22.55, 120.45, 22.90),
        "岡山區 仁武區 大寮區 路竹區 前鎮區",
    ),
    _County(
        "67000",
        "臺南市",
        7600,
        (120.15, 22.95, 120.35, 23.20),
        "永康區 安南區 新市區 仁德區 歸仁區",
    ),
    _County("10005", "苗栗縣", 1900, (120.75, 24.45, 120.95, 24.65), "竹南鎮 頭份市 苗栗市 銅鑼鄉"),
    _County("10004", "新竹縣", 1800, (121.00, 24.70, 121.15, 24.85), "湖口鄉 新豐鄉 竹北市 竹東鎮"),
    _County("10009", "雲林縣", 1700, (120.20, 23.60, 120.55, 23.80), "斗六市 虎尾鎮 麥寮鄉 斗南鎮"),
    _County("10013", "屏東縣", 1600, (120.45, 22.45, 120.65, 22.75), "屏東市 內埔鄉 潮州鎮 長治鄉"),
    _County("10010", "嘉義縣", 1400, (120.25, 23.35, 120.50, 23.55), "民雄鄉 太保市 大林鎮 水上鄉"),
    _County("10008", "南投縣", 1300, (120.65, 23.80, 120.80, 24.00), "南投市 草屯鎮 竹山鎮"),
    _County("10002", "宜蘭縣", 1000, (121.70, 24.60, 121.85, 24.80), "宜蘭市 五結鄉 蘇澳鎮 冬山鄉"),
    _County("63000", "臺北市", 700, (121.50, 25.00, 121.62, 25.10), "內湖區 南港區 北投區"),
    _County("10018", "新竹市", 500, (120.92, 24.75, 121.02, 24.83), "東區 北區 香山區"),
    _County("10015", "花蓮縣", 450, (121.55, 23.90, 121.63, 24.05), "吉安鄉 花蓮市 新城鄉"),
    _County("10020", "嘉義市", 300, (120.42, 23.45, 120.48, 23.50), "東區 西區"),
    _County("10017", "基隆市", 260, (121.68, 25.08, 121.78, 25.15), "七堵區 安樂區 中正區"),
    _County("10014", "臺東縣", 250, (121.05, 22.72, 121.17, 22.80), "臺東市 卑南鄉"),
    _County("10016", "澎湖縣", 85, (119.55, 23.53, 119.62, 23.60), "馬公市 湖西鄉"),
    _County("09020", "金門縣", 80, (118.30, 24.42, 118.42, 24.48), "金湖鎮 金城鎮 金寧鄉"),
    _County("09007", "連江縣", 4, (119.93, 26.14, 119.97, 26.17), "南竿鄉"),
)

# (code, name, weight, products): weights roughly follow how many factories list each industry.
_INDUSTRIES = (
    ("08", "食品製造業", 6, "081屠宰及肉類加工、085碾穀、磨粉及澱粉製品、089其他食品"),
    ("09", "飲料製造業", 1, "091酒精飲料、092非酒精飲料"),
    ("11", "紡織業", 4, "111紡紗、112織布、114染整"),
    ("12", "成衣及服飾品製造業", 2, "121成衣、123服飾品"),
    ("13", "皮革、毛皮及其製品製造業", 1, "130皮革、毛皮及其製品"),
    ("14", "木竹製品製造業", 1, "140木竹製品"),
    ("15", "紙漿、紙及紙製品製造業", 2, "151紙漿、紙及紙板、152瓦楞紙板及紙容器"),
    ("16", "印刷及資料儲存媒體複製業", 2, "161印刷及其輔助"),
    ("17", "石油及煤製品製造業", 1, "170石油及煤製品"),
    (
        "18",
        "化學原材料、肥料、氮化合物、塑橡膠原料及人造纖維製造業",
        2,
        "181化學原材料、184塑膠原料",
    ),
    ("19", "其他化學製品製造業", 3, "192塗料、染料及顏料、194清潔用品、199未分類其他化學製品"),
    ("20", "藥品及醫用化學製品製造業", 1, "200藥品及醫用化學製品"),
    ("21", "橡膠製品製造業", 2, "210橡膠製品"),
    ("22", "塑膠製品製造業", 9, "220塑膠製品、221塑膠皮、板、管材"),
    (
        "23",
        "非金屬礦物製品製造業",
        4,
        "231玻璃及其製品、232耐火、黏土建材及其他陶瓷製品、233水泥及其製品",
    ),
    ("24", "基本金屬製造業", 4, "241鋼鐵、242鋁、249其他基本金屬"),
    (
        "25",
        "金屬製品製造業",
        22,
        "251金屬刀具、手工具及模具、252金屬結構及建築組件、254金屬加工處理、259其他金屬製品",
    ),
    ("26", "電子零組件製造業", 5, "261半導體、262被動電子元件、263印刷電路板、264光電材料及元件"),
    (
        "27",
        "電腦、電子產品及光學製品製造業",
        3,
        "271電腦及其週邊設備、272通訊傳播設備、275量測、導航、控制設備及鐘錶",
    ),
    (
        "28",
        "電力設備及配備製造業",
        4,
        "281發電、輸電及配電機械、283電線及配線器材、284照明設備及配備",
    ),
    ("29", "機械設備製造業", 13, "291金屬加工用機械設備、292其他專用機械設備、293通用機械設備"),
    ("30", "汽車及其零件製造業", 3, "302車體、303汽車零件"),
    (
        "31",
        "其他運輸工具及其零件製造業",
        3,
        "311船舶及浮動設施、312機車及其零件、313自行車及其零件",
    ),
    ("32", "家具製造業", 2, "320家具"),
    ("33", "其他製造業", 3, "331育樂用品、332醫療器材及設備、339未分類其他製造"),
)

_KINDS = (
    (FactoryKind.GENERAL, 93),
    (FactoryKind.SPECIFIC, 5),
    (FactoryKind.TEMPORARY, 1),
    (FactoryKind.MANAGED, 1),
)
_PREFIX = {FactoryKind.SPECIFIC: "S", FactoryKind.TEMPORARY: "T", FactoryKind.MANAGED: "P"}
_ORG_TYPES = (("股份有限公司", 37), ("有限公司", 33), ("獨資", 26), ("合夥", 2), ("其他", 2))
_NAME_CHARS = "鴻泰聯華興隆順昌正豐勝榮台新大永成合信益裕茂盛源達宏吉祥福美佳亞全元利德金宇冠"
_NAME_TRADES = (
    "工業",
    "實業",
    "企業",
    "精密",
    "科技",
    "機械",
    "金屬",
    "塑膠",
    "食品",
    "電子",
    "化工",
)
_ROADS = (
    "中山路",
    "中正路",
    "民生路",
    "工業路",
    "工業一路",
    "環河路",
    "成功路",
    "光復路",
    "建國路",
    "自強路",
)
_VILLAGE_CHARS = "東西南北中新安和平福興仁義忠孝"

CSV_HEADER = (
    "工廠名稱",
    "工廠登記編號",
    "工廠設立許可案號",
    "工廠地址",
    "工廠市鎮鄉村里",
    "工廠負責人姓名",
    "統一編號",
    "工廠組織型態",
    "工廠設立核准日期",
    "工廠登記核准日期",
    "工廠登記狀態",
    "產業類別",
    "主要產品",
    "WebURL",
    "ProductName",
    "Material",
    "Longitude",
    "Latitude",
)


_COUNTY_WEIGHTS = list(accumulate(c.weight for c in _COUNTIES))
_INDUSTRY_WEIGHTS = list(accumulate(entry[2] for entry in _INDUSTRIES))
_PRODUCTS = {entry[0]: split_products(entry[3]) for entry in _INDUSTRIES}
_ORG_WEIGHTS = list(accumulate(w for _, w in _ORG_TYPES))
_TOWNSHIPS = {c.code: c.townships.split() for c in _COUNTIES}
_HOW_MANY_WEIGHTS = [80, 95, 100]
_CHECK_WEIGHTS = (1, 2, 1, 2, 1, 2, 4)  # the UBN weights of the first seven digits
_DIGIT_SUMS = {w: [(d * w) // 10 + (d * w) % 10 for d in range(10)] for w in (1, 2, 4)}
_EPOCH = dt.date(1970, 1, 1)
T = TypeVar("T")


def generate_factories(count: int = 100_000, seed: int = 0) -> list[FactoryRecord]:
    """`count` distinct synthetic factories; the same seed gives the same list."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not a secret
    counties = rng.choices(_COUNTIES, cum_weights=_COUNTY_WEIGHTS, k=count)
    kinds = rng.choices([k for k, _ in _KINDS], weights=[w for _, w in _KINDS], k=count)
    sequence = dict.fromkeys(_PREFIX, 0) | {FactoryKind.GENERAL: 0}
    used_ids: set[str] = set()
    records = []
    for county, kind in zip(counties, kinds, strict=True):
        sequence[kind] += 1
        records.append(_factory(rng.random, county, kind, sequence[kind], used_ids))
    return records


def _pick(sequence: Sequence[T], rand: Callable[[], float]) -> T:
    """A uniform pick using one float draw (random.choice is several times slower)."""
    return sequence[int(rand() * len(sequence))]


def _weighted(options: Sequence[T], cumulative: list[int], rand: Callable[[], float]) -> T:
    return options[bisect(cumulative, rand() * cumulative[-1])]


def _factory(
    rand: Callable[[], float], county: _County, kind: FactoryKind, serial: int, used: set[str]
) -> FactoryRecord:
    industries = _industries(rand)
    org_type = _weighted(_ORG_TYPES, _ORG_WEIGHTS, rand)[0]
    township = _pick(_TOWNSHIPS[county.code], rand)
    village = f"{county.name}{township}{_pick(_VILLAGE_CHARS, rand)}{_pick(_VILLAGE_CHARS, rand)}里"
    address = f"{village}{_pick(_ROADS, rand)}{int(rand() * 899) + 1}號"
    min_lon, min_lat, max_lon, max_lat = county.bounds
    return FactoryRecord(
        registration_number=_registration_number(kind, serial),
        kind=kind,
        name=_name(rand, org_type, serial),
        business_id=_business_id(rand, used),
        organization_type=org_type,
        status="生產中",
        address=address,
        address_key=address,  # generated addresses are already in key form
        village=village,
        county_code=county.code,
        county_name=county.name,
        township=township,
        permit_number=None,
        establishment_approved_on=None,
        registration_approved_on=_EPOCH + dt.timedelta(days=int(rand() * 20_000)),
        industries=tuple(industry for industry, _ in industries),
        products=tuple(product for _, products in industries for product in products),
        longitude=round(min_lon + rand() * (max_lon - min_lon), 6),
        latitude=round(min_lat + rand() * (max_lat - min_lat), 6),
    )


def _registration_number(kind: FactoryKind, serial: int) -> str:
    """一般工廠: 8 digits (from 10000001 up); others: kind letter + 7 digits."""
    if kind is FactoryKind.GENERAL:
        return f"{10_000_000 + serial:08d}"
    return f"{_PREFIX[kind]}{serial:07d}"


def _industries(rand: Callable[[], float]) -> list[tuple[CodedItem, tuple[CodedItem, ...]]]:
    """One industry mostly, sometimes two or three, each with one or two of its products."""
    how_many = _weighted((1, 2, 3), _HOW_MANY_WEIGHTS, rand)
    chosen: dict[str, tuple[CodedItem, tuple[CodedItem, ...]]] = {}
    for _ in range(how_many):
        code, name, _, _ = _weighted(_INDUSTRIES, _INDUSTRY_WEIGHTS, rand)
        products = _PRODUCTS[code]
        first = int(rand() * len(products))
        picked = products[first : first + (1 if rand() < 0.7 else 2)]
        chosen[code] = (CodedItem(code, name), picked)
    return list(chosen.values())


def _name(rand: Callable[[], float], org_type: str, serial: int) -> str:
    stem = _pick(_NAME_CHARS, rand) + _pick(_NAME_CHARS, rand) + _pick(_NAME_TRADES, rand)
    if org_type in ("股份有限公司", "有限公司"):
        return f"{stem}{org_type}" if serial % 7 else f"{stem}{org_type}第{serial % 5 + 1}廠"
    return f"{stem}廠"


def _business_id(rand: Callable[[], float], used: set[str]) -> str:
    """Seven random digits plus a check digit that makes the 2023 mod-5 total work."""
    while True:
        stem = f"{int(rand() * 10_000_000):07d}"
        total = sum(_DIGIT_SUMS[w][int(d)] for d, w in zip(stem, _CHECK_WEIGHTS, strict=True))
        candidate = stem + str((-total) % 5 + (5 if rand() < 0.5 else 0))
        if candidate not in used:
            used.add(candidate)
            return candidate


def to_csv_lines(records: Iterable[FactoryRecord]) -> Iterator[str]:
    """Render records as the published CSV (ROC 7-digit dates, 、-joined code lists)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    yield _drain(buffer)
    for record in records:
        writer.writerow(_csv_row(record))
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_row(record: FactoryRecord) -> list[str]:
    return [
        record.name,
        record.registration_number,
        record.permit_number or "",
        record.address,
        record.village,
        record.owner_name or "",
        record.business_id,
        record.organization_type,
        _roc(record.establishment_approved_on),
        _roc(record.registration_approved_on),
        record.status,
        "、".join(i.code + i.name for i in record.industries),
        "、".join(p.code + p.name for p in record.products),
        record.website or "",
        record.product_description or "",
        record.material or "",
        "" if record.longitude is None else str(record.longitude),
        "" if record.latitude is None else str(record.latitude),
    ]


def _roc(date: dt.date | None) -> str:
    return "" if date is None else f"{date.year - 1911:03d}{date.month:02d}{date.day:02d}"
