"""The three templates a fresh install generates from (the centre edits them in the admin)."""
from django.db import migrations

SECTIONS = ["volume", "channels", "categories", "kpis", "ranking", "red_units", "cases"]
DEFAULTS = [
    ("daily", "12345热线工作日报", "现将昨日12345政务服务便民热线受理办理情况通报如下。",
     ["volume", "channels", "categories", "kpis", "red_units"]),
    ("weekly", "12345热线工作周报", "现将上周12345政务服务便民热线受理办理情况通报如下。", SECTIONS),
    ("monthly", "12345热线工作月报", "现将上月12345政务服务便民热线受理办理及承办单位考核情况通报如下。", SECTIONS),
]
OUTRO = "请各承办单位对照通报查找不足，对超期未办结工单抓紧办理。"


def create(apps, schema_editor):
    Template = apps.get_model("bulletins", "BulletinTemplate")
    for kind, title, intro, sections in DEFAULTS:
        if not Template.objects.filter(kind=kind).exists():
            Template.objects.create(kind=kind, title=title, intro=intro, outro=OUTRO, sections=sections)


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_i18_bulletins")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
