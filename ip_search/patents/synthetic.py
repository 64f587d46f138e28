"""Seeded synthetic patent documents of six offices, in the importer's JSON Lines shape.

Each document takes a technology (with its IPC codes and words in English, Traditional and
Simplified Chinese, Japanese and Korean), an applicant of its office (large filers recur, as in
real registers, and Japanese/Korean/Taiwanese firms carry their English name too) and numbers
in the office's own format. The same seed always gives the same documents.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

__all__ = ["LANGUAGES", "generate"]

LANGUAGES = {"TW": "zh-Hant", "CN": "zh-Hans", "JP": "ja", "KR": "ko", "US": "en", "EP": "en"}
_LANGUAGE_KEY = {"zh-Hant": "zh_hant", "zh-Hans": "zh_hans", "ja": "ja", "ko": "ko", "en": "en"}


@dataclass(frozen=True)
class Topic:
    ipc: tuple[str, ...]
    en: tuple[str, str]  # (object, function)
    zh_hant: tuple[str, str]
    zh_hans: tuple[str, str]
    ja: tuple[str, str]
    ko: tuple[str, str]


TOPICS = (
    Topic(
        ("H01M 10/0525", "H01M 4/583", "H01M 10/052"),
        ("lithium ion battery", "an anode with improved cycle life"),
        ("鋰離子電池", "具有改良循環壽命之負極"),
        ("锂离子电池", "具有改良循环寿命的负极"),
        ("リチウムイオン電池", "サイクル寿命を改善した負極"),
        ("리튬 이온 전지", "사이클 수명이 개선된 음극"),
    ),
    Topic(
        ("H01L 21/768", "H01L 23/522", "H01L 21/311"),
        ("semiconductor device", "an interconnect structure with low resistance"),
        ("半導體裝置", "具有低電阻之內連線結構"),
        ("半导体装置", "具有低电阻的互连结构"),
        ("半導体装置", "低抵抗の配線構造"),
        ("반도체 장치", "저저항 배선 구조"),
    ),
    Topic(
        ("G09G 3/3233", "G09G 3/32", "H10K 59/12"),
        ("organic light emitting display panel", "a pixel circuit compensating threshold voltage"),
        ("有機發光顯示面板", "補償臨界電壓之畫素電路"),
        ("有机发光显示面板", "补偿阈值电压的像素电路"),
        ("有機発光表示パネル", "閾値電圧を補償する画素回路"),
        ("유기 발광 표시 패널", "문턱 전압을 보상하는 화소 회로"),
    ),
    Topic(
        ("B60L 53/14", "B60L 58/12", "H02J 7/00"),
        ("electric vehicle charging system", "a controller balancing the charging current"),
        ("電動車充電系統", "平衡充電電流之控制器"),
        ("电动车充电系统", "平衡充电电流的控制器"),
        ("電気自動車充電システム", "充電電流を平衡させる制御装置"),
        ("전기 자동차 충전 시스템", "충전 전류를 균형시키는 제어기"),
    ),
    Topic(
        ("H04W 72/04", "H04W 74/08", "H04L 5/00"),
        ("wireless communication method", "allocating resources for uplink transmission"),
        ("無線通訊方法", "分配上行傳輸資源"),
        ("无线通信方法", "分配上行传输资源"),
        ("無線通信方法", "上りリンク送信のリソースを割り当てる"),
        ("무선 통신 방법", "상향링크 전송 자원 할당"),
    ),
    Topic(
        ("A61K 31/4439", "A61P 35/00", "C07D 401/14"),
        ("pharmaceutical composition", "a kinase inhibitor for treating cancer"),
        ("醫藥組合物", "用於治療癌症之激酶抑制劑"),
        ("医药组合物", "用于治疗癌症的激酶抑制剂"),
        ("医薬組成物", "癌を治療するキナーゼ阻害剤"),
        ("의약 조성물", "암 치료용 키나아제 억제제"),
    ),
    Topic(
        ("G06T 7/73", "G06N 3/08", "G06V 10/82"),
        ("image recognition device", "a neural network estimating object pose"),
        ("影像辨識裝置", "估計物體姿態之神經網路"),
        ("图像识别装置", "估计物体姿态的神经网络"),
        ("画像認識装置", "物体の姿勢を推定するニューラルネットワーク"),
        ("영상 인식 장치", "물체 자세를 추정하는 신경망"),
    ),
)

APPLICANTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "TW": (
        ("台灣積體電路製造股份有限公司", "TAIWAN SEMICONDUCTOR MANUFACTURING CO., LTD."),
        ("鴻海精密工業股份有限公司", "HON HAI PRECISION INDUSTRY CO., LTD."),
        ("友達光電股份有限公司", "AU OPTRONICS CORPORATION"),
        ("工業技術研究院", "INDUSTRIAL TECHNOLOGY RESEARCH INSTITUTE"),
    ),
    "CN": (
        ("华为技术有限公司",),
        ("宁德时代新能源科技股份有限公司",),
        ("京东方科技集团股份有限公司",),
        ("比亚迪股份有限公司",),
    ),
    "JP": (
        ("トヨタ自動車株式会社", "TOYOTA MOTOR CORP"),
        ("パナソニックIPマネジメント株式会社", "PANASONIC IP MANAGEMENT CO LTD"),
        ("ソニーグループ株式会社", "SONY GROUP CORP"),
        ("武田薬品工業株式会社", "TAKEDA PHARMACEUTICAL CO LTD"),
    ),
    "KR": (
        ("삼성전자주식회사", "SAMSUNG ELECTRONICS CO., LTD."),
        ("엘지에너지솔루션", "LG ENERGY SOLUTION, LTD."),
        ("현대자동차주식회사", "HYUNDAI MOTOR COMPANY"),
    ),
    "US": (
        ("Apple Inc.",),
        ("Qualcomm Incorporated",),
        ("Tesla, Inc.",),
        ("Toyota Motor Engineering & Manufacturing North America, Inc.",),
    ),
    "EP": (
        ("Robert Bosch GmbH",),
        ("Siemens Aktiengesellschaft",),
        ("Novartis AG",),
        ("Toyota Jidosha Kabushiki Kaisha",),
    ),
}

INVENTORS = {
    "zh-Hant": ("王志明", "陳怡君", "林建宏", "張雅婷", "李冠廷"),
    "zh-Hans": ("王伟", "李娜", "张敏", "刘洋", "陈静"),
    "ja": ("佐藤健", "鈴木花子", "高橋誠", "田中優子", "渡辺浩"),
    "ko": ("김민준", "이서연", "박지훈", "최수빈", "정우진"),
    "en": ("John Smith", "Maria Garcia", "Wei Zhang", "Anna Müller", "Kenji Tanaka"),
}

TEMPLATES = {
    "en": ("{0} and method for manufacturing the same", "A {0} is disclosed, providing {1}."),
    "zh_hant": ("{0}及其製造方法", "本發明揭示一種{0}，提供{1}。"),
    "zh_hans": ("{0}及其制造方法", "本发明公开了一种{0}，提供{1}。"),
    "ja": ("{0}およびその製造方法", "{1}を備えた{0}を提供する。"),
    "ko": ("{0} 및 그 제조 방법", "{1}을 제공하는 {0}가 개시된다."),
}
CLAIMS = {
    "en": "1. A {0} comprising {1}.",
    "zh_hant": "1. 一種{0}，包含{1}。",
    "zh_hans": "1. 一种{0}，包括{1}。",
    "ja": "1. {1}を備える{0}。",
    "ko": "1. {1}을 포함하는 {0}.",
}


def generate(count: int, *, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` documents, spread over the six offices, as JSON-ready dicts."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    for serial in range(count):
        yield _document(rng, serial)


def _document(rng: random.Random, serial: int) -> dict[str, Any]:
    office = rng.choice(tuple(LANGUAGES))
    language = LANGUAGES[office]
    topic = rng.choice(TOPICS)
    words: tuple[str, str] = getattr(topic, _LANGUAGE_KEY[language])
    title, abstract = (t.format(*words) for t in TEMPLATES[_LANGUAGE_KEY[language]])
    filed = date(2015, 1, 1) + timedelta(days=rng.randrange(3000))
    published = filed + timedelta(days=rng.randrange(180, 900))
    granted = rng.random() < 0.4
    return {
        "office": office,
        **_numbers(office, serial, filed, published, granted),
        "publication_date": published.isoformat(),
        "application_date": filed.isoformat(),
        "title": title[0].upper() + title[1:],
        "abstract": abstract,
        "claims": [CLAIMS[_LANGUAGE_KEY[language]].format(*words)],
        "ipc": rng.sample(topic.ipc, rng.randint(1, len(topic.ipc))),
        "applicants": list(rng.choice(APPLICANTS[office])),
        "inventors": rng.sample(INVENTORS[language], rng.randint(1, 3)),
        "language": language,
    }


def _numbers(
    office: str, serial: int, filed: date, published: date, granted: bool
) -> dict[str, str]:
    seq = 100_000 + serial
    formats = {
        "TW": (
            f"I{700000 + serial}" if granted else f"{published.year}{seq:05d}",
            "B" if granted else "A",
            f"{filed.year - 1911}1{seq:05d}",
        ),
        "US": (
            f"{11000000 + serial}" if granted else f"{published.year}0{seq:06d}",
            "B2" if granted else "A1",
            f"{16 + serial % 3}/{seq:06d}",
        ),
        "EP": (
            f"{3000000 + serial}",
            "B1" if granted else "A1",
            f"{filed.year % 100}{seq:06d}.{serial % 10}",
        ),
        "JP": (
            f"{7000000 + serial}" if granted else f"{published.year}-{seq:06d}",
            "B2" if granted else "A",
            f"{filed.year}-{seq:06d}",
        ),
        "CN": (
            f"{110000000 + serial}",
            "B" if granted else "A",
            f"{filed.year}1{seq:07d}.{serial % 10}",
        ),
        "KR": (
            f"10{20000000 + serial}" if granted else f"10{published.year}{seq:07d}",
            "B1" if granted else "A",
            f"10-{filed.year}-{seq:07d}",
        ),
    }
    number, kind, application = formats[office]
    return {"publication_no": number, "kind": kind, "application_no": application}
