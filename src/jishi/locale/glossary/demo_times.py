"""English for the demo command's timing lines."""

EN = {
    "各业务域用时（墙钟/CPU）：%(each)s": "Each domain's demo data (wall/CPU): %(each)s",
}
