"""Generate disclo's example registers (台账) and their ground truth.

Run from the repository root:

    python examples/make_examples.py

Every output under examples/2018-liucheng/ and examples/2023-office/ is rewritten. The output is
deterministic: fixed random seeds (stdlib ``random``), and the .xlsx archives are normalised (fixed
zip timestamps and document properties), so a re-run gives byte-identical files.

The files are deliberately messy in the ways real office spreadsheets are (title rows, merged
cells, several header wordings, mixed date forms, aliases, blank rows, 小计/合计 rows, overlapping
exports). The ground truth (expected_*.json) is computed here from the generator's own canonical
records, never by parsing the files back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
OUT_2018 = HERE / "2018-liucheng"
OUT_2023 = HERE / "2023-office"

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
EXCEL_EPOCH = dt.date(1899, 12, 30)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save with fixed metadata and zip timestamps so the bytes do not change between runs."""
    wb.properties.creator = "disclo examples"
    wb.properties.lastModifiedBy = "disclo examples"
    wb.properties.created = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stamps `modified` with now(); rewritten below
    buf.seek(0)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(
                    r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    r"\g<1>2024-01-01T00:00:00Z\g<2>",
                    data.decode("utf-8"),
                )
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            zout.writestr(zi, data)


def _span(a: str, b: str) -> set[dt.date]:
    d, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
    out = set()
    while d <= end:
        out.add(d)
        d += dt.timedelta(days=1)
    return out


# Public holidays (State Council notices) on weekdays, so nothing is "published" on them.
# Make-up working days on weekends are ignored: the generator only uses Monday-Friday.
HOLIDAYS = (
    _span("2018-01-01", "2018-01-01") | _span("2018-02-15", "2018-02-21") | _span("2018-04-05", "2018-04-07")
    | _span("2018-04-29", "2018-05-01") | _span("2018-06-18", "2018-06-18") | _span("2018-09-24", "2018-09-24")
    | _span("2018-10-01", "2018-10-07") | _span("2018-12-30", "2019-01-01")
    | _span("2022-12-31", "2023-01-02") | _span("2023-01-21", "2023-01-27") | _span("2023-04-05", "2023-04-05")
    | _span("2023-04-29", "2023-05-03") | _span("2023-06-22", "2023-06-24") | _span("2023-09-29", "2023-10-06")
)


def weekdays(year: int, month: int) -> list[dt.date]:
    """Working days of a month (Monday-Friday, minus public holidays)."""
    d = dt.date(year, month, 1)
    days = []
    while d.month == month:
        if d.weekday() < 5 and d not in HOLIDAYS:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def next_weekday(d: dt.date) -> dt.date:
    while d.weekday() >= 5 or d in HOLIDAYS:
        d += dt.timedelta(days=1)
    return d


def serial(d: dt.date) -> int:
    return (d - EXCEL_EPOCH).days


def text_date(d: dt.date, form: str) -> str:
    if form == "iso":
        return d.isoformat()  # 2018-03-05
    if form == "slash":
        return f"{d.year}/{d.month}/{d.day}"  # 2018/3/5
    if form == "slash0":
        return f"{d.year}/{d.month:02d}/{d.day:02d}"  # 2018/03/05
    if form == "dot":
        return f"{d.year}.{d.month}.{d.day}"  # 2018.3.5
    if form == "cn":
        return f"{d.year}年{d.month}月{d.day}日"  # 2018年3月5日
    if form == "compact":
        return d.strftime("%Y%m%d")  # 20180305
    if form == "md":
        return f"{d.month}月{d.day}日"  # 3月5日 (year implied)
    raise ValueError(form)


def put_date(cell, d: dt.date, form: str) -> None:
    """Write a date into a cell in one of the forms offices use."""
    if form == "datetime":
        cell.value = dt.datetime(d.year, d.month, d.day)
        cell.number_format = "yyyy-mm-dd"
    elif form == "datetime_cn":
        cell.value = dt.datetime(d.year, d.month, d.day)
        cell.number_format = 'yyyy"年"m"月"d"日"'
    elif form == "serial":
        cell.value = serial(d)  # a plain number, General format
    elif form == "compact_num":
        cell.value = int(d.strftime("%Y%m%d"))  # 20180305 as a number
    else:
        cell.value = text_date(d, form)
        cell.number_format = "@"


def title_row(ws, text: str, ncols: int, row: int = 1) -> None:
    ws.cell(row=row, column=1, value=text)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.cell(row=row, column=1).font = Font(bold=True, size=14)
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")


def header_row(ws, headers: list[str], row: int) -> None:
    for col, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=col, value=h)
        c.font = Font(bold=True)


def widths(ws, values: list[int]) -> None:
    for i, w in enumerate(values):
        ws.column_dimensions[chr(ord("A") + i)].width = w


# --------------------------------------------------------------------------------------------
# A. 2018 — 南安市柳城街道办事处 (the seed office)
# --------------------------------------------------------------------------------------------

CATEGORIES_2018 = [
    ("机构设置类", 1),
    ("预决算公开类", 2),
    ("应急管理类", 2),
    ("为民办实事类", 6),
    ("落实与反馈类", 2),
    ("依法行政类", 2),
    ("民政工作类", 5),
    ("监督检查类", 9),
    ("工作动态类", 128),
    ("其他信息类", 88),
    ("环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类", 5),
]
ENV_CAT = "环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况类"

