from django.urls import path

from jishi.cadres import views

urlpatterns = [
    path("", views.rounds, name="cadres-rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="cadres-round"),
    path("rounds/<int:pk>/<str:verb>", views.round_act, name="cadres-round-act"),
    path("applicants/<int:pk>/<str:verb>", views.applicant_act, name="cadres-applicant-act"),
    path("reserve/", views.reserve, name="cadres-reserve"),
    path("reserve/<int:pk>/<str:verb>", views.member_act, name="cadres-member-act"),
    path("secondments/", views.secondment_list, name="cadres-secondments"),
    path("secondments/<int:pk>/<str:verb>", views.secondment_act, name="cadres-secondment-act"),
    path("contests/", views.contest_list, name="cadres-contests"),
    path("contests/<int:pk>/", views.contest_detail, name="cadres-contest"),
    path("contests/<int:pk>/<str:verb>", views.contest_act, name="cadres-contest-act"),
    path("people/<int:pk>/", views.record, name="cadres-record"),
    path("me/", views.my_record, name="cadres-me"),
]
