"""Case pages (mounted at /cases/)."""

urlpatterns: list = []
