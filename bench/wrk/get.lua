-- GET the URL given on the command line (headers such as Cookie or Authorization come from -H).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "report.lua")
done = report
