"""docs/PRODUCT.md §4 defaults: sign within 1 working day; 咨询 3, 求助 5, 投诉/举报 10, 建议 15
working days; urgent 24 clock hours; callback within 1 working day. Urgent tickets and
reports (举报) go to a leader before dispatch."""
from django.db import migrations

TYPE_LIMITS = [
    ("咨询类", "consultation", 3),
    ("求助类", "help", 5),
    ("投诉类", "complaint", 10),
    ("举报类", "report", 10),
    ("建议类", "suggestion", 15),
    ("表扬类", "praise", 5),
    ("其他类", "other", 5),
]


def forwards(apps, schema_editor):
    TimeLimitPolicy = apps.get_model("dispatch", "TimeLimitPolicy")
    ApprovalPolicy = apps.get_model("dispatch", "ApprovalPolicy")
    for name, ticket_type, days in TYPE_LIMITS:
        TimeLimitPolicy.objects.create(name=f"{name}（{days}个工作日）", ticket_type=ticket_type,
                                       limit_unit="working_days", handle_limit=days, sign_limit=1)
    TimeLimitPolicy.objects.create(name="紧急件（24小时）", urgency="urgent", limit_unit="clock_hours",
                                   handle_limit=24, sign_limit=2)
    ApprovalPolicy.objects.create(name="紧急件呈报领导", urgency="urgent")
    ApprovalPolicy.objects.create(name="举报件呈报领导", ticket_type="report")


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
