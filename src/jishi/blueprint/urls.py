from django.urls import path

from jishi.blueprint import views, views_alliances, views_funds

urlpatterns = [
    path("", views.home, name="blueprint-home"),
    path("gantt/", views.gantt, name="blueprint-gantt"),
    path("projects.xlsx", views.export, name="blueprint-export"),
    path("<int:pk>/", views.detail, name="blueprint-project"),
    path("<int:pk>/<str:verb>", views.act, name="blueprint-act"),
    path("funds/", views_funds.fund, name="blueprint-fund"),
    path("funds/fund.xlsx", views_funds.export, name="blueprint-fund-export"),
    path("funds/p/<int:pk>/", views_funds.project, name="blueprint-fund-project"),
    path("funds/p/<int:pk>/<str:verb>", views_funds.act, name="blueprint-fund-act"),
    path("alliances/", views_alliances.home, name="blueprint-alliances"),
    path("alliances/<int:pk>/", views_alliances.detail, name="blueprint-alliance"),
    path("alliances/<int:pk>/problems.xlsx", views_alliances.export, name="blueprint-alliance-export"),
    path("alliances/<int:pk>/raise", views_alliances.raise_problem, name="blueprint-alliance-raise"),
    path("alliances/problems/<int:pk>/solve", views_alliances.solve, name="blueprint-alliance-solve"),
]