# Small categories: fixed (month, title) so titles fit the season.
FIXED_TITLES_2018: dict[str, list[tuple[int, str]]] = {
    "机构设置类": [(3, "柳城街道办事处机构设置及领导分工")],
    "预决算公开类": [
        (2, "柳城街道2018年部门预算公开"),
        (8, "柳城街道2017年部门决算公开"),
    ],
    "应急管理类": [
        (5, "柳城街道开展2018年防汛防台演练"),
        (9, "柳城街道2018年突发事件总体应急预案（修订）"),
    ],
    "为民办实事类": [
        (1, "柳城街道2018年为民办实事项目计划"),
        (4, "柳城街道2018年第一季度为民办实事项目进展情况"),
        (6, "柳城街道老旧小区改造为民办实事项目公示"),
        (7, "柳城街道2018年第二季度为民办实事项目进展情况"),
        (10, "柳城街道2018年第三季度为民办实事项目进展情况"),
        (12, "柳城街道2018年为民办实事项目完成情况"),
    ],
    "落实与反馈类": [
        (4, "柳城街道关于落实2018年政务公开工作主要任务的实施方案"),
        (11, "柳城街道关于市人大代表建议办理情况的反馈"),
    ],
    "依法行政类": [
        (3, "柳城街道2018年法治政府建设工作要点"),
        (12, "柳城街道2018年度依法行政工作情况报告"),
    ],
    "民政工作类": [
        (3, "柳城街道2018年第一季度城乡低保对象公示"),
        (6, "柳城街道2018年第二季度城乡低保对象公示"),
        (9, "柳城街道2018年第三季度城乡低保对象公示"),
        (11, "柳城街道2018年临时救助对象公示"),
        (12, "柳城街道2018年第四季度城乡低保对象公示"),
    ],
    "监督检查类": [
        (1, "柳城街道开展春节前安全生产大检查"),
        (3, "柳城街道开展扶贫领域专项监督检查"),
        (4, "柳城街道开展政务公开工作自查"),
        (5, "柳城街道开展村级财务专项检查"),
        (6, "柳城街道开展“四风”问题监督检查"),
        (8, "柳城街道开展惠民资金使用情况监督检查"),
        (9, "柳城街道开展中秋国庆节前廉政督查"),
        (10, "柳城街道开展征地拆迁补偿款发放情况检查"),
        (12, "柳城街道开展年终岁末安全生产督查"),
    ],
    ENV_CAT: [
        (2, "柳城街道2018年春节期间食品安全检查情况"),
        (4, "柳城街道第一季度环境卫生检查情况通报"),
        (6, "柳城街道“安全生产月”隐患排查整治情况"),
        (8, "柳城街道夏季公共卫生和病媒生物防制检查情况"),
        (11, "柳城街道产品质量和药品安全专项检查情况"),
    ],
}

VILLAGES = [
    "象山社区", "帽山社区", "金街社区", "蓝园社区", "梧山社区", "溪州社区", "成功社区", "新华社区",
    "西美社区", "柳东社区", "柳西社区", "城南社区", "城北社区", "江滨社区", "五里社区",
]
ACTIVITIES = [
    "开展环境卫生整治行动", "开展消防安全宣传活动", "开展扫黑除恶专项斗争宣传", "开展垃圾分类宣传进家庭活动",
    "开展敬老爱老志愿服务", "开展禁毒宣传活动", "开展防范电信网络诈骗宣传", "开展文明城市创建志愿服务",
    "开展健康义诊进社区活动", "开展燃气安全检查", "开展出租屋安全隐患排查", "开展河道清漂行动",
    "开展反邪教宣传", "开展国家安全教育宣传", "开展“两违”整治行动", "开展食品安全宣传",
]
MEETINGS = [
    "党风廉政建设工作会议", "安全生产工作会议", "扫黑除恶专项斗争推进会", "创建全国文明城市工作推进会",
    "环境卫生整治工作部署会", "信访维稳工作会议", "征迁工作推进会", "党建工作会议", "河长制工作推进会",
    "食品安全工作会议", "消防安全工作会议", "村级财务管理培训会", "综治工作会议", "统计工作培训会",
]
OTHER_PROJECTS = [
    "道路硬化工程招标结果", "一事一议公益事业项目", "老年人协会换届选举结果", "危房改造补助对象",
    "计生奖励扶助对象", "残疾人两项补贴对象", "高龄津贴发放名单", "征地补偿款分配方案",
    "村级公益性岗位招聘结果", "集体资产租赁招标结果", "农村饮水安全工程项目",
]
OTHER_NOTICES = [
    "关于做好{m}月份重点工作的通知", "{m}月份工作简报", "关于{m}月份值班安排的通知",
    "关于开展{m}月份“清洁家园”活动的通知", "{m}月份党员学习安排",
]


def make_title_2018(category: str, d: dt.date, rng: random.Random, used: set[str]) -> str:
    for _ in range(1000):
        if category == "工作动态类":
            pick = rng.random()
            if pick < 0.6:
                t = f"{rng.choice(VILLAGES)}{rng.choice(ACTIVITIES)}"
            elif pick < 0.85:
                t = f"柳城街道召开{rng.choice(MEETINGS)}"
                if t in used:
                    t = f"柳城街道召开{d.month}月份{rng.choice(MEETINGS)}"
            else:
                t = f"柳城街道领导带队检查{rng.choice(VILLAGES)}{rng.choice(['项目建设', '安全生产', '环境整治', '防汛准备', '征迁进度'])}"
        elif category == "其他信息类":
            if rng.random() < 0.55:
                t = f"关于{rng.choice(VILLAGES)}{rng.choice(OTHER_PROJECTS)}的公示"
            else:
                t = "柳城街道" + rng.choice(OTHER_NOTICES).format(m=d.month)
        else:
            raise ValueError(category)
        if t not in used:
            used.add(t)
            return t
    raise RuntimeError("could not make a unique title")


# Which raw cell each canonical category is written as (the rest are written exactly).
CATEGORY_ALIASES_2018 = {
    "工作动态类": [("工作动态", 20), ("工作动态类 ", 3), ("工作动态类\u3000", 2)],
    "其他信息类": [("其他", 10), ("其它信息类", 6)],
    "监督检查类": [("监督检查", 3)],
    "民政工作类": [("民政工作", 2)],
    ENV_CAT: [("环境卫生、公共卫生、安全生产、食品药品、产品质量监督检查情况", 2)],
}

# Channel cells (every one names the government website in some wording); canonical sets are
# keyed by disclo's vocabulary labels (政府网站 = 政府门户网站 / 网站).
CHANNEL_CELLS_2018 = [
    ("政府门户网站", ("政府网站",), 170),
    ("政府网站", ("政府网站",), 30),
    ("政府门户网站、政务公开栏", ("政府网站", "政务公开栏"), 18),
    ("网站，微信公众号", ("政府网站", "微信公众号"), 14),
    ("政府门户网站/公共查阅点", ("政府网站", "公共查阅点"), 8),
    ("政府门户网站;微信公众号", ("政府网站", "微信公众号"), 6),
    ("政府网站、政务公开栏、微信公众号", ("政府网站", "政务公开栏", "微信公众号"), 4),
]

REMARKS_2018 = ["市政府网站转载", "附件2个", "更正后重新发布", "同步推送", "已报街道领导审核", "附公示名单"]


