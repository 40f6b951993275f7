// Counted answers through the responder (reply.hpp).
#include "net/gateway/reply.hpp"

#include "core/assert.hpp"

namespace agora::net::gateway {

reply_channel::reply_channel(std::shared_ptr<http_responder> responder,
                             std::shared_ptr<gateway_counters> counters, std::string route)
    : responder_(std::move(responder)), counters_(std::move(counters)), route_(std::move(route)) {
  AGORA_ASSERT(responder_ != nullptr);
  AGORA_ASSERT(counters_ != nullptr);
}

void reply_channel::add_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

void reply_channel::json(http::status status, std::string body) {
  text(status, "application/json", std::move(body));
}

void reply_channel::text(http::status status, std::string content_type, std::string body) {
  counters_->count_request(route_, static_cast<unsigned>(status));
  responder_->reply(status, std::move(content_type), std::move(body), std::move(headers_));
}

void reply_channel::error(const openai::api_error& e) {
  json(e.status, openai::error_json(e));
}

void reply_channel::start_stream() {
  counters_->count_request(route_, static_cast<unsigned>(http::status::ok));
  responder_->start_stream("text/event-stream", std::move(headers_));
}

void reply_channel::stream(std::string part) {
  responder_->stream(std::move(part));
}

void reply_channel::end_stream() {
  responder_->end_stream();
}

}  // namespace agora::net::gateway
