// How the gateway's handlers answer a request: a JSON body, an OpenAI error, or a stream of
// server-sent events, through the connection's http_responder (callable from any thread), with
// each answer counted by route and status (ops/counters.hpp).
#pragma once

#include <memory>
#include <string>

#include "net/gateway/http_responder.hpp"
#include "net/gateway/openai/errors.hpp"
#include "net/gateway/ops/counters.hpp"

namespace agora::net::gateway {

class reply_channel {
 public:
  /// REQUIRES: responder and counters not null.
  reply_channel(std::shared_ptr<http_responder> responder,
                std::shared_ptr<gateway_counters> counters, std::string route);

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

 private:
  std::shared_ptr<http_responder> responder_;
  std::shared_ptr<gateway_counters> counters_;
  std::string route_;
  http_headers headers_;  // for the next json() or start_stream()
};

}  // namespace agora::net::gateway
