from django.urls import path

from jishi.visits import views

urlpatterns = [
    path("", views.home, name="visits-home"),
    path("mine/", views.mine, name="visits-mine"),
    path("log/<int:household_id>/", views.log, name="visits-log"),
    path("concerns/<int:concern_id>/case", views.concern_case, name="visits-concern-case"),
    path("concerns/<int:concern_id>/wish", views.concern_wish, name="visits-concern-wish"),
    path("concerns/<int:concern_id>/need", views.concern_need, name="visits-concern-need"),
    path("rounds/", views.rounds, name="visits-rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="visits-round"),
    path("rounds/<int:round_id>/reassign", views.reassign, name="visits-reassign"),
    path("rounds/<int:round_id>/ledger", views.ledger, name="visits-ledger"),
]
