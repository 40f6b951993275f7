// The health check: both probes asked at once, answered when both are back (health.hpp).
#include "net/gateway/ops/health.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <caf/send.hpp>
#include <mutex>
#include <optional>
#include <set>

#include "net/gateway/inference.hpp"

namespace agora::net::gateway {

namespace {

namespace json = boost::json;

/// The two answers of one health request; the callback that completes it replies.
struct health_probe {
  std::shared_ptr<reply_channel> reply;
  std::mutex mutex;
  std::optional<result<actors::relay_status>> relay;  // GUARDED_BY(mutex)
  std::optional<status> escrow;                       // GUARDED_BY(mutex)
};

/// {"reachable":…} of a result<T> or a status.
template <class Answer>
json::object reachability(const Answer& answer) {
  if (answer)
    return {{"reachable", true}};
  return {{"reachable", false}, {"error", answer.error().to_string()}};
}

/// Adds the providers healthy and not draining, and the distinct models they have ready.
void add_offer(const actors::relay_status& status, json::object* body) {
  uint64_t providers = 0;
  std::set<std::string> models;
  for (const actors::relay_provider_status& p : status.providers) {
    if (p.state != relay::liveness::healthy || p.draining)
      continue;
    ++providers;
    for (const actors::relay_model_status& m : p.models)
      if (m.ready)
        models.insert(m.id);
  }
  (*body)["providers"] = providers;
  (*body)["models"] = models.size();
}

void answer(const std::shared_ptr<reply_channel>& reply, const result<actors::relay_status>& relay,
            const status& escrow) {
  const bool ready = relay && escrow;
  json::object body{{"status", ready ? "ok" : "unavailable"},
                    {"live", true},
                    {"ready", ready},
                    {"relay", reachability(relay)},
                    {"escrow", reachability(escrow)}};
  if (relay)
    add_offer(*relay, &body);
  reply->json(ready ? http::status::ok : http::status::service_unavailable, json::serialize(body));
}

/// Records one answer with `set` (any thread); whoever records the second one replies.
template <class Set>
void complete(const std::shared_ptr<health_probe>& probe, Set set) {
  std::optional<result<actors::relay_status>> relay;
  std::optional<status> escrow;
  {
    std::lock_guard lock(probe->mutex);
    set(*probe);
    if (!probe->relay || !probe->escrow)
      return;  // the other answer is still out
    relay = std::move(probe->relay);
    escrow = std::move(probe->escrow);
  }
  answer(probe->reply, *relay, *escrow);
}

}  // namespace

route_handler health_route(caf::actor gateway_actor) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return
      [gateway_actor](const http_request&, std::string_view, std::shared_ptr<reply_channel> reply) {
        auto probe = std::make_shared<health_probe>();
        probe->reply = std::move(reply);
        relay_status_call relay{[probe](const result<actors::relay_status>& answered) {
          complete(probe, [&answered](health_probe& p) { p.relay = answered; });
        }};
        balance_call escrow{[probe](const result<int64_t>& balance) {
          complete(probe, [&balance](health_probe& p) {
            p.escrow = balance ? status{} : status{balance.error()};
          });
        }};
        caf::anon_send(gateway_actor, actors::status_atom_v, std::move(relay));
        caf::anon_send(gateway_actor, actors::balance_atom_v, std::move(escrow));
      };
}

}  // namespace agora::net::gateway