def build_2018_items() -> list[dict]:
    rng = random.Random(2018)
    slots: list[tuple[str, int, str | None]] = []  # (category, month, fixed title)
    for cat, n in CATEGORIES_2018:
        if cat in FIXED_TITLES_2018:
            fixed = FIXED_TITLES_2018[cat]
            assert len(fixed) == n, cat
            slots += [(cat, m, t) for m, t in fixed]
    big = ["工作动态类"] * 128 + ["其他信息类"] * 88
    rng.shuffle(big)
    month_counts = [16, 12, 20, 18, 19, 18, 19, 17, 18, 16, 20, 23]
    assert sum(month_counts) == len(big)
    months = [m for m, k in enumerate(month_counts, start=1) for _ in range(k)]
    slots += [(cat, m, None) for cat, m in zip(big, months, strict=True)]

    items = []
    used: set[str] = set(t for _, _, t in slots if t)
    for cat, m, t in slots:
        d = rng.choice(weekdays(2018, m))
        items.append({"category": cat, "date": d, "title": t})
    items.sort(key=lambda it: (it["date"], it["title"] or ""))
    for it in items:
        if it["title"] is None:
            it["title"] = make_title_2018(it["category"], it["date"], rng, used)
    # stable order by date, then id in that order
    for i, it in enumerate(items, start=1):
        it["id"] = f"FJ-NA-LC-2018-{i:04d}"

    # raw category cells
    for it in items:
        it["category_cell"] = it["category"]
    for cat, aliases in CATEGORY_ALIASES_2018.items():
        pool = [it for it in items if it["category"] == cat]
        need = sum(k for _, k in aliases)
        chosen = rng.sample(pool, need)
        pos = 0
        for raw, k in aliases:
            for it in chosen[pos : pos + k]:
                it["category_cell"] = raw
            pos += k

    # channel cells
    cells = [(raw, canon) for raw, canon, k in CHANNEL_CELLS_2018 for _ in range(k)]
    assert len(cells) == 250
    rng.shuffle(cells)
    for it, (raw, canon) in zip(items, cells, strict=True):
        it["channel_cell"] = raw
        it["channels"] = canon

    # date forms in the main workbook
    forms = (
        ["datetime"] * 110 + ["datetime_cn"] * 15 + ["serial"] * 30 + ["iso"] * 20 + ["slash"] * 20
        + ["dot"] * 15 + ["cn"] * 20 + ["compact"] * 8 + ["compact_num"] * 7 + ["md"] * 5
    )
    assert len(forms) == 250
    rng.shuffle(forms)
    for it, f in zip(items, forms, strict=True):
        it["form_xlsx"] = f
    # CSV: text only
    csv_forms = ["slash"] * 110 + ["iso"] * 50 + ["slash0"] * 25 + ["cn"] * 25 + ["dot"] * 20 + ["compact"] * 15 + ["md"] * 5
    assert len(csv_forms) == 250
    rng.shuffle(csv_forms)
    for it, f in zip(items, csv_forms, strict=True):
        it["form_csv"] = f

    for it in items:
        it["remark"] = rng.choice(REMARKS_2018) if rng.random() < 0.08 else None
    return items


def write_2018_main(items: list[dict], path: Path) -> dict:
    rng = random.Random(20180105)
    wb = Workbook()
    ws1 = wb.active
    ws1.title = "1-6月"
    ws2 = wb.create_sheet("7-12月")
    ws3 = wb.create_sheet("说明")

    h1 = ["序号", "索引号", "信息标题", "类别", "发布日期", "公开渠道", "备注"]
    h2 = ["序号", "编 号", "信息名称", "信息类别：", "公开日期", "公开方式\u3000", "备注"]
    layout: dict = {}

    def fill(ws, rows: list[dict], headers: list[str], header_at: int) -> int:
        header_row(ws, headers, header_at)
        r = header_at + 1
        blank_after = set(rng.sample(range(len(rows)), 4))
        for n, it in enumerate(rows, start=1):
            ws.cell(row=r, column=1, value=n)
            ws.cell(row=r, column=2, value=it["id"])
            ws.cell(row=r, column=3, value=it["title"])
            ws.cell(row=r, column=4, value=it["category_cell"])
            put_date(ws.cell(row=r, column=5), it["date"], it["form_xlsx"])
            ws.cell(row=r, column=6, value=it["channel_cell"])
            if it["remark"]:
                ws.cell(row=r, column=7, value=it["remark"])
            r += 1
            if n - 1 in blank_after:
                r += 1 if n % 2 else 2  # one or two empty rows
        return r

    first = [it for it in items if it["date"].month <= 6]
    second = [it for it in items if it["date"].month >= 7]

    title_row(ws1, "2018年柳城街道主动公开信息台账", 7)
    r = fill(ws1, first, h1, 2)
    r += 1  # blank row before the subtotal
    ws1.cell(row=r, column=1, value="小计")
    ws1.cell(row=r, column=3, value=f"1-6月共{len(first)}条")
    layout["1-6月"] = {"title_row": 1, "header_row": 2, "subtotal_row": r, "items": len(first)}

    title_row(ws2, "2018年柳城街道主动公开信息台账", 7)
    ws2.cell(row=2, column=1, value="填报单位：柳城街道党政办    填报日期：2019年1月5日")
    r = fill(ws2, second, h2, 3)
    ws2.cell(row=r, column=3, value="合计")
    ws2.cell(row=r, column=7, value=f"{len(items)}条")
    layout["7-12月"] = {"title_row": 1, "note_row": 2, "header_row": 3, "total_row": r, "items": len(second)}

    for ws in (ws1, ws2):
        widths(ws, [6, 20, 46, 18, 14, 26, 16])

    notes = [
        "填表说明：",
        "1. 本台账按发布日期分上、下半年两个工作表登记。",
        "2. 类别按街道政府信息公开目录填写。",
        "3. 12月份部分信息系统导出后另行补报，见《主动公开台账2018-12月补报》。",
        "联系人：党政办  电话：86352022",
    ]
    for i, line in enumerate(notes, start=1):
        ws3.cell(row=i, column=1, value=line)
    ws3.column_dimensions["A"].width = 70

    save_workbook(wb, path)
    return layout


def write_2018_supplement(items: list[dict], path: Path) -> list[str]:
    rng = random.Random(201812)
    december = [it for it in items if it["date"].month == 12]
    chosen = sorted(rng.sample(december, 20), key=lambda it: it["id"])
    wb = Workbook()
    ws = wb.active
    ws.title = "导出数据"
    header_row(ws, ["索引号", "标题", "主题分类", "发布时间", "发布渠道"], 1)
    alt = {
        "datetime": "cn", "datetime_cn": "slash", "serial": "iso", "iso": "datetime", "slash": "datetime",
        "dot": "datetime", "cn": "datetime", "compact": "slash0", "compact_num": "iso", "md": "datetime",
    }
    for r, it in enumerate(chosen, start=2):
        ws.cell(row=r, column=1, value=it["id"])
        ws.cell(row=r, column=2, value=it["title"])
        ws.cell(row=r, column=3, value=it["category_cell"])
        form = alt[it["form_xlsx"]]
        assert form != it["form_xlsx"]
        put_date(ws.cell(row=r, column=4), it["date"], form)
        if form == "datetime":
            ws.cell(row=r, column=4).number_format = "yyyy-mm-dd hh:mm:ss"
        ws.cell(row=r, column=5, value=it["channel_cell"])
    widths(ws, [20, 46, 18, 20, 26])
    save_workbook(wb, path)
    return [it["id"] for it in chosen]


