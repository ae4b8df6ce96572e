"""小蜜蜂 (new-employment groups: couriers and riders as informants): stations, registrations, 公益积分 at caring
merchants, the care fund."""

EN = {
    "美团": "Meituan", "饿了么": "Ele.me", "顺丰": "SF Express", "京东": "JD",
    "已入格": "In the grid", "爱心餐厅": "Caring restaurant", "爱心药店": "Caring pharmacy", "爱心超市": "Caring supermarket",
    "疾病": "Illness", "意外伤害": "Accident", "生活困难": "Hardship", "已发放": "Paid",
    "社会捐赠": "Donation", "财政划拨": "Allocation", "救助发放": "Grant paid",
    "申请入格": "Registered", "审核通过": "Approved", "基金入账": "Fund income", "申请救助": "Applied for care",
    "批准救助": "Care approved", "不予救助": "Refuse", "发放救助": "Care paid",
    "小蜜蜂人数": "Riders", "公益积分发放": "Welfare points issued", "公益积分兑换": "Welfare points redeemed",
    "关爱救助(笔)": "Care grants", "关爱救助(元)": "Care grants (yuan)", "小蜜蜂工作台账": "Little bees work ledger",
    "站长": "Station manager", "申请账号": "Applicant account", "所属平台": "Platform",
    "其他平台名称": "Other platform", "所属驿站": "Station", "配送片区（网格）": "Rounds (grids)",
    "小蜜蜂岗位": "Informant post", "积分商户": "Points merchant", "爱心服务": "What they offer",
    "如 免费饮水、歇脚充电、爱心餐、药品折扣": "e.g. free water, rest and charging, meals, discounts on medicine",
    "余额(元)": "Balance (yuan)", "关爱基金": "Care fund", "情况说明": "What happened",
    "申请金额(元)": "Amount asked (yuan)", "批准金额(元)": "Amount approved (yuan)", "关爱救助": "Care",
    "来源/去向": "From / to", "基金收支": "Fund entries", "小蜜蜂时间线": "Little bees timeline",
    "小蜜蜂（新就业群体）": "Little bees (new-employment groups)", "驿站分布地图": "Map of the stations",
    "没有驿站": "No stations", "平台": "Platform", "公益积分": "Welfare points", "还没有成员": "No members yet",
    "最近上报": "Recent reports", "还没有上报": "No reports yet", "小蜜蜂入格审核": "Little bees: registrations",
    "配送片区": "Rounds", "申请时间": "Applied", "意见（不通过必填）": "Note (required to refuse)",
    "没有登记": "No registrations", "公益积分可用（只在爱心商家使用）": "Welfare points (spent only at caring merchants)",
    "暂无爱心商家": "No caring merchants yet",
    "因病、意外或生活困难，可向关爱基金申请救助，镇(街道)审核后发放。":
        "In illness, after an accident or in hardship you may apply to the care fund; the town reviews and pays.",
    "提交申请": "Apply", "入格成为小蜜蜂后可以申请关爱救助。": "Once you are a little bee you may apply for care.",
    "我的": "Mine", "我的申请": "My applications", "没有申请": "No applications", "基金": "Fund",
    "收入登记": "Record income", "来源，如 某公司捐赠": "Source, e.g. a company's donation", "入账": "Record",
    "救助申请": "Applications for care", "申请(元)": "Asked (yuan)", "办理": "Action",
    "意见（不予救助必填）": "Note (required to refuse)", "发放": "Pay", "收支记录": "Income and payments",
    "没有记录": "No entries", "我是小蜜蜂": "I am a little bee",
    "快递员、外卖骑手加入网格当小蜜蜂：随手拍、随时报，发现问题上报被立案可得公益积分，在爱心商家兑换。":
        "Couriers and riders join the grids as little bees: report what you see on your rounds; an accepted report "
        "earns welfare points to spend at caring merchants.",
    "申请加入": "Join", "审核中": "Under review",
    "驿站站长或镇(街道)审核通过后即可上报。": "You can report once the station manager or the town approves.",
    "重新申请": "Apply again", "公益积分可用": "welfare points to spend", "累计获得": "Earned in all",
    "去爱心商家兑换": "Spend at caring merchants", "我的驿站": "My station", "随手拍上报": "Report",
    "公益积分明细": "Welfare points history",
    "还没有公益积分：上报的问题被立案后自动发放": "No welfare points yet: they come when a report is accepted",
    "申请加入小蜜蜂": "Join the little bees", "其他平台名称（选“其他”时填写）": "Other platform (when “Other”)",
    "选择配送片区": "Choose rounds", "配送片区（网格，可多选）": "Rounds (grids, several allowed)",
    "本镇没有网格": "No grids in this town", "入格审核": "Registrations",
    "公益积分发放来源": "Welfare points source", "公益积分兑换冻结": "Welfare points held", "积分类别": "Programme",
    "村民积分超市只收村民积分；爱心商家只收公益积分":
        "Village points shops take villagers' points only; caring merchants take welfare points only",
    "读取小蜜蜂驿站、登记、爱心商家和关爱基金": "Read little-bee stations, registrations, caring merchants and the care fund",
    "小蜜蜂登记与审核、公益积分兑换、关爱救助申请与发放":
        "Register and approve little bees, redeem welfare points, apply for and pay care grants",
}
