from django.urls import path

from jishi.mediation import views

urlpatterns = [
    path("", views.home, name="mediation-home"),
    path("new/", views.new, name="mediation-new"),
    path("stats/", views.stats, name="mediation-stats"),
    path("ledger.xlsx", views.export, name="mediation-export"),
    path("<int:pk>/", views.detail, name="mediation-dispute"),
    path("<int:pk>/agreement/", views.agreement, name="mediation-agreement"),
    path("<int:pk>/<str:verb>", views.act, name="mediation-act"),
    path("meetings/", views.meeting_list, name="mediation-meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="mediation-meeting"),
    path("decisions/<int:pk>/case", views.decision_case, name="mediation-decision-case"),
    path("decisions/<int:pk>/<str:kind>", views.decision_link, name="mediation-decision-link"),
]
