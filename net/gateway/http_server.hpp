// The gateway's HTTP/1.1 server (DESIGN §6 "gateway"): Boost.Beast over its own io_context on N
// threads, one strand per connection, keep-alive, a body and a header limit, a read timeout. It
// knows nothing of the API: every request goes to one handler, which answers through an
// http_responder from any thread (the bridge to CAF actors, ../shared/notes/caf-0.17.md §6).
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "net/gateway/http_responder.hpp"

namespace agora::net {

namespace asio = boost::asio;

struct http_server_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;   // 0: an ephemeral port (http_server::port() tells which)
  size_t threads = 2;  // running the io_context; clipped to [1, threads_max]
  uint64_t body_bytes_max = uint64_t{1} << 20;  // larger: 413
  uint32_t header_bytes_max = 16 << 10;         // larger: 431
  std::chrono::seconds read_timeout{30};        // for one whole request; then the connection closes
  std::chrono::seconds write_timeout{30};       // for each write

  size_t connections_max = 1024;  // more: accepted and closed at once

  static constexpr size_t threads_max = 64;
};

/// Handles one request on its connection's strand; it must not block. It answers exactly once
/// through the responder, now or later, from any thread.
using http_handler = std::function<void(const http_request&, std::shared_ptr<http_responder>)>;
/// The body (JSON) of an error the server answers itself: 400, 413 and 431.
using http_refusal = std::function<std::string(http::status, std::string_view message)>;

/// What the server and its connections (http_session.hpp) share.
class http_session;

struct http_server_shared {
  http_server_options options;
  http_handler handler;
  http_refusal refusal;
  std::shared_ptr<post_gate> gate = std::make_shared<post_gate>();
  std::atomic<size_t> connections{0};  // sessions alive now
  /// Sessions waiting for a handler's answer: nothing else owns them meanwhile (the responders
  /// hold weak references), and stop() drops them while the io_context still exists.
  std::mutex answering_mutex;
  std::set<std::shared_ptr<http_session>> answering;  // GUARDED_BY(answering_mutex)
};

class http_server {
 public:
  http_server(http_server_options options, http_handler handler, http_refusal refusal);
  ~http_server();  // stop()

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// Binds, listens and starts the threads. Errors: invalid_argument (host), io_error (bind).
  /// REQUIRES: not started before.
  status start();
  /// The port listened on. REQUIRES: started.
  uint16_t port() const;
  /// Stops accepting and joins the threads; requests still waiting for an answer are dropped
  /// (their connections close now), idle connections close when the server is destroyed.
  /// Responders called later do nothing. Idempotent.
  void stop();

 private:
  void accept();

  std::shared_ptr<http_server_shared> shared_;
  asio::io_context ioc_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
};

}  // namespace agora::net
