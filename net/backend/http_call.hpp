// One blocking HTTP/1.1 exchange with a server the provider talks to (an external
// OpenAI-compatible backend): http:// or https:// (system CA store, SNI), a whole-call deadline,
// a bounded response body. Only for threads that may block (the worker's engine_thread).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace agora::net {

struct http_call_request {
  std::string method = "POST";  // "GET" or "POST"
  std::string url;              // http[s]://host[:port]/path
  std::string body;             // sent as application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{300'000};
  size_t response_bytes_max = 16 << 20;
};

struct http_call_response {
  unsigned status = 0;
  std::string body;
};

/// Sends the request and reads the response. Errors: invalid_argument (URL), io_error
/// (resolve, connect, TLS, timeout, a broken response; the message says which).
result<http_call_response> http_call(const http_call_request& request);

}  // namespace agora::net
