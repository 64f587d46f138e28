"""Goods that firms import duty-free: machinery, instruments, equipment, parts and materials.

Each type carries a real 8-digit tariff item (the generator adds digits 9-11), the description
as declarations write it (Chinese then English), its customs unit, how its model numbers look
and which spec figures describe it. Several types share an HS6 subheading on purpose: those are
the blocks where the fuzzy pass must tell goods apart.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "GoodsType", "SpecSlot"]


@dataclass(frozen=True, slots=True)
class SpecSlot:
    """One figure of a spec line: label, the values it takes, and its unit."""

    label: str
    values: tuple[str, ...]
    unit: str


@dataclass(frozen=True, slots=True)
class GoodsType:
    """A kind of goods; ``model_prefixes`` empty means the goods carry no model (materials)."""

    hs8: str
    name_zh: str
    name_en: str
    unit: str
    model_prefixes: tuple[str, ...]
    model_pattern: str
    spec: tuple[SpecSlot, ...]
    quantity: tuple[int, int]

    @property
    def description(self) -> str:
        return f"{self.name_zh} {self.name_en}"


def _slot(label: str, values: str, unit: str) -> SpecSlot:
    return SpecSlot(label, tuple(values.split()), unit)


_STROKE = _slot("X軸行程", "510 610 762 1020 1270 1530", "MM")
_SPINDLE = _slot("主軸轉速", "6000 8000 10000 12000 15000 20000", "RPM")
_POWER = _slot("功率", "3.7 5.5 7.5 11 15 22 30 45", "KW")
_VOLTAGE = _slot("電壓", "220V 380V 440V", "")
_WAFER = _slot("晶圓尺寸", "150 200 300", "MM")
_RANGE = _slot("量測範圍", "300 500 700 1000 1200", "MM")
_ACCURACY = _slot("精度", "0.5 1.0 1.5 1.8 2.5", "UM")
_BANDWIDTH = _slot("頻寬", "200 500 1000 2000 4000 8000", "MHZ")
_PAYLOAD = _slot("負載", "4 7 12 20 35 70 165 210", "KG")
_REACH = _slot("臂長", "550 900 1400 1850 2650 3200", "MM")
_CLAMP = _slot("鎖模力", "50 80 120 180 250 350 450", "TON")
_TEMP = _slot("最高溫度", "600 900 1100 1200 1350 1600", "°C")
_PURITY = _slot("純度", "99.9% 99.99% 99.999%", "")
_VISCOSITY = _slot("黏度", "5 12 25 40 60 100", "CP")
_THICKNESS = _slot("厚度", "0.3 0.5 0.8 1.0 1.2 1.5 2.0", "MM")
_WIDTH = _slot("寬度", "1000 1219 1250 1500", "MM")
_DENIER = _slot("丹尼", "75D/36F 75D/72F 150D/48F 150D/144F 300D/96F", "")
_DIAMETER = _slot("直徑", "0.05 0.08 0.1 0.2 0.5 1.0", "MM")
_PINS = _slot("腳數", "48 64 100 144 256 484", "PIN")
_LOAD = _slot("最大荷重", "5 10 50 100 300 600", "KN")
_CAPACITY = _slot("容量", "50 100 200 400 800", "L")
_BORE = _slot("口徑", "14 16 18 22 24 28 32", "IN")

_MACHINING = (_STROKE, _SPINDLE, _POWER)

CATALOGUE: tuple[GoodsType, ...] = (
    GoodsType("84571010", "立式綜合加工機", "VERTICAL MACHINING CENTER", "SET",
              ("VF-", "DNM ", "VCN-", "MB-", "RD-"), "D{2}L{0,2}", _MACHINING, (1, 6)),
    GoodsType("84571020", "臥式綜合加工機", "HORIZONTAL MACHINING CENTER", "SET",
              ("EC-", "HCN-", "NHX ", "A"), "D{3,4}L{0,1}", _MACHINING, (1, 4)),
    GoodsType("84571090", "五軸加工機", "5-AXIS MACHINING CENTER", "SET",
              ("DMU ", "UMC-", "VARIAXIS ", "GM-"), "D{2,3}L{0,2}", _MACHINING, (1, 3)),
    GoodsType("84581100", "數值控制臥式車床", "CNC HORIZONTAL LATHE", "SET",
              ("NLX ", "QTN-", "ST-", "LB"), "D{3,4}L{0,2}", (_POWER, _SPINDLE), (1, 6)),
    GoodsType("84581190", "數值控制車銑複合機", "CNC MILL-TURN CENTER", "SET",
              ("NTX ", "INTEGREX I-", "MULTUS U"), "D{3,4}L{0,1}", (_POWER, _SPINDLE), (1, 3)),
    GoodsType("84561100", "雷射加工機", "FIBER LASER CUTTING MACHINE", "SET",
              ("TRULASER ", "BYSTAR FIBER ", "ENSIS-", "HF"), "D{4}", (_POWER, _STROKE), (1, 3)),
    GoodsType("84622300", "數值控制折彎機", "CNC PRESS BRAKE", "SET",
              ("HG-", "TRUBEND ", "PPEB-"), "D{4}", (_LOAD, _STROKE), (1, 3)),
    GoodsType("84771000", "射出成型機", "INJECTION MOULDING MACHINE", "SET",
              ("SE", "ALLROUNDER ", "J", "IS"), "D{3}L{1,2}", (_CLAMP, _POWER), (1, 8)),
    GoodsType("84862000", "電漿蝕刻設備", "PLASMA ETCHING SYSTEM", "SET",
              ("KIYO", "TELIUS ", "CENTRIS "), "D{2}L{0,2}", (_WAFER, _POWER), (1, 4)),
    GoodsType("84862000", "化學氣相沉積設備", "CHEMICAL VAPOR DEPOSITION SYSTEM", "SET",
              ("PRODUCER ", "VECTOR ", "ALTUS "), "L{1,2}D{0,2}", (_WAFER, _TEMP), (1, 4)),
    GoodsType("84862000", "離子植入機", "ION IMPLANTER", "SET",
              ("VIISTA ", "PURION ", "EXCEED "), "D{4}L{0,2}", (_WAFER, _VOLTAGE), (1, 3)),
    GoodsType("84864000", "晶圓搬運機械手臂", "WAFER TRANSFER ROBOT", "UNT",
              ("RR", "TX", "UTX"), "D{3,4}", (_WAFER, _REACH), (1, 12)),
    GoodsType("84795000", "工業用機器人", "INDUSTRIAL ROBOT", "UNT",
              ("IRB ", "KR ", "M-", "RS"), "D{2,4}L{0,2}", (_PAYLOAD, _REACH), (1, 20)),
    GoodsType("90314990", "三次元座標量測儀", "COORDINATE MEASURING MACHINE", "SET",
              ("CONTURA ", "CRYSTA-APEX V", "GLOBAL S "), "D{3,4}", (_RANGE, _ACCURACY), (1, 3)),
    GoodsType("90314990", "影像量測儀", "VISION MEASURING SYSTEM", "SET",
              ("QV-", "IM-", "NEXIV VMZ-"), "D{3,4}L{0,1}", (_RANGE, _ACCURACY), (1, 4)),
    GoodsType("90273000", "光譜儀", "SPECTROMETER", "SET",
              ("LAMBDA ", "UV-", "CARY "), "D{2,4}", (_RANGE, _ACCURACY), (1, 5)),
    GoodsType("90121000", "掃描式電子顯微鏡", "SCANNING ELECTRON MICROSCOPE", "SET",
              ("JSM-", "SU", "APREO "), "D{4}L{0,2}", (_VOLTAGE, _ACCURACY), (1, 2)),
    GoodsType("90302000", "數位示波器", "DIGITAL OSCILLOSCOPE", "UNT",
              ("DSOX", "MSO", "RTO"), "D{4}L{0,1}", (_BANDWIDTH,), (1, 30)),
    GoodsType("90304000", "向量網路分析儀", "VECTOR NETWORK ANALYZER", "UNT",
              ("E50", "ZNB", "MS46"), "D{2,3}L{0,1}", (_BANDWIDTH,), (1, 10)),
    GoodsType("90248000", "萬能材料試驗機", "UNIVERSAL TESTING MACHINE", "SET",
              ("AG-X", "INSTRON ", "Z"), "D{3,4}", (_LOAD,), (1, 3)),
    GoodsType("85143200", "熱處理爐", "HEAT TREATMENT FURNACE", "SET",
              ("VFH-", "LH ", "NB"), "D{3,4}", (_TEMP, _POWER), (1, 2)),
    GoodsType("84193900", "真空乾燥機", "VACUUM DRYER", "SET",
              ("VD-", "DZF-", "VO"), "D{2,4}", (_CAPACITY, _TEMP), (1, 5)),
    GoodsType("84224000", "自動包裝機", "AUTOMATIC PACKAGING MACHINE", "SET",
              ("CM-", "FP", "HFFS-"), "D{3}", (_POWER,), (1, 4)),
    GoodsType("84669390", "工具機主軸", "MACHINE TOOL SPINDLE", "PCE",
              ("SPD-", "HSK-A", "BT"), "D{2,3}-D{4,5}", (_SPINDLE, _POWER), (2, 40)),
    GoodsType("85423900", "積體電路", "INTEGRATED CIRCUIT", "PCE",
              ("XC7K", "STM32F", "TMS320", "EP4CE"), "D{3}L{1,2}D{0,2}", (_PINS,), (500, 20000)),
    GoodsType("37079000", "正型光阻劑", "POSITIVE PHOTORESIST", "KGM",
              (), "", (_VISCOSITY, _PURITY), (20, 800)),
    GoodsType("37079000", "顯影液", "PHOTORESIST DEVELOPER", "KGM",
              (), "", (_PURITY, _CAPACITY), (100, 3000)),
    GoodsType("28112200", "高純度二氧化矽粉", "HIGH PURITY SILICA POWDER", "KGM",
              (), "", (_PURITY, _DIAMETER), (500, 20000)),
    GoodsType("39073000", "環氧樹脂", "EPOXY RESIN", "KGM",
              (), "", (_VISCOSITY,), (200, 10000)),
    GoodsType("72193500", "不銹鋼冷軋鋼片", "STAINLESS STEEL COLD ROLLED SHEET", "KGM",
              (), "", (_THICKNESS, _WIDTH), (2000, 60000)),
    GoodsType("54023300", "聚酯加工絲", "POLYESTER TEXTURED YARN", "KGM",
              (), "", (_DENIER,), (1000, 30000)),
    GoodsType("74081100", "精密銅線", "PRECISION COPPER WIRE", "KGM",
              (), "", (_DIAMETER, _PURITY), (100, 5000)),
    GoodsType("70200090", "石英坩堝", "QUARTZ CRUCIBLE", "PCE",
              (), "", (_BORE, _PURITY), (10, 300)),
)  # fmt: skip
