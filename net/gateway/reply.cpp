// Counted answers through the responder (reply.hpp).
#include "net/gateway/reply.hpp"

#include "core/assert.hpp"

namespace agora::net::gateway {

reply_channel::reply_channel(std::shared_ptr<http_responder> responder,
                             std::shared_ptr<gateway_counters> counters, route_counters* route)
    : responder_(std::move(responder)), counters_(std::move(counters)), route_(route) {
  AGORA_ASSERT(responder_ != nullptr);
  AGORA_ASSERT(counters_ != nullptr && route_ != nullptr);
  started_ = counters_->clock().now();
}

reply_channel::~reply_channel() {
  if (streaming_ && !timed_)
    record_latency();
}

void reply_channel::record_latency() {
  AGORA_ASSERT(!timed_);
  timed_ = true;
  route_->latency().observe(counters_->clock().now() - started_);
}

void reply_channel::add_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

void reply_channel::json(http::status status, std::string body) {
  text(status, "application/json", std::move(body));
}

void reply_channel::text(http::status status, std::string content_type, std::string body) {
  const auto code = static_cast<unsigned>(status);
  route_->count(code);
  if (code >= 400)
    counters_->count_refusal(error_code_.empty() ? refusal_reason_of(code) : error_code_, code);
  if (!timed_)
    record_latency();
  responder_->reply(status, std::move(content_type), std::move(body), std::move(headers_));
}

void reply_channel::error(const openai::api_error& e) {
  error_code_ = e.code;
  json(e.status, openai::error_json(e));
}

void reply_channel::start_stream() {
  route_->count(static_cast<unsigned>(http::status::ok));
  streaming_ = true;
  responder_->start_stream("text/event-stream", std::move(headers_));
}

void reply_channel::stream(std::string part) {
  responder_->stream(std::move(part));
}

void reply_channel::end_stream() {
  if (!timed_)
    record_latency();
  responder_->end_stream();
}

void reply_channel::on_gone(std::function<void()> on_gone) {
  responder_->on_gone(std::move(on_gone));
}

}  // namespace agora::net::gateway
