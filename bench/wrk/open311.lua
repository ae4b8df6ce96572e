-- POST /open311/v2/requests.json: a GeoReport v2 service request as a form (api_key = a Jishi token with
-- cases:write, from JISHI_BENCH_API_KEY); points and service codes from JISHI_BENCH_INTAKE_DATA (as intake.lua).
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(here .. "report.lua")
dofile(os.getenv("JISHI_BENCH_INTAKE_DATA"))

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local key = os.getenv("JISHI_BENCH_API_KEY")
local n = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  n = n + 1
  local p = points[math.random(#points)]
  local c = categories[math.random(#categories)]
  local body = string.format(
    "api_key=%s&service_code=%s&lat=%.7f&long=%.7f&description=bench+open311+%d&address_string=bench&first_name=San&last_name=Zhang",
    key, c, p[2], p[1], n)
  return wrk.format(nil, nil, nil, body)
end

done = report
