from django.urls import path

from jishi.burden import views

urlpatterns = [
    path("", views.burden_page, name="burden-page"),
    path("ledgers/", views.ledger_list, name="burden-ledgers"),
    path("ledgers/ledger.xlsx", views.ledger_xlsx, name="burden-ledger-xlsx"),
    path("ledgers/print/", views.ledger_print, name="burden-ledger-print"),
    path("requests/", views.request_list, name="burden-requests"),
    path("requests/new/", views.request_new, name="burden-request-new"),
    path("requests/<int:pk>/", views.request_detail, name="burden-request"),
    path("requests/<int:pk>/remind", views.request_remind, name="burden-request-remind"),
    path("requests/<int:pk>/close", views.request_close, name="burden-request-close"),
    path("requests/<int:pk>/combined.xlsx", views.request_export, name="burden-request-export"),
    path("replies/<int:pk>/", views.reply_page, name="burden-reply"),
]
