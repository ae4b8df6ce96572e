from django.urls import path

from jishi.points import cadre, manage_pages, pages, policy_pages, views_export

urlpatterns = [
    path("", cadre.home, name="points-home"),
    path("me/", pages.me, name="points-me"),
    path("claim/", pages.claim, name="points-claim"),
    path("store/", pages.shop, name="points-store"),
    path("store/<int:item_id>/order", pages.order, name="points-order"),
    path("vouchers/<int:order_id>/", pages.voucher, name="points-voucher"),
    path("vouchers/<int:order_id>/qr.png", pages.voucher_qr, name="points-voucher-qr"),
    path("vouchers/<int:order_id>/cancel", pages.cancel, name="points-cancel"),
    path("merchant/", pages.merchant, name="points-merchant"),
    path("review/", cadre.review, name="points-review"),
    path("review/<int:claim_id>", cadre.review_one, name="points-review-one"),
    path("award", cadre.award, name="points-award"),
    path("award/people", cadre.award_pick, name="points-award-pick"),
    path("inspection/", cadre.inspection, name="points-inspection"),
    path("boards/", cadre.board_list, name="points-boards"),
    path("boards/<int:board_id>/", cadre.board_detail, name="points-board"),
    path("boards/<int:board_id>/action", cadre.board_action, name="points-board-action"),
    path("boards/<int:board_id>/board.xlsx", views_export.board_export, name="points-board-export"),
    path("boards/<int:board_id>/postings.xlsx", views_export.postings_export, name="points-postings-export"),
    path("town/", cadre.town, name="points-town"),
    path("policy/", policy_pages.policy, name="points-policy"),
    path("shelf/", manage_pages.shelf_page, name="points-shelf"),
    path("households/", manage_pages.household_list, name="points-households"),
    path("households/mine/", manage_pages.my_household, name="points-my-household"),
    path("households/<int:household_id>/", manage_pages.household_detail, name="points-household"),
]
