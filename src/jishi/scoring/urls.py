from django.urls import path

from jishi.scoring import views

_UNIT = "<str:unit_type>/<str:month>"
_DRILL = _UNIT + "/<int:unit_id>/<str:key>/<str:part>"

urlpatterns = [
    path("", views.index, name="scoring-home"),
    path(_UNIT + "/", views.board, name="scoring-board"),
    path(_UNIT + "/publish", views.publish, name="scoring-publish"),
    path(_UNIT + "/export.xlsx", views.board_export, name="scoring-board-export"),
    path(_DRILL + "/", views.drill, name="scoring-drill"),
    path(_DRILL + "/export.xlsx", views.drill_export, name="scoring-drill-export"),
]
