-- POST /api/v1/cases: a full intake (validate, locate, route, time limits, notify, audit).
-- JISHI_BENCH_INTAKE_DATA names a Lua file (written by bench/bench_intake.py from the demo city)
-- that sets `points` (real household coordinates, each inside a grid) and `categories` (seeded codes).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "report.lua")
dofile(os.getenv("JISHI_BENCH_INTAKE_DATA"))

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  n = n + 1
  local p = points[math.random(#points)]
  local c = categories[math.random(#categories)]
  local body = string.format(
    '{"channel": "patrol", "category": "%s", "title": "基准测试上报 %d", "description": "bench", ' ..
    '"lng": %.7f, "lat": %.7f, "address": "基准测试地址"}', c, n, p[1], p[2])
  return wrk.format(nil, nil, nil, body)
end

done = report
