"""The columns of a knowledge point in import, export and the downloadable template (one list,
so that the three cannot drift). Headers are what the centre's staff read in Excel."""

# (header, field, note shown in the template's second sheet)
COLUMNS = [
    ("标题", "title", "必填，最多120字"),
    ("常见问法", "questions", "每行一个问法（单元格内换行），或用“；”分隔"),
    ("答复口径", "answer", "必填，答复全文"),
    ("短信答复", "sms_answer", "选填，最多120字；为空时从答复口径截取"),
    ("分类", "category", "三级分类全称，如：城乡建设/城市建设和市政管理/城市公共设施"),
    ("责任单位", "unit", "单位名称或编码；为空表示热线中心"),
    ("政策依据", "source_title", "文件名称"),
    ("文号", "source_number", "如：国办发〔2020〕53号"),
    ("链接", "source_url", "http(s) 地址"),
    ("生效日期", "valid_from", "YYYY-MM-DD，可为空"),
    ("失效日期", "valid_to", "YYYY-MM-DD，可为空（长期有效）"),
    ("公开范围", "audience", "公开 或 内部"),
]
HEADERS = [header for header, _, _ in COLUMNS]
