"""Issue #24: a co-unit part still unanswered when its ticket closes ends as 已结束 (closed);
every part records when it ended (ended_at), which orders a unit's 已办 list."""

from django.conf import settings
from django.db import migrations, models


def backfill_ended_at(apps, schema_editor):
    """Parts that ended before this migration: a reply ended at its time, a return at the
    return's; cancelled parts never show in 已办 and keep no time."""
    Assignment = apps.get_model("dispatch", "Assignment")
    TicketReturn = apps.get_model("dispatch", "TicketReturn")
    Assignment.objects.filter(state="replied", ended_at__isnull=True).update(ended_at=models.F("replied_at"))
    returned_at = TicketReturn.objects.filter(assignment=models.OuterRef("pk")).values("created_at")[:1]
    Assignment.objects.filter(state="returned", ended_at__isnull=True).update(
        ended_at=models.Subquery(returned_at))


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0008_eventoutbox_moves_to_hotline'),
        ('hotline', '0007_eventoutbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='ended_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='结束时间'),
        ),
        migrations.AlterField(
            model_name='assignment',
            name='state',
            field=models.CharField(choices=[('pending', '待签收'), ('signed', '已签收'), ('replied', '已回复'), ('returned', '已退回'), ('cancelled', '已撤销'), ('closed', '已结束')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(backfill_ended_at, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('state__in', ('replied', 'returned', 'closed'))), fields=['unit', '-ended_at', '-id'], name='assignment_unit_done'),
        ),
    ]
