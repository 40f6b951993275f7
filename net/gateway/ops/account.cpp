// The house account's balance (account.hpp).
#include "net/gateway/ops/account.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <caf/send.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/interfaces.hpp"
#include "net/gateway/inference.hpp"
#include "net/gateway/openai/errors.hpp"

namespace agora::net::gateway {

route_handler account_route(caf::actor gateway_actor, address house) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor, house](const http_request&, std::string_view,
                                std::shared_ptr<reply_channel> reply) {
    balance_call call{[reply, house](const result<int64_t>& micros) {
      if (!micros)
        return reply->json(
            http::status::service_unavailable,
            openai::error_json({http::status::service_unavailable,
                                "The escrow does not answer: " + micros.error().to_string(),
                                "server_error",
                                {},
                                {}}));
      namespace json = boost::json;
      reply->json(http::status::ok, json::serialize(json::object{{"object", "account"},
                                                                 {"address", house.to_string()},
                                                                 {"available_micros", *micros}}));
    }};
    caf::anon_send(gateway_actor, actors::balance_atom_v, std::move(call));
  };
}

}  // namespace agora::net::gateway
