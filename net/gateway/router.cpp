// Matching requests to routes (router.hpp).
#include "net/gateway/router.hpp"

#include "core/assert.hpp"

namespace agora::net::gateway {

router::router(std::shared_ptr<gateway_counters> counters) : counters_(std::move(counters)) {
  AGORA_ASSERT(counters_ != nullptr);
  unmatched_ = &counters_->route("unmatched");
}

void router::add(http::verb method, std::string path, std::string name, route_handler handler) {
  AGORA_ASSERT(path.starts_with('/'));
  AGORA_ASSERT(handler != nullptr);
  route_counters* metrics = &counters_->route(name);
  routes_.push_back({method, std::move(path), false, std::move(name), std::move(handler), metrics});
}

void router::add_prefix(http::verb method, std::string prefix, std::string name,
                        route_handler handler) {
  AGORA_ASSERT(prefix.starts_with('/') && prefix.ends_with('/'));
  AGORA_ASSERT(handler != nullptr);
  route_counters* metrics = &counters_->route(name);
  routes_.push_back(
      {method, std::move(prefix), true, std::move(name), std::move(handler), metrics});
}

void router::handle(const http_request& request, std::shared_ptr<http_responder> responder) const {
  std::string_view path = request.target();
  path = path.substr(0, path.find('?'));
  const std::string_view method = request.method_string();
  bool path_known = false;
  for (const route& r : routes_) {
    const bool matches = r.prefix ? path.starts_with(r.path) : path == r.path;
    if (!matches)
      continue;
    path_known = true;
    if (r.method != request.method())
      continue;
    const std::string_view rest = r.prefix ? path.substr(r.path.size()) : std::string_view{};
    return r.handler(request, rest,
                     std::make_shared<reply_channel>(std::move(responder), counters_, r.metrics));
  }
  reply_channel reply{std::move(responder), counters_, unmatched_};
  if (path_known)
    return reply.error(openai::wrong_method(method, path));
  reply.error(openai::unknown_path(method, path));
}

}  // namespace agora::net::gateway
