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
