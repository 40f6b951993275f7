// How the gateway's handlers answer a request: a JSON body, an OpenAI error, or a stream of
// server-sent events, through the connection's http_responder (callable from any thread), with
// each answer counted by route and status, timed from the channel's creation (when the router
// dispatched the request) to the whole answer or the stream's end, and each answer ≥ 400 counted
// as a refusal by its OpenAI error code (ops/counters.hpp).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/gateway/http_responder.hpp"
#include "net/gateway/openai/errors.hpp"
#include "net/gateway/ops/counters.hpp"

namespace agora::net::gateway {

class reply_channel {
 public:
  /// `route` is counters->route(…) of the request's route. REQUIRES: none of them null.
  reply_channel(std::shared_ptr<http_responder> responder,
                std::shared_ptr<gateway_counters> counters, route_counters* route);
  /// Times a stream that never reached end_stream() (the client went away).
  ~reply_channel();

  /// Adds a header field to the answer not sent yet (x402's payment headers).
  void add_header(std::string name, std::string value);
  void json(http::status status, std::string body);
  /// A whole answer of another content type (e.g. Prometheus text).
  void text(http::status status, std::string content_type, std::string body);
  void error(const openai::api_error& e);
  /// A 200 text/event-stream; parts follow with stream(), then end_stream().
  void start_stream();
  void stream(std::string part);
  void end_stream();
  /// Calls `on_gone` if the client goes away before the answer is out (http_responder).
  void on_gone(std::function<void()> on_gone);

 private:
  /// Observes the time since the channel was made, once.
  void record_latency();

  std::shared_ptr<http_responder> responder_;
  std::shared_ptr<gateway_counters> counters_;
  route_counters* route_;  // owned by *counters_
  http_headers headers_;   // for the next json() or start_stream()
  wall_time started_;
  std::string error_code_;  // of the error() being answered: the refusal's reason
  bool streaming_ = false;  // start_stream() answered
  bool timed_ = false;      // the latency is recorded
};

}  // namespace agora::net::gateway
