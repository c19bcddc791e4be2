"""Every default text is an editable row in the admin after migrating (a fresh database)."""
import pytest

from sms_gateway.models import SmsTemplate
from sms_gateway.texts import DEFAULTS


@pytest.mark.django_db
def test_every_default_text_has_its_admin_row_with_the_same_text():
    rows = dict(SmsTemplate.objects.values_list("key", "text"))
    assert set(DEFAULTS) <= set(rows), f"no migration loads {sorted(set(DEFAULTS) - set(rows))}"
    assert {key: rows[key] for key in DEFAULTS} == {key: text for key, (_, _, _, text, _) in DEFAULTS.items()}
