from django.urls import path

from jishi.bees import views, views_staff

urlpatterns = [
    path("", views.home, name="bees-home"),
    path("me/", views.me, name="bees-me"),
    path("register/", views.register, name="bees-register"),
    path("merchants/", views.merchants, name="bees-merchants"),
    path("merchants/redeem/<int:item>", views.redeem, name="bees-redeem"),
    path("care/", views.care, name="bees-care"),
    path("stations/", views_staff.stations, name="bees-stations"),
    path("stations/<int:pk>/", views_staff.station, name="bees-station"),
    path("registrations/", views_staff.registrations, name="bees-registrations"),
    path("registrations/<int:pk>/<str:verb>", views_staff.decide, name="bees-decide"),
    path("fund/", views_staff.funds, name="bees-fund"),
    path("fund/<int:pk>/income", views_staff.income, name="bees-income"),
    path("grants/<int:pk>/<str:verb>", views_staff.grant_act, name="bees-grant-act"),
]
