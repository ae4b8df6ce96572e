"""Case pages (mounted at /cases/)."""

from django.urls import path

from jishi.cases import follow_views, map_views, views

urlpatterns = [
    path("", views.home, name="cases-home"),
    path("grid/", views.grid, name="cases-grid"),
    path("report/", views.report, name="cases-report"),
    path("mine/", views.mine, name="cases-mine"),
    path("dept/", views.dept, name="cases-dept"),
    path("board/", views.board, name="cases-board"),
    path("board/dispatch/", views.bulk_dispatch, name="cases-bulk-dispatch"),
    path("board/supervise/", views.bulk_supervise, name="cases-bulk-supervise"),
    path("board.xlsx", views.board_export, name="cases-board-export"),
    path("dept.xlsx", views.dept_export, name="cases-dept-export"),
    path("grid.xlsx", views.grid_export, name="cases-grid-export"),
    path("board/map/", map_views.case_list_map, {"source": "board"}, name="cases-board-map"),
    path("dept/map/", map_views.case_list_map, {"source": "dept"}, name="cases-dept-map"),
    path("grid/map/", map_views.case_list_map, {"source": "grid"}, name="cases-grid-map"),
    path("inbox/", views.inbox, name="cases-inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="cases-inbox-read-all"),
    path("inbox/<int:pk>/", views.inbox_open, name="cases-inbox-open"),
    path("files/<int:pk>/", views.attachment, name="case-file"),
    path("<int:pk>/", views.detail, name="case-detail"),
    path("<int:pk>/sheet/", views.sheet, name="case-sheet"),
    path("<int:pk>/do/<slug:verb>/", views.act, name="case-act"),
    # the follow-up: 12345 entry, reaching the reporter, answering a 督办
    path("hotline/", follow_views.hotline, name="cases-hotline"),
    path("<int:pk>/contact/", follow_views.contact_reporter, name="case-contact"),
    path("<int:pk>/reveal/", follow_views.reveal_reporter, name="case-reveal"),
    path("<int:pk>/supervision-reply/", follow_views.reply_supervision, name="case-supervision-reply"),
]
