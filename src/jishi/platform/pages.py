"""Pages to open, review and close open ports (开放端口), mounted at /ports/ (administrators only)."""

from django.urls import path

from jishi.platform import views

urlpatterns = [
    path("", views.port_list, name="ports"),
    path("new", views.port_new, name="port-new"),
    path("<int:client_id>/", views.port_detail, name="port-detail"),
    path("<int:client_id>/edit", views.port_edit, name="port-edit"),
    path("<int:client_id>/close", views.port_close, name="port-close"),
    path("<int:client_id>/reopen", views.port_reopen, name="port-reopen"),
    path("<int:client_id>/tokens", views.token_issue, name="port-token-issue"),
    path("<int:client_id>/tokens/<int:token_id>/revoke", views.token_revoke, name="port-token-revoke"),
]
