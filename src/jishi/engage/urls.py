from django.urls import path

from jishi.engage import views

urlpatterns = [
    path("wishes/", views.wall, name="engage-wall"),
    path("wishes/mine/", views.mine, name="engage-mine"),
    path("wishes/new/", views.wish_new, name="engage-wish-new"),
    path("wishes/ledger/", views.wish_ledger, name="engage-ledger"),
    path("wishes/ledger.xlsx", views.wish_export, name="engage-wish-export"),
    path("wishes/<int:pk>/", views.wish_detail, name="engage-wish"),
    path("wishes/<int:pk>/photo", views.wish_photo, name="engage-wish-photo"),
    path("wishes/<int:pk>/<str:verb>", views.wish_act, name="engage-wish-act"),
    path("projects/", views.project_board, name="engage-projects"),
    path("projects/needs/", views.needs, name="engage-needs"),
    path("projects/resources/", views.resources, name="engage-resources"),
    path("projects/new/", views.project_new, name="engage-project-new"),
    path("projects/lists.xlsx", views.lists_export, name="engage-lists-export"),
    path("projects/<int:pk>/", views.project_detail, name="engage-project"),
    path("projects/<int:pk>/reports/<int:report>/photo", views.progress_photo, name="engage-progress-photo"),
    path("projects/<int:pk>/<str:verb>", views.project_act, name="engage-project-act"),
]
