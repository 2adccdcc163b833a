-- wrk script for bench/serve_load.sh: half the requests evaluate L. Yu. Kim under the telegram
-- with misdemeanor changed (a full trace, with settling explored), half check an edited amendment
-- of the telegram (parse, amend, check, compile), as a class typing and clicking would.
local evaluate = '{"policy":{"path":"policies/telegram-1956.decree"},"case":"ly-kim","set":{"misdemeanor":"false"}}'
local amendment = 'policy mine \\"Mine\\"\\n  extends telegram_1956 in \\"telegram-1956.decree\\"\\n  status counterfactual\\n\\n' ..
  'replace rule grant_return \\"Grant whatever the friends say\\":\\n  when covered and request is return_to_ussr and justified_case\\n' ..
  '  then return = granted by embassy\\n  cites telegram s1 \\"You are permitted\\"\\n'
local check = '{"policy":{"path":"policies/mine.decree","text":"' .. amendment .. '"}}'
local n = 0

request = function()
  n = n + 1
  local headers = {["Content-Type"] = "application/json"}
  if n % 2 == 0 then
    return wrk.format("POST", "/api/evaluate", headers, evaluate)
  end
  return wrk.format("POST", "/api/check", headers, check)
end

-- Failures are counted by wrk itself: "Non-2xx or 3xx responses" and "Socket errors" (absent when none).
