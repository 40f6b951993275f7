// The gateway's routes (DESIGN §6 "gateway"): method and path → handler, an exact path or a
// prefix ("/v1/proofs/" + id). An unknown path is a 404 and a known path asked with another
// method a 405, both in OpenAI's error shape. The query string plays no part in matching.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/gateway/http_responder.hpp"
#include "net/gateway/reply.hpp"

namespace agora::net::gateway {

/// Handles one request; `rest` is what follows a prefix route's path (empty for exact routes).
using route_handler = std::function<void(const http_request& request, std::string_view rest,
                                         std::shared_ptr<reply_channel> reply)>;

class router {
 public:
  /// REQUIRES: counters not null.
  explicit router(std::shared_ptr<gateway_counters> counters);

  /// `name` labels the route in the counters. REQUIRES: path starts with '/'.
  void add(http::verb method, std::string path, std::string name, route_handler handler);
  /// Every path that starts with `prefix`. REQUIRES: prefix starts and ends with '/'.
  void add_prefix(http::verb method, std::string prefix, std::string name, route_handler handler);

  /// Dispatches one request (the http_server's handler).
  void handle(const http_request& request, std::shared_ptr<http_responder> responder) const;

 private:
  struct route {
    http::verb method;
    std::string path;
    bool prefix = false;
    std::string name;
    route_handler handler;
    route_counters* metrics = nullptr;  // counters_->route(name)
  };

  std::shared_ptr<gateway_counters> counters_;
  route_counters* unmatched_;  // counters_->route("unmatched")
  std::vector<route> routes_;  // a handful: scanned in order
};

}  // namespace agora::net::gateway
