"""Two demo service definitions (GeoReport v2 attributes): which facility is broken, and what
kind of sanitation problem. Editable in the admin; skipped where the category is missing."""
from django.db import migrations

DEFINITIONS = {
    "城乡建设/城市建设和市政管理/城市公共设施": [
        ("facility", "哪类设施损坏？", "singlevaluelist", True,
         [("streetlight", "路灯"), ("manhole", "井盖"), ("traffic_light", "红绿灯"), ("guardrail", "护栏"),
          ("other", "其他")]),
        ("pole_number", "设施编号（如路灯杆上的编号）", "string", False, []),
    ],
    "城乡建设/城市建设和市政管理/环境卫生": [
        ("problem", "问题类型", "singlevaluelist", True,
         [("garbage", "垃圾未清运"), ("dirty_road", "路面脏乱"), ("toilet", "公厕问题"), ("other", "其他")]),
    ],
}


def add(apps, schema_editor):
    Category = apps.get_model("hotline", "Category")
    Attribute = apps.get_model("open311", "ServiceAttribute")
    Value = apps.get_model("open311", "ServiceAttributeValue")
    for full_name, attributes in DEFINITIONS.items():
        category = Category.objects.filter(full_name=full_name).first()
        if category is None:
            continue
        for order, (code, description, datatype, required, values) in enumerate(attributes, start=1):
            attribute, _ = Attribute.objects.get_or_create(
                category=category, code=code,
                defaults={"description": description, "datatype": datatype, "required": required, "order": order})
            for value_order, (key, name) in enumerate(values, start=1):
                Value.objects.get_or_create(attribute=attribute, key=key,
                                            defaults={"name": name, "order": value_order})


def remove(apps, schema_editor):
    apps.get_model("open311", "ServiceAttribute").objects.filter(
        category__full_name__in=list(DEFINITIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_i19_partner_keys")]
    operations = [migrations.RunPython(add, remove)]
