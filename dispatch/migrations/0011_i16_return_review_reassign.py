"""Issue 16, items 1 and 2: a unit's 退单 becomes a request the centre reviews (TicketReturn gets a
state, a reason code and the decision; rows from before were immediate returns and migrate as
accepted, decided when made), and 改派 ends a unit's part as 已改派 (in the unit's 已办)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def existing_returns_were_accepted(apps, schema_editor):
    TicketReturn = apps.get_model("dispatch", "TicketReturn")
    TicketReturn.objects.update(state="accepted", decided_at=models.F("created_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('dispatch', '0010_i16_holiday_years'),
        ('hotline', '0008_i24_category_synonyms'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='ticketreturn',
            options={'verbose_name': '退单申请', 'verbose_name_plural': '退单申请'},
        ),
        migrations.RemoveIndex(
            model_name='assignment',
            name='assignment_unit_done',
        ),
        migrations.AddField(
            model_name='ticketreturn',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='审核时间'),
        ),
        migrations.AddField(
            model_name='ticketreturn',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审核人'),
        ),
        migrations.AddField(
            model_name='ticketreturn',
            name='decision_note',
            field=models.TextField(blank=True, verbose_name='审核意见'),
        ),
        migrations.AddField(
            model_name='ticketreturn',
            name='reason_code',
            field=models.CharField(choices=[('not_ours', '不属于本单位职责'), ('unclear', '诉求内容不清或信息不全'), ('other_channel', '应由其他途径解决（诉讼、仲裁、信访等）'), ('several_units', '涉及多个部门需协调'), ('other', '其他')], default='other', max_length=16, verbose_name='退单原因'),
        ),
        migrations.AddField(
            model_name='ticketreturn',
            name='review_due_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='审核时限'),
        ),
        # Rows from before the review: accepted (the default while the column is added), then the
        # default of a new request.
        migrations.AddField(
            model_name='ticketreturn',
            name='state',
            field=models.CharField(choices=[('pending', '待审核'), ('accepted', '已同意'), ('refused', '已驳回'), ('cancelled', '已撤销')], default='accepted', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(existing_returns_were_accepted, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='ticketreturn',
            name='state',
            field=models.CharField(choices=[('pending', '待审核'), ('accepted', '已同意'), ('refused', '已驳回'), ('cancelled', '已撤销')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='assignment',
            name='state',
            field=models.CharField(choices=[('pending', '待签收'), ('signed', '已签收'), ('replied', '已回复'), ('returned', '已退回'), ('cancelled', '已撤销'), ('closed', '已结束'), ('reassigned', '已改派')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='ticketreturn',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='申请时间'),
        ),
        migrations.AlterField(
            model_name='ticketreturn',
            name='returned_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='申请人'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('state__in', ('replied', 'returned', 'closed', 'reassigned'))), fields=['unit', '-ended_at', '-id'], name='assignment_unit_done'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('role', 'lead')), fields=['assigned_at', 'unit'], name='assignment_lead_assigned'),
        ),
        migrations.AddIndex(
            model_name='ticketreturn',
            index=models.Index(condition=models.Q(('state', 'pending')), fields=['created_at', 'id'], name='ticketreturn_pending'),
        ),
        migrations.AddConstraint(
            model_name='ticketreturn',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('ticket',), name='one_pending_return'),
        ),
    ]
