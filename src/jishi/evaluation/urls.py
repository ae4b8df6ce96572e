from django.urls import path

from jishi.evaluation import views

urlpatterns = [
    path("", views.home, name="evaluation-home"),
    path("compare/", views.compare, name="evaluation-compare"),
    path("compare.xlsx", views.compare_xlsx, name="evaluation-compare-xlsx"),
    path("community/<int:village_id>/", views.community, name="evaluation-community"),
    path("community/<int:village_id>/start", views.start, name="evaluation-start"),
    path("a/<int:pk>/", views.assessment, name="evaluation-assessment"),
    path("a/<int:pk>/report/", views.report, name="evaluation-report"),
    path("a/<int:pk>/report.xlsx", views.report_xlsx, name="evaluation-report-xlsx"),
    path("a/<int:pk>/<str:verb>", views.act, name="evaluation-act"),
    path("evidence/<int:pk>/", views.evidence, name="evaluation-evidence"),
    path("schemes/", views.schemes, name="evaluation-schemes"),
    path("schemes/<int:pk>/", views.scheme, name="evaluation-scheme"),
    path("schemes/<int:pk>/<str:verb>", views.scheme_act, name="evaluation-scheme-act"),
]
