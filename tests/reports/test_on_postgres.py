"""The PostgreSQL paths (rollup SQL with time zones, trigram/KNN duplicate search, the
ASGI feed with Redis) run again on real PostgreSQL and Redis by `bin/test --integration`."""
import pytest

from .test_display import leaky_tickets, test_no_personal_data_in_feeds_or_page  # noqa: F401
from .test_feed_asgi import snapshot, test_token_poll_is_answered_from_the_snapshot, token  # noqa: F401
from .test_intelligence import test_duplicates_same_caller_and_similar_text  # noqa: F401
from .test_kpis import (  # noqa: F401
    refreshed,
    test_days_follow_shanghai_time,
    test_incremental_refresh_rebuilds_only_dirty_days,
    test_totals_match_hand_count,
    test_unit_ranking_and_score,
)
from .test_pages_exports import test_ranking_xlsx_has_chinese_headers_and_numbers  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