def write_2018_csv(items: list[dict], path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["发布日期", "标题", "类别", "公开渠道", "索引号"])
    for it in items:
        w.writerow([text_date(it["date"], it["form_csv"]), it["title"], it["category_cell"], it["channel_cell"], it["id"]])
    path.write_bytes(buf.getvalue().encode("gb18030"))


def expected_2018(items: list[dict], layout: dict, supplement_ids: list[str]) -> dict:
    by_cat = Counter(it["category"] for it in items)
    by_channel: Counter = Counter()
    for it in items:
        for ch in set(it["channels"]):
            by_channel[ch] += 1
    return {
        "office": "南安市柳城街道办事处",
        "year": 2018,
        "items_total": len(items),
        "items_by_category": {cat: by_cat[cat] for cat, _ in CATEGORIES_2018},
        "items_by_channel": dict(sorted(by_channel.items(), key=lambda kv: -kv[1])),
        "legacy_appendix": {"政府网站公开": by_channel["政府网站"], "政府公报公开": by_channel.get("政府公报", 0)},
        "items_by_month": {str(m): sum(1 for it in items if it["date"].month == m) for m in range(1, 13)},
        "supplement_ids": supplement_ids,
        "layout_main_xlsx": layout,
        "category_cells": dict(Counter(it["category_cell"] for it in items)),
    }


# --------------------------------------------------------------------------------------------
# B. 2023 — 示例县自然资源局 (fictional county department)
# --------------------------------------------------------------------------------------------

OFFICE_2023 = "示例县自然资源局"
TOWNS = ["城关镇", "东岭镇", "南溪乡", "西山乡", "北洋镇", "龙湖镇"]

CATEGORIES_2023 = [
    ("机构职能", 3),
    ("政策文件", 14),
    ("规划信息", 10),
    ("行政许可", 22),
    ("行政处罚", 12),
    ("财政信息", 4),
    ("建议提案办理", 5),
    ("通知公告", 30),
    ("工作动态", 50),
]

# documents issued in 2023: (month, title, 文号, 文件类型 cell)
DOCS_2023 = [
    (2, "示例县自然资源局关于进一步规范农村宅基地审批管理的通知", "示自然资规〔2023〕1号", "行政规范性文件"),
    (5, "示例县自然资源局关于印发《示例县不动产登记办理规程》的通知", "示自然资规〔2023〕2号", "规范性文件"),
    (8, "示例县自然资源局关于加强耕地保护和用途管制的实施意见", "示自然资规〔2023〕3号", "行政规范性文件"),
    (11, "示例县自然资源局关于规范临时用地管理的通知", "示自然资规〔2023〕4号", "规范性文件"),
]
# earlier documents abolished in 2023: (published, title, 文号, type cell, abolished)
ABOLISHED_EARLIER = [
    (dt.date(2019, 6, 12), "示例县国土资源局关于农村村民建房用地审批的若干规定", "示国土资规〔2019〕2号", "行政规范性文件", dt.date(2023, 6, 30)),
    (dt.date(2020, 4, 8), "示例县自然资源局关于临时用地审批管理的暂行办法", "示自然资规〔2020〕1号", "规范性文件", dt.date(2023, 11, 20)),
]
OTHER_POLICY_2023 = [
    (1, "示例县自然资源局2023年政务公开工作要点", None),
    (3, "示例县自然资源局2023年法治政府建设工作计划", None),
    (6, "示例县自然资源局关于废止部分行政规范性文件的决定", "示自然资〔2023〕45号"),
    (4, "示例县自然资源局2023年耕地保护目标责任书", None),
    (7, "示例县自然资源局2023年地质灾害防治方案", None),
    (9, "示例县自然资源局关于做好秋冬季森林防火工作的通知", "示自然资〔2023〕78号"),
]
INTERPRETATIONS = [
    (2, "《关于进一步规范农村宅基地审批管理的通知》政策解读"),
    (5, "图解《示例县不动产登记办理规程》"),
    (8, "《关于加强耕地保护和用途管制的实施意见》政策解读"),
    (11, "《关于规范临时用地管理的通知》政策解读"),
]


def make_title_2023(cat: str, d: dt.date, rng: random.Random, used: set[str], counters: Counter) -> str:
    for _ in range(1000):
        town = rng.choice(TOWNS)
        counters[cat] += 1
        n = counters[cat]
        if cat == "机构职能":
            t = ["示例县自然资源局机构职能", "示例县自然资源局领导分工", "示例县自然资源局内设机构及联系方式"][n - 1]
        elif cat == "规划信息":
            t = rng.choice([
                f"{town}国土空间总体规划（2021—2035年）草案公示",
                f"示例县{town}控制性详细规划批前公示",
                f"{town}村庄规划（2021—2035年）批后公布",
                f"示例县{town}产业园区详细规划修改论证报告公示",
            ])
        elif cat == "行政许可":
            t = rng.choice([
                f"{town}{rng.choice(['安置房', '中心小学', '卫生院', '标准厂房', '农贸市场', '污水处理厂'])}项目建设用地规划许可证核发公示",
                f"{town}{rng.choice(['商住', '工业', '市政道路', '学校扩建', '养老院'])}项目建设工程规划许可证批后公布",
                f"示例县{town}{rng.choice(['石场', '砂场', '建筑用石料矿'])}采矿权延续登记公示",
                f"{town}乡村建设规划许可证核发公示（第{n}批）",
            ])
        elif cat == "行政处罚":
            t = f"示例县自然资源局行政处罚决定书（示自然资罚〔2023〕{n}号）"
        elif cat == "财政信息":
            t = ["示例县自然资源局2023年部门预算", "示例县自然资源局2023年“三公”经费预算",
                 "示例县自然资源局2022年部门决算", "示例县2022年度耕地开垦费使用情况"][n - 1]
        elif cat == "建议提案办理":
            kind = rng.choice(["县人大十八届二次会议第{k}号建议", "县政协十一届二次会议第{k}号提案"])
            t = f"关于{kind.format(k=rng.randint(3, 160))}的答复"
        elif cat == "通知公告":
            t = rng.choice([
                f"示例县2023年第{n}批次国有建设用地使用权挂牌出让公告",
                f"{town}{rng.choice(['集体土地', '农用地转用'])}征收补偿安置方案公告",
                f"示例县不动产首次登记公告（{d.year}年第{n}期）",
                f"关于{town}{rng.choice(['地质灾害隐患点', '采矿权', '土地复垦项目'])}的公告",
            ])
        elif cat == "工作动态":
            t = rng.choice([
                f"示例县自然资源局开展{rng.choice(['“4·22”世界地球日', '“6·25”全国土地日', '地质灾害防治', '耕地保护', '测绘法'])}宣传活动",
                f"示例县自然资源局召开{rng.choice(['2023年工作会议', '党风廉政建设工作会议', '汛期地质灾害防治部署会', '不动产登记业务培训会', '执法监察工作会议'])}",
                f"示例县自然资源局赴{town}调研{rng.choice(['耕地保护', '农村乱占耕地建房整治', '地质灾害隐患点', '重点项目用地保障', '矿山生态修复'])}工作",
                f"{town}自然资源所开展{rng.choice(['违法用地巡查', '汛前地灾隐患排查', '田长制巡田', '卫片图斑核查'])}",
            ])
        else:
            raise ValueError(cat)
        if t not in used:
            used.add(t)
            return t
    raise RuntimeError("could not make a unique title")


