-- wrk: each request a new public comment with its own Idempotency-Key, unique across threads.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  id = wrk.thread:get("id")
  counter = 0
  draft = os.getenv("DRAFT")
  cp = os.getenv("CP")
end

function request()
  counter = counter + 1
  local key = string.format("bench-%d-%d-%d", os.time(), id, counter)
  local body = string.format('{"contact_point_id":"%s","article":1,"content":"压测意见 %s"}', cp, key)
  return wrk.format("POST", "/api/v1/public/drafts/" .. draft .. "/comments",
    {["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end
