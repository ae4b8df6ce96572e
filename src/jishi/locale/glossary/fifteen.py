"""English of the board's bulk 督办, the whistled case's 报到, and the case loop's buttons and timeline verbs."""

EN = {
    "立案、派遣、吹哨、督办。勾选多行可批量派遣或督办。":
        "Accept, dispatch, whistle, supervise. Tick several rows to dispatch or supervise them together.",
    "督办意见": "Supervision note",
    "批量督办": "Supervise selected",
    "将督办所选 {checked} 件事件，督办意见“{field:supervise_note}”记入每件事件的流转记录，并通知：{list:handler}的承办人员，以及上级指挥中心。督办发出后不能撤回；不能督办的事件会跳过并列出。":
        "This supervises the {checked} selected case(s): the note \u201c{field:supervise_note}\u201d goes on each "
        "case's timeline, and the handlers of {list:handler} and the command centre above are notified. A "
        "supervision cannot be withdrawn; cases that cannot be supervised are skipped and listed.",
    "还没有勾选任何事件。": "No case is ticked yet.",
    "已督办 %(n)d 件": "Supervised %(n)d case(s)",
    "%(n)d 件未督办：": "%(n)d case(s) not supervised: ",
    "待报到": "Awaiting report-in",
    "报到说明": "Report-in note",
    "报到说明（选填），如到场人员、联系电话": "Report-in note (optional), e.g. who is on site, a contact number",
}

# the case page's buttons (context "case action") and timeline rows ("case event"): gettext's ctx\x04msgid keys
EN["case action\x04上报"] = "Report"
EN["case action\x04立案"] = "Accept"
EN["case action\x04不予立案"] = "Reject"
EN["case action\x04派遣"] = "Dispatch"
EN["case action\x04签收"] = "Acknowledge"
EN["case action\x04退回"] = "Return"
EN["case action\x04处置"] = "Handle"
EN["case action\x04申请延期"] = "Request extension"
EN["case action\x04延期审批"] = "Decide extension"
EN["case action\x04挂起"] = "Suspend"
EN["case action\x04恢复"] = "Resume"
EN["case action\x04核查"] = "Verify"
EN["case action\x04结案"] = "Close"
EN["case action\x04评价"] = "Rate"
EN["case action\x04返工"] = "Reopen for rework"
EN["case action\x04自行处置"] = "Resolve on the spot"
EN["case action\x04吹哨"] = "Whistle"
EN["case action\x04报到"] = "Report in"
EN["case action\x04督办"] = "Supervise"
EN["case action\x04上报上级"] = "Escalate"
EN["case event\x04上报"] = "Reported"
EN["case event\x04立案"] = "Accepted"
EN["case event\x04不予立案"] = "Rejected"
EN["case event\x04派遣"] = "Dispatched"
EN["case event\x04签收"] = "Acknowledged"
EN["case event\x04退回"] = "Returned"
EN["case event\x04处置"] = "Handled"
EN["case event\x04申请延期"] = "Extension requested"
EN["case event\x04延期审批"] = "Extension decided"
EN["case event\x04挂起"] = "Suspended"
EN["case event\x04恢复"] = "Resumed"
EN["case event\x04核查"] = "Verified"
EN["case event\x04结案"] = "Closed"
EN["case event\x04评价"] = "Rated"
EN["case event\x04返工"] = "Reopened for rework"
EN["case event\x04自行处置"] = "Resolved on the spot"
EN["case event\x04吹哨"] = "Whistled"
EN["case event\x04报到"] = "Reported in"
EN["case event\x04督办"] = "Supervised"
EN["case event\x04上报上级"] = "Escalated"
EN["case event\x04联系上报人"] = "Reporter contacted"
EN["case event\x04查看上报人号码"] = "Reporter's number viewed"
EN["case event\x04回复督办"] = "Supervision answered"
EN.setdefault("已不予立案", "Rejected")
EN.setdefault("已提交延期审批", "Extension decision saved")
EN.setdefault("已挂起", "Suspended")
EN.setdefault("已恢复办理", "Resumed")
EN.setdefault("已返工", "Sent back for rework")
EN.setdefault("已自行处置并结案", "Resolved on the spot and closed")
EN.setdefault("已吹哨", "Whistle blown")
EN.setdefault("已上报上级", "Escalated")
