-- POST /__bench__/insert: the bare one-row insert baseline.
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "report.lua")
wrk.method = "POST"
wrk.body = ""
done = report
