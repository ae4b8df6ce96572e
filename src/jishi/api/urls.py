"""The API under /api/v1 (django-ninja). Each domain contributes a Router from its api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Jishi API", version="1", urls_namespace="api-v1")
