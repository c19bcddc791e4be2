"""Monthly assessment of units (考核, issue 18 item 1): the scheme versioned by month, scores, publishing."""
from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = "考核"
