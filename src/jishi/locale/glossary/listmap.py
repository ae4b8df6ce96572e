EN = {
    "地图查看": "Map", "地图": "Map", "返回列表": "Back to the list", "事件地图": "Map of cases",
    "地图上 %(shown)s 件，列表共 %(total)s 件": "%(shown)s on the map of %(total)s in the list",
    "%(n)s 件没有位置": "%(n)s without a location",
    "只显示最新的 %(n)s 件，请用筛选缩小范围": "only the newest %(n)s are shown; narrow the list with the filters",
    "部门待办": "Department inbox", "网格事件": "Grid cases", "指挥调度": "Command board",
}
