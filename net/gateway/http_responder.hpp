// How a handler answers one HTTP request from any thread: a whole response, or a stream (the
// header, then parts as they come, then the end), as the gateway's actors produce it. Each call
// posts to the connection's strand, so calls from one thread (or one actor) keep their order;
// calls after the connection closed or the server stopped do nothing.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace agora::net {

namespace http = boost::beast::http;

using http_request = http::request<http::string_body>;
/// Extra response header fields (name, value), e.g. x402's PAYMENT-RESPONSE.
using http_headers = std::vector<std::pair<std::string, std::string>>;

/// Open while the server runs; a responder posts to a strand only while holding it open, so no
/// post reaches an io_context being torn down.
struct post_gate {
  std::mutex mutex;
  bool open = true;  // GUARDED_BY(mutex)
};

class http_session;

class http_responder {
 public:
  http_responder(std::weak_ptr<http_session> session, std::shared_ptr<post_gate> gate)
      : session_(std::move(session)), gate_(std::move(gate)) {}

  /// The whole response. REQUIRES: nothing answered before.
  void reply(http::status status, std::string content_type, std::string body,
             http_headers extra = {});
  /// Starts a chunked 200 response of `content_type`. REQUIRES: nothing answered before.
  void start_stream(std::string content_type, http_headers extra = {});
  /// One part of a started stream, sent as one chunk. Empty parts are skipped.
  void stream(std::string part);
  /// Ends a started stream.
  void end_stream();
  /// Calls `on_gone` once, from the connection's strand, if the client goes away before the
  /// answer is out (at once if it has gone already); never after the server stopped.
  void on_gone(std::function<void()> on_gone);

 private:
  template <class Fn>
  void post(Fn fn);

  std::weak_ptr<http_session> session_;
  std::shared_ptr<post_gate> gate_;
};

}  // namespace agora::net
