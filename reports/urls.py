from django.urls import path

from .views import display, intelligence, pages

urlpatterns = [
    path("reports/", pages.dashboard, name="reports-dashboard"),
    path("reports/charts.json", pages.charts_json, name="reports-charts-json"),
    path("reports/ranking/", pages.ranking, name="reports-ranking"),
    path("reports/categories/", pages.categories, name="reports-categories"),
    path("reports/lights/", pages.lights, name="reports-lights"),
    path("reports/hot-topics/", pages.hot_topics, name="reports-hot-topics"),
    path("reports/export.<str:fmt>", pages.export, name="reports-export"),
    path("reports/refresh/", pages.refresh, name="reports-refresh"),
    path("display/", display.board, name="display-board"),
    path("display/pair/", display.pair, name="display-pair"),
    path("display/unpair/", display.unpair, name="display-unpair"),
    path("api/display/summary.json", display.summary_json, name="display-summary-json"),
    path("api/display/summary.txt", display.summary_txt, name="display-summary-txt"),
    path("api/intelligence/suggest/", intelligence.suggest, name="intelligence-suggest"),
    path("api/intelligence/duplicates/", intelligence.duplicates_view, name="intelligence-duplicates"),
]
