"""办结审核 (issue 16 item 3): the reply review policy, with complaints (投诉) and reports (举报)
reviewed by default (a type without a row is not reviewed), and a reply's review fields."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DEFAULT_REVIEWED = ["complaint", "report"]


def forwards(apps, schema_editor):
    ReplyReviewPolicy = apps.get_model("dispatch", "ReplyReviewPolicy")
    for ticket_type in DEFAULT_REVIEWED:
        ReplyReviewPolicy.objects.get_or_create(ticket_type=ticket_type, defaults={"review_required": True})


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0010_i16_holiday_years'),
        ('hotline', '0009_i16_reply_review'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReplyReviewPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ticket_type', models.CharField(choices=[('consultation', '咨询'), ('help', '求助'), ('complaint', '投诉'), ('report', '举报'), ('suggestion', '建议'), ('praise', '表扬'), ('other', '其他')], max_length=16, unique=True, verbose_name='诉求类型')),
                ('review_required', models.BooleanField(default=True, help_text='勾选：该类工单主办单位的答复须经热线办审核通过后才回访、才把办理结果短信发给市民', verbose_name='须审核')),
            ],
            options={
                'verbose_name': '办结审核规则',
                'verbose_name_plural': '办结审核规则',
                'ordering': ['ticket_type'],
            },
        ),
        migrations.AddField(
            model_name='reply',
            name='review_note',
            field=models.TextField(blank=True, verbose_name='审核意见'),
        ),
        migrations.AddField(
            model_name='reply',
            name='review_state',
            field=models.CharField(blank=True, choices=[('', '无需审核'), ('pending', '待审核'), ('approved', '审核通过'), ('sent_back', '退回重办'), ('cancelled', '已撤销')], default='', max_length=10, verbose_name='审核状态'),
        ),
        migrations.AddField(
            model_name='reply',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='审核时间'),
        ),
        migrations.AddField(
            model_name='reply',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人'),
        ),
        migrations.AddIndex(
            model_name='reply',
            index=models.Index(condition=models.Q(('review_state', 'pending')), fields=['created_at'], name='reply_review_pending'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