# canonical keys follow disclo's vocabulary: 政府网站 (政府门户网站/网站), 政务新媒体, 微信公众号 (→ 政务微信),
# 政务公开栏. No cell names both 政务新媒体 and 微信公众号, so merging the two stays a plain sum.
CHANNEL_CELLS_2023 = [
    ("政府网站", ("政府网站",)),
    ("政府网站、政务新媒体", ("政府网站", "政务新媒体")),
    ("政府网站、微信公众号", ("政府网站", "微信公众号")),
    ("政府网站、政务公开栏", ("政府网站", "政务公开栏")),
    ("政府网站、政务公开栏、政务新媒体", ("政府网站", "政务公开栏", "政务新媒体")),
    ("微信公众号", ("微信公众号",)),
    ("政务公开栏", ("政务公开栏",)),
]


def build_2023_items() -> list[dict]:
    rng = random.Random(2023)
    items: list[dict] = []

    def add(d, cat, title, docno=None, doctype=None, abolished=None):
        items.append({"date": d, "category": cat, "title": title, "docno": docno, "doctype": doctype, "abolished": abolished})

    def day_in(month: int) -> dt.date:
        return rng.choice(weekdays(2023, month))

    for m, t, no, typ in DOCS_2023:
        add(day_in(m), "政策文件", t, no, typ)
    for m, t in INTERPRETATIONS:
        add(day_in(m), "政策文件", t)
    for m, t, no in OTHER_POLICY_2023:
        d = dt.date(2023, 6, 30) if "废止" in t else day_in(m)
        add(d, "政策文件", t, no)
    assert sum(1 for it in items if it["category"] == "政策文件") == 14
    used = {it["title"] for it in items}
    counters: Counter = Counter()
    for cat, n in CATEGORIES_2023:
        if cat == "政策文件":
            continue
        dates = sorted(day_in(rng.randint(1, 12)) for _ in range(n))
        for d in dates:
            add(d, cat, make_title_2023(cat, d, rng, used, counters))
    assert len(items) == 150
    for pub, t, no, typ, ab in ABOLISHED_EARLIER:
        add(pub, "政策文件", t, no, typ, ab)

    items.sort(key=lambda it: (it["date"], it["title"]))
    seq: Counter = Counter()
    for it in items:
        seq[it["date"].year] += 1
        it["id"] = f"SLZY-{it['date'].year}-{seq[it['date'].year] + (86 if it['date'].year == 2019 else 30 if it['date'].year == 2020 else 0):04d}"

    for it in items:
        cat = it["category"]
        if it["date"].year < 2023:
            cell = CHANNEL_CELLS_2023[0]
        elif cat == "工作动态":
            cell = CHANNEL_CELLS_2023[rng.choice([0, 1, 1, 2, 2, 5, 5])]
        elif cat == "通知公告" and "征收" in it["title"]:
            cell = CHANNEL_CELLS_2023[rng.choice([3, 4, 6])]
        elif cat == "政策文件":
            cell = CHANNEL_CELLS_2023[rng.choice([0, 1, 2, 4])]
        else:
            cell = CHANNEL_CELLS_2023[rng.choice([0, 0, 0, 1, 2, 3])]
        it["channel_cell"], it["channels"] = cell
        it["form"] = rng.choices(["datetime", "iso", "slash", "cn"], weights=[80, 8, 7, 5])[0]
        it["remark"] = None
    for it in items:
        if it["abolished"]:
            it["remark"] = f"已于{it['abolished'].year}年{it['abolished'].month}月{it['abolished'].day}日废止"
    return items


def write_2023_items(items: list[dict], path: Path) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.title = "2023年"
    headers = ["序号", "索引号", "标题", "类别", "发布日期", "发布渠道", "文号", "文件类型", "废止日期", "备注"]
    title_row(ws, f"{OFFICE_2023}2023年政府信息主动公开台账", len(headers))
    header_row(ws, headers, 2)
    for n, it in enumerate(items, start=1):
        r = n + 2
        ws.cell(row=r, column=1, value=n)
        ws.cell(row=r, column=2, value=it["id"])
        ws.cell(row=r, column=3, value=it["title"])
        ws.cell(row=r, column=4, value=it["category"])
        put_date(ws.cell(row=r, column=5), it["date"], it["form"])
        ws.cell(row=r, column=6, value=it["channel_cell"])
        if it["docno"]:
            ws.cell(row=r, column=7, value=it["docno"])
        if it["doctype"]:
            ws.cell(row=r, column=8, value=it["doctype"])
        if it["abolished"]:
            put_date(ws.cell(row=r, column=9), it["abolished"], "datetime")
        if it["remark"]:
            ws.cell(row=r, column=10, value=it["remark"])
    widths(ws, [6, 16, 56, 14, 14, 30, 22, 16, 14, 20])
    save_workbook(wb, path)
    return {"title_row": 1, "header_row": 2, "first_data_row": 3, "last_data_row": len(items) + 2}


# --- requests -------------------------------------------------------------------------------

