"""A bulletin as a PDF (reportlab, the built-in CJK CID font STSong-Light as dispatch's 督办通知书
uses: nothing fetched, PDF readers supply the glyphs; charts drawn with reportlab.graphics) and
as an xlsx workbook (openpyxl, one sheet per section)."""
import io
from xml.sax.saxutils import escape

from django.conf import settings

from .content import NO_SCORES, _pct
from .models import Section

CJK_FONT = "STSong-Light"
SECTION_TITLES = {s.value: str(s.label) for s in Section}
PALETTE = ["#1f6fb2", "#e07b24", "#3a9d5d", "#c23b3b", "#7b5ea7", "#8c6d31", "#4aa3b5", "#999999"]


def _score(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def section_tables(content: dict) -> dict[str, list[tuple[str, list[str], list[list]]]]:
    """Per section, its tables as (caption, header, rows): what the PDF prints and the xlsx holds.
    Rows hold numbers as numbers (the xlsx cells), rates as fractions."""
    out: dict = {}
    if Section.VOLUME in content:
        v = content[Section.VOLUME]
        out[Section.VOLUME] = [
            ("总体情况", ["项目", "数量（件）"],
             [["受理量", v["received"]], ["直接答复", v["direct_answered"]], ["交办量", v["dispatched"]],
              ["办结量", v["closed"]], ["未办结", v["open_now"]]]),
            ("每日受理与办结", ["日期", "受理", "办结"], [[d["day"], d["received"], d["closed"]] for d in v["trend"]]),
        ]
    if Section.CHANNELS in content:
        out[Section.CHANNELS] = [("来源渠道", ["渠道", "受理量（件）"],
                                  [[r["name"], r["received"]] for r in content[Section.CHANNELS]])]
    if Section.CATEGORIES in content:
        c = content[Section.CATEGORIES]
        out[Section.CATEGORIES] = [
            ("一级分类", ["分类", "受理量（件）"], [[r["name"], r["received"]] for r in c["top"]]),
            ("热点诉求", ["热词", "提及次数"], [[t["term"], t["count"]] for t in c["hot_topics"]]),
        ]
    if Section.KPIS in content:
        out[Section.KPIS] = [("办理质效", ["指标", "数值", "分子", "分母"],
                              [[k["label"], k["value"], k["numerator"], k["denominator"]]
                               for k in content[Section.KPIS]])]
    if Section.RANKING in content:
        r = content[Section.RANKING]
        out[Section.RANKING] = [
            ("承办单位综合排名", ["名次", "单位", "交办", "办结", "办结率", "按时办结率", "满意率", "综合得分"],
             [[w["rank"], w["unit"], w["dispatched"], w["closed"], w["closure_rate"], w["on_time_rate"],
               w["satisfaction_rate"], w["score"]] for w in r["weighted"]]),
            (f"{r['scores_month']}考核得分", ["名次", "单位", "得分"],
             [[s["rank"], s["unit"], s["score"]] for s in r["scores"]]),
        ]
    if Section.RED_UNITS in content:
        out[Section.RED_UNITS] = [("红灯（超期）工单较多的单位", ["单位", "红灯工单（件）"],
                                   [[u["unit"], u["red"]] for u in content[Section.RED_UNITS]])]
    if Section.CASES in content:
        out[Section.CASES] = [("典型案例", ["标题", "分类", "承办单位", "诉求摘要", "办理结果"],
                               [[c["title"], c["category"], c["unit"], c["summary"], c["answer"]]
                                for c in content[Section.CASES]])]
    return out


RATE_HEADERS = {"办结率", "按时办结率", "满意率", "数值"}


def _shown(header: str, value) -> str:
    if value is None:
        return "—"
    if header in RATE_HEADERS and isinstance(value, float):
        return _pct(value)
    if header in ("综合得分", "得分") and isinstance(value, (int, float)):
        return _score(value)
    return str(value)


# --- xlsx ---

def render_xlsx(*, title: str, period_label: str, content: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    cover = book.active
    cover.title = "概要"
    cover.append([title])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["统计期", period_label])
    for section, tables in section_tables(content).items():
        sheet = book.create_sheet(SECTION_TITLES[section][:31])
        for caption, header, rows in tables:
            sheet.append([caption])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
            sheet.append(header)
            for row in rows:
                sheet.append(row)
                for col, head in enumerate(header, start=1):
                    if head in RATE_HEADERS and isinstance(row[col - 1], float):
                        sheet.cell(row=sheet.max_row, column=col).number_format = "0.0%"
            if section == Section.RANKING and caption.endswith("考核得分") and not rows:
                sheet.append([NO_SCORES])
            sheet.append([])
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 28
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- PDF ---

def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _trend_chart(trend: list[dict]):
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(440, 180)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, 380, 120
    chart.data = [[d["received"] for d in trend], [d["closed"] for d in trend]]
    chart.categoryAxis.categoryNames = [d["label"] for d in trend]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.categoryAxis.labels.fontSize = 7 if len(trend) > 10 else 8
    if len(trend) > 16:
        chart.categoryAxis.labels.angle = 60
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    chart.bars[1].fillColor = colors.HexColor(PALETTE[1])
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 330, 175
    legend.fontName = CJK_FONT
    legend.fontSize = 8
    legend.colorNamePairs = [(colors.HexColor(PALETTE[0]), "受理"), (colors.HexColor(PALETTE[1]), "办结")]
    drawing.add(legend)
    return drawing


def _pie_chart(rows: list[tuple[str, int]]):
    from reportlab.graphics.charts.piecharts import Pie
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    drawing = Drawing(440, 170)
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 150, 15, 140, 140
    pie.data = [n for _, n in rows]
    pie.labels = [f"{name} {n}" for name, n in rows]
    pie.simpleLabels = 1
    pie.slices.fontName = CJK_FONT
    pie.slices.fontSize = 8
    for i in range(len(rows)):
        pie.slices[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    drawing.add(pie)
    return drawing


def _bar_chart(rows: list[tuple[str, float]], *, height_per_row: int = 16):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    height = 30 + height_per_row * len(rows)
    drawing = Drawing(440, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 150, 15, 270, height - 25
    chart.data = [[value for _, value in reversed(rows)]]
    chart.categoryAxis.categoryNames = [name[:14] for name, _ in reversed(rows)]
    chart.categoryAxis.labels.fontName = CJK_FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor(PALETTE[0])
    drawing.add(chart)
    return drawing


def _charts_for(section: str, content: dict) -> list:
    data = content[section]
    if section == Section.VOLUME and data["trend"] and len(data["trend"]) > 1:
        return [_trend_chart(data["trend"])]
    if section == Section.CHANNELS and data:
        return [_pie_chart([(r["name"], r["received"]) for r in data])]
    if section == Section.CATEGORIES and data["top"]:
        return [_bar_chart([(r["name"], r["received"]) for r in data["top"]])]
    if section == Section.RANKING and data["weighted"]:
        return [_bar_chart([(r["unit"], r["score"] or 0) for r in data["weighted"][:10]])]
    return []


def _lead(section: str, content: dict) -> str:
    """One sentence a leader reads first."""
    data = content[section]
    if section == Section.VOLUME:
        return (f"本期共受理群众诉求{data['received']}件，其中直接答复{data['direct_answered']}件，"
                f"交办承办单位{data['dispatched']}件，已办结{data['closed']}件，尚未办结{data['open_now']}件。")
    if section == Section.CHANNELS and data:
        return "来源渠道：" + "，".join(f"{r['name']}{r['received']}件" for r in data) + "。"
    if section == Section.KPIS:
        return "；".join(f"{k['label']}{k['text']}" for k in data) + "。"
    if section == Section.RED_UNITS:
        return "截至通报生成时，各单位均无超期未办结工单。" if not data else (
            f"截至通报生成时，共有{len(data)}个单位存在超期未办结（红灯）工单，请抓紧办理。")
    if section == Section.CASES and not data:
        return "本期暂无公开的典型案例。"
    return ""


def render_pdf(*, title: str, period_label: str, intro: str, outro: str, content: dict,
               generated_text: str) -> bytes:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _font()

    def style(name, **kw):
        return ParagraphStyle(name, fontName=CJK_FONT, wordWrap="CJK", **kw)

    heading = style("title", fontSize=22, leading=32, alignment=TA_CENTER, textColor="#b00000")
    center = style("center", fontSize=12, leading=18, alignment=TA_CENTER)
    h2 = style("h2", fontSize=15, leading=24, spaceBefore=8, spaceAfter=4)
    body = style("body", fontSize=12, leading=20, firstLineIndent=24)
    right = style("right", fontSize=12, leading=20, alignment=TA_RIGHT)
    cell = style("cell", fontSize=9, leading=12)
    caption_style = style("caption", fontSize=10, leading=14, textColor="#555555")

    def p(text, st):
        return Paragraph(escape(str(text)), st)

    office = settings.HOTLINE_OFFICE_NAME
    story = [p(office, center), Spacer(1, 3 * mm), p(title, heading), p(f"（{period_label}）", center),
             Spacer(1, 6 * mm)]
    story += [p(line, body) for line in intro.splitlines() if line.strip()]
    tables = section_tables(content)
    for number, section in enumerate(tables, start=1):
        story.append(p(f"{_cn_number(number)}、{SECTION_TITLES[section]}", h2))
        lead = _lead(section, content)
        if lead:
            story.append(p(lead, body))
        story += _charts_for(section, content)
        for caption, header, rows in tables[section]:
            if section == Section.VOLUME and caption == "每日受理与办结" and not 1 < len(rows) <= 7:
                continue  # a day needs no table; a month's 31 rows are in the chart and the xlsx
            if not rows:
                empty = NO_SCORES if caption.endswith("考核得分") else "无"
                story.append(KeepTogether([p(caption, caption_style), p(empty, body)]))
                continue
            grid = [[p(h, cell) for h in header]] + [[p(_shown(h, v), cell) for h, v in zip(header, row, strict=True)]
                                                     for row in rows]
            table = Table(grid, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#888888"),
                                       ("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"),
                                       ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
            story += [Spacer(1, 2 * mm), p(caption, caption_style), table]
    story.append(Spacer(1, 6 * mm))
    story += [p(line, body) for line in outro.splitlines() if line.strip()]
    story += [Spacer(1, 10 * mm), p(office, right), p(generated_text, right)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm, title=f"{title}（{period_label}）", author=office)
    doc.build(story)
    return buffer.getvalue()


def _cn_number(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
