# Issue #24: the console's category search finds 路灯 (城市公共设施) by synonyms and example
# complaints; each category gets the shipped words and a precomputed search text.
from django.db import migrations, models

from hotline.taxonomy import load_synonyms


def forwards(apps, schema_editor):
    load_synonyms(apps.get_model("hotline", "Category"))


class Migration(migrations.Migration):

    dependencies = [
        ('hotline', '0007_eventoutbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='examples',
            field=models.TextField(blank=True, default='', help_text='每行一条（或用“；”分隔），如：小区门口路灯不亮', verbose_name='典型诉求'),
        ),
        migrations.AddField(
            model_name='category',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='检索文本'),
        ),
        migrations.AddField(
            model_name='category',
            name='synonyms',
            field=models.TextField(blank=True, default='', help_text='市民常说的词，用空格、逗号或顿号分隔，如：路灯 井盖 红绿灯', verbose_name='同义词与常见说法'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