# (outcome family, reason or None) -> raw (办理结果, 具体情形) variants
OUTCOME_PLAN_2023 = [
    # (family, reason, raw outcome, raw reason, how many)
    ("予以公开", None, "同意公开", None, 10),
    ("予以公开", None, "予以公开", None, 14),
    ("部分公开", None, "部分公开", None, 2),
    ("部分公开", None, "部分公开", "涉及第三方个人信息部分不予公开", 1),
    ("部分公开", None, "同意部分公开", None, 2),
    ("不予公开", "属于国家秘密", "不予公开", "属于国家秘密", 1),
    ("不予公开", "保护第三方合法权益", "不予公开", "保护第三方合法权益", 1),
    ("不予公开", "保护第三方合法权益", "不予公开", "4.保护第三方合法权益", 1),
    ("不予公开", "属于四类过程性信息", "不予公开", "属于四类过程性信息", 2),
    ("不予公开", "属于行政执法案卷", "不予公开", "属于行政执法案卷", 1),
    ("无法提供", "本机关不掌握相关政府信息", "无法提供", "信息不存在", 4),
    ("无法提供", "本机关不掌握相关政府信息", "无法提供", "本机关不掌握相关政府信息", 3),
    ("无法提供", "没有现成信息需要另行制作", "无法提供", "没有现成信息需要另行制作", 2),
    ("不予处理", "信访举报投诉类申请", "不予处理", "信访举报投诉类申请", 3),
    ("不予处理", "重复申请", "不予处理", "重复申请", 2),
    ("其他处理", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其他处理",
     "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 1),
    ("其他处理", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "其他处理", "逾期不补正", 1),
    ("其他处理", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他处理",
     "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", 1),
    ("其他处理", "其他", "其他处理", "其他", 2),
]

APPLICANT_RAW = {
    "个人": "自然人", "公民": "自然人", "自然人": "自然人",
    "企业": "商业企业", "公司": "商业企业",
    "科研机构": "科研机构", "社会公益组织": "社会公益组织",
    "律师事务所": "法律服务机构", "其他": "其他",
}
REQ_CHANNEL_RAW = {
    "网上": "网上", "网络": "网上", "当面": "当面", "信函": "信函", "邮寄": "信函",
    "电子邮件": "电子邮件", "传真": "传真",
}
REQUEST_CONTENTS = [
    "{town}{p}项目土地征收批复文件", "{town}{p}项目用地预审意见", "本人位于{town}房屋的不动产登记资料",
    "{town}某村集体土地征收补偿安置方案", "{town}{p}项目建设工程规划许可证及附图", "{town}违法用地查处情况",
    "{town}村庄规划图", "{town}{p}项目国有建设用地使用权出让合同", "示例县2022年度土地变更调查成果",
    "{town}矿山地质环境恢复治理方案", "{town}宅基地审批档案", "{town}{p}项目临时用地审批文件",
]
PROJECTS = ["安置房", "工业园", "道路拓宽", "污水处理厂", "中学扩建", "物流园", "商住"]


def build_requests() -> list[dict]:
    rng = random.Random(20230101)
    reqs: list[dict] = []

    def content() -> str:
        return "申请公开" + rng.choice(REQUEST_CONTENTS).format(town=rng.choice(TOWNS), p=rng.choice(PROJECTS))

    # five requests from Nov/Dec 2022 (ids continue the 2022 register)
    carried_2022 = [
        (dt.date(2022, 11, 3), dt.date(2022, 11, 24), "予以公开", None, "同意公开", None, False),
        (dt.date(2022, 11, 21), dt.date(2022, 12, 14), "无法提供", "本机关不掌握相关政府信息", "无法提供", "信息不存在", False),
        (dt.date(2022, 12, 8), dt.date(2023, 1, 5), "部分公开", None, "部分公开", None, False),
        (dt.date(2022, 12, 20), dt.date(2023, 1, 10), "予以公开", None, "予以公开", None, False),
        (dt.date(2022, 12, 27), dt.date(2023, 2, 8), "不予公开", "属于四类过程性信息", "不予公开", "属于四类过程性信息", True),
    ]
    for k, (rec, ans, fam, reason, raw_o, raw_r, ext) in enumerate(carried_2022, start=51):
        reqs.append({"id": f"ZRZY-YSQ-2022-{k:03d}", "received": rec, "answered": ans, "outcome": fam, "reason": reason,
                     "outcome_cell": raw_o, "reason_cell": raw_r, "extended": ext})

    # outcomes of the 2023 receipts answered in 2023 = plan minus the 3 carried answered in 2023
    plan = [(f, r, ro, rr) for f, r, ro, rr, k in OUTCOME_PLAN_2023 for _ in range(k)]
    for taken in [("部分公开", None, "部分公开", None), ("予以公开", None, "予以公开", None),
                  ("不予公开", "属于四类过程性信息", "不予公开", "属于四类过程性信息")]:
        plan.remove(taken)
    rng.shuffle(plan)
    n_answered = len(plan)  # 51
    # receipt dates spread over 2023-01-03 .. 2023-11-30, open ones in December
    days = [d for m in range(1, 12) for d in weekdays(2023, m) if d >= dt.date(2023, 1, 3)]
    received = sorted(rng.sample(days, n_answered))
    for rec, (fam, reason, raw_o, raw_r) in zip(received, plan, strict=True):
        ext = rng.random() < 0.12
        delay = rng.randint(22, 40) if ext else rng.randint(3, 24)
        ans = next_weekday(rec + dt.timedelta(days=delay))
        if ans.year > 2023:
            ans = dt.date(2023, 12, 29)
        reqs.append({"received": rec, "answered": ans, "outcome": fam, "reason": reason,
                     "outcome_cell": raw_o, "reason_cell": raw_r, "extended": ext})
    # four received in December 2023, still open at year end
    for rec, cell in [(dt.date(2023, 12, 11), None), (dt.date(2023, 12, 18), "办理中"),
                      (dt.date(2023, 12, 22), None), (dt.date(2023, 12, 27), "办理中")]:
        reqs.append({"received": rec, "answered": None, "outcome": None, "reason": None,
                     "outcome_cell": cell, "reason_cell": None, "extended": False})

    new_2023 = [q for q in reqs if q["received"].year == 2023]
    for k, q in enumerate(sorted(new_2023, key=lambda q: q["received"]), start=1):
        q["id"] = f"ZRZY-YSQ-2023-{k:03d}"

    # applicants: make sure every column of Table 三 is used, the rest natural persons
    applicants = (["科研机构"] * 2 + ["社会公益组织"] * 2 + ["律师事务所"] * 3 + ["企业"] * 4 + ["公司"] * 3 + ["其他"] * 2)
    rest = len(reqs) - len(applicants)
    applicants += [rng.choice(["个人", "个人", "公民", "自然人"]) for _ in range(rest)]
    rng.shuffle(applicants)
    channels = rng.choices(list(REQ_CHANNEL_RAW), weights=[30, 10, 20, 6, 6, 8, 3], k=len(reqs))
    for q, a, c in zip(reqs, applicants, channels, strict=True):
        q["applicant_cell"], q["applicant"] = a, APPLICANT_RAW[a]
        q["channel_cell"], q["channel"] = c, REQ_CHANNEL_RAW[c]
        q["content"] = content()
        q["fee"] = rng.choice([None, None, None, 0])
        q["received_form"] = rng.choices(["datetime", "iso", "slash", "cn"], weights=[80, 8, 7, 5])[0]
        q["answered_form"] = rng.choices(["datetime", "iso", "cn"], weights=[85, 10, 5])[0]
    reqs.sort(key=lambda q: (q["received"], q["id"]))
    return reqs


def write_requests(reqs: list[dict], path: Path) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.title = "依申请公开"
    headers = ["申请编号", "收到日期", "申请方式", "申请人类型", "申请内容", "办理结果", "具体情形", "答复日期", "是否延期", "延期告知日期", "收费金额"]
    title_row(ws, f"{OFFICE_2023}政府信息公开申请办理台账（2023年度）", len(headers))
    header_row(ws, headers, 2)
    for r, q in enumerate(reqs, start=3):
        ws.cell(row=r, column=1, value=q["id"])
        put_date(ws.cell(row=r, column=2), q["received"], q["received_form"])
        ws.cell(row=r, column=3, value=q["channel_cell"])
        ws.cell(row=r, column=4, value=q["applicant_cell"])
        ws.cell(row=r, column=5, value=q["content"])
        if q["outcome_cell"]:
            ws.cell(row=r, column=6, value=q["outcome_cell"])
        if q["reason_cell"]:
            ws.cell(row=r, column=7, value=q["reason_cell"])
        if q["answered"]:
            put_date(ws.cell(row=r, column=8), q["answered"], q["answered_form"])
            ws.cell(row=r, column=9, value="是" if q["extended"] else "否")
            if q["extended"]:  # the extension is decided and told within the first 20 working days
                put_date(ws.cell(row=r, column=10), next_weekday(q["received"] + dt.timedelta(days=21)), "datetime")
        if q["fee"] is not None:
            ws.cell(row=r, column=11, value=q["fee"])
    widths(ws, [18, 14, 10, 12, 50, 14, 40, 14, 10, 14, 10])
    save_workbook(wb, path)
    return {"title_row": 1, "header_row": 2, "first_data_row": 3, "last_data_row": len(reqs) + 2}


# --- reviews and lawsuits -------------------------------------------------------------------

CASES = [
    # id, type cell, route cell, filed, result cell, canonical (type, route, result)
    ("FY-2022-03", "行政复议", None, dt.date(2022, 11, 15), "纠正", ("复议", None, "纠正")),
    ("FY-2023-01", "行政复议", None, dt.date(2023, 3, 14), "维持", ("复议", None, "维持")),
    ("FY-2023-02", "复议", None, dt.date(2023, 6, 2), "驳回", ("复议", None, "维持")),
    ("FY-2023-03", "行政复议", None, dt.date(2023, 8, 21), "撤销", ("复议", None, "纠正")),
    ("FY-2023-04", "行政复议", None, dt.date(2023, 12, 5), None, ("复议", None, "尚未审结")),
    ("SS-2023-01", "行政诉讼", "未经复议直接起诉", dt.date(2023, 4, 18), "驳回", ("诉讼", "直接", "维持")),
    ("SS-2023-02", "行政诉讼", "直接起诉", dt.date(2023, 9, 7), "其他", ("诉讼", "直接", "其他")),
    ("SS-2023-03", "行政诉讼", "复议后起诉", dt.date(2023, 10, 12), "尚未审结", ("诉讼", "复议后", "尚未审结")),
]


def write_cases(path: Path) -> dict:
    wb = Workbook()
    ws = wb.active
    ws.title = "复议诉讼"
    headers = ["案件编号", "类型", "起诉方式", "立案日期", "结果"]
    title_row(ws, f"{OFFICE_2023}政府信息公开行政复议、行政诉讼案件台账", len(headers))
    header_row(ws, headers, 2)
    for r, (cid, typ, route, filed, result, _) in enumerate(CASES, start=3):
        ws.cell(row=r, column=1, value=cid)
        ws.cell(row=r, column=2, value=typ)
        if route:
            ws.cell(row=r, column=3, value=route)
        put_date(ws.cell(row=r, column=4), filed, "datetime")
        if result:
            ws.cell(row=r, column=5, value=result)
    widths(ws, [14, 12, 18, 14, 12])
    save_workbook(wb, path)
    return {"title_row": 1, "header_row": 2, "first_data_row": 3, "last_data_row": len(CASES) + 2}


# --- expected figures -----------------------------------------------------------------------

APPLICANT_COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
TABLE3_ROWS = [
    # (label, group, selector) — selector is "new", "carried", "open", "total" or (family, reason)
    ("一、本年新收政府信息公开申请数量", None, "new"),
    ("二、上年结转政府信息公开申请数量", None, "carried"),
    ("（一）予以公开", "三、本年度办理结果", ("予以公开", None)),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三、本年度办理结果", ("部分公开", None)),
    ("1.属于国家秘密", "（三）不予公开", ("不予公开", "属于国家秘密")),
    ("2.其他法律行政法规禁止公开", "（三）不予公开", ("不予公开", "其他法律行政法规禁止公开")),
    ("3.危及“三安全一稳定”", "（三）不予公开", ("不予公开", "危及“三安全一稳定”")),
    ("4.保护第三方合法权益", "（三）不予公开", ("不予公开", "保护第三方合法权益")),
    ("5.属于三类内部事务信息", "（三）不予公开", ("不予公开", "属于三类内部事务信息")),
    ("6.属于四类过程性信息", "（三）不予公开", ("不予公开", "属于四类过程性信息")),
    ("7.属于行政执法案卷", "（三）不予公开", ("不予公开", "属于行政执法案卷")),
    ("8.属于行政查询事项", "（三）不予公开", ("不予公开", "属于行政查询事项")),
    ("1.本机关不掌握相关政府信息", "（四）无法提供", ("无法提供", "本机关不掌握相关政府信息")),
    ("2.没有现成信息需要另行制作", "（四）无法提供", ("无法提供", "没有现成信息需要另行制作")),
    ("3.补正后申请内容仍不明确", "（四）无法提供", ("无法提供", "补正后申请内容仍不明确")),
    ("1.信访举报投诉类申请", "（五）不予处理", ("不予处理", "信访举报投诉类申请")),
    ("2.重复申请", "（五）不予处理", ("不予处理", "重复申请")),
    ("3.要求提供公开出版物", "（五）不予处理", ("不予处理", "要求提供公开出版物")),
    ("4.无正当理由大量反复申请", "（五）不予处理", ("不予处理", "无正当理由大量反复申请")),
    ("5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", ("不予处理", "要求行政机关确认或重新出具已获取信息")),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理",
     ("其他处理", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理",
     ("其他处理", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")),
    ("3.其他", "（六）其他处理", ("其他处理", "其他")),
    ("（七）总计", "三、本年度办理结果", "total"),
    ("四、结转下年度继续办理", None, "open"),
]


def table3(reqs: list[dict], year: int) -> list[dict]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def selected(sel) -> list[dict]:
        if sel == "new":
            return [q for q in reqs if start <= q["received"] <= end]
        if sel == "carried":
            return [q for q in reqs if q["received"] < start and (q["answered"] is None or q["answered"] >= start)]
        if sel == "open":
            return [q for q in reqs if q["received"] <= end and (q["answered"] is None or q["answered"] > end)]
        closed = [q for q in reqs if q["answered"] is not None and start <= q["answered"] <= end]
        if sel == "total":
            return closed
        fam, reason = sel
        return [q for q in closed if q["outcome"] == fam and q["reason"] == reason]

    rows = []
    for label, group, sel in TABLE3_ROWS:
        chosen = selected(sel)
        counts = Counter(q["applicant"] for q in chosen)
        values = [counts[c] for c in APPLICANT_COLUMNS]
        values.append(sum(values))
        row = {"label": label, "values": values}
        if group:
            row["group"] = group
        rows.append(row)
    check_table3(rows)
    return rows


def check_table3(rows: list[dict]) -> None:
    """The identities of formats.md §3."""
    v = {(r.get("group"), r["label"]): r["values"] for r in rows}
    by_label = [r["values"] for r in rows]
    one, two, total, four = by_label[0], by_label[1], by_label[-2], by_label[-1]
    results = by_label[2:-2]
    for col in range(7):
        assert one[col] + two[col] == total[col] + four[col], ("一+二 ≠ 三（七）+四", col)
        assert total[col] == sum(r[col] for r in results), ("（七） ≠ sum of results", col)
    for vals in v.values():
        assert vals[6] == sum(vals[:6]), "总计 ≠ sum of applicant columns"


def table4() -> list[int]:
    order = ["维持", "纠正", "其他", "尚未审结"]

    def block(typ: str, route: str | None) -> list[int]:
        cases = [c[5] for c in CASES if c[3].year == 2023 and c[5][0] == typ and c[5][1] == route]
        counts = Counter(c[2] for c in cases)
        vals = [counts[k] for k in order]
        assert sum(vals) == len(cases)
        return vals + [sum(vals)]

    return block("复议", None) + block("诉讼", "直接") + block("诉讼", "复议后")


def expected_2023(items: list[dict], reqs: list[dict], layouts: dict) -> dict:
    items23 = [it for it in items if it["date"].year == 2023]
    by_cat = Counter(it["category"] for it in items23)
    by_channel: Counter = Counter()
    for it in items23:
        for ch in it["channels"]:
            by_channel[ch] += 1
    docs = {}
    for label, cells in [("规章", {"规章"}), ("行政规范性文件", {"行政规范性文件", "规范性文件"})]:
        docs[label] = {
            "本年制发件数": sum(1 for it in items if it["doctype"] in cells and it["date"].year == 2023),
            "本年废止件数": sum(1 for it in items if it["doctype"] in cells and it["abolished"] and it["abolished"].year == 2023),
        }
    rows23 = table3(reqs, 2023)
    rows22 = table3(reqs, 2022)
    assert rows22[-1]["values"] == rows23[1]["values"], "2022 四 ≠ 2023 二"
    new23 = [q for q in reqs if q["received"].year == 2023]
    t4 = table4()
    assert len(t4) == 15
    return {
        "office": OFFICE_2023,
        "year": 2023,
        "table3": {"columns": APPLICANT_COLUMNS + ["总计"], "rows": rows23},
        "table4": t4,
        "table4_columns": [f"{block}:{col}" for block in ["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]
                           for col in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]],
        "table3_2022_row4": {"label": "四、结转下年度继续办理", "values": rows22[-1]["values"],
                              "note": "2022 restricted to the requests in this file; equals 2023's 二"},
        "items_total": len(items23),
        "items_by_category": {cat: by_cat[cat] for cat, _ in CATEGORIES_2023},
        "items_by_channel": dict(sorted(by_channel.items(), key=lambda kv: -kv[1])),
        "items_outside_2023": dict(Counter(str(it["date"].year) for it in items if it["date"].year != 2023)),
        "documents_2023": docs,
        "requests_received_2023": len(new23),
        "requests_2023_by_channel": {c: sum(1 for q in new23 if q["channel"] == c)
                                     for c in ["当面", "网上", "信函", "传真", "电子邮件", "其他"]},
        "requests_open_at_2023_end": [q["id"] for q in reqs if q["received"].year <= 2023 and q["answered"] is None],
        "fees_2023": 0,
        "layout": layouts,
    }


# --------------------------------------------------------------------------------------------


def main() -> None:
    OUT_2018.mkdir(parents=True, exist_ok=True)
    OUT_2023.mkdir(parents=True, exist_ok=True)

    items18 = build_2018_items()
    layout18 = write_2018_main(items18, OUT_2018 / "主动公开台账2018.xlsx")
    sup_ids = write_2018_supplement(items18, OUT_2018 / "主动公开台账2018-12月补报.xlsx")
    write_2018_csv(items18, OUT_2018 / "主动公开台账2018.csv")
    exp18 = expected_2018(items18, layout18, sup_ids)
    assert exp18["items_by_category"] == dict(CATEGORIES_2018)
    assert exp18["legacy_appendix"] == {"政府网站公开": 250, "政府公报公开": 0}
    (OUT_2018 / "expected_2018.json").write_text(json.dumps(exp18, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    items23 = build_2023_items()
    reqs = build_requests()
    layouts = {
        "主动公开台账2023.xlsx": write_2023_items(items23, OUT_2023 / "主动公开台账2023.xlsx"),
        "依申请公开台账2023.xlsx": write_requests(reqs, OUT_2023 / "依申请公开台账2023.xlsx"),
        "行政复议诉讼台账2023.xlsx": write_cases(OUT_2023 / "行政复议诉讼台账2023.xlsx"),
    }
    exp23 = expected_2023(items23, reqs, layouts)
    (OUT_2023 / "expected_2023.json").write_text(json.dumps(exp23, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT_2018.relative_to(HERE.parent)} and {OUT_2023.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
