// One HTTP connection of the gateway's server (private to http_server.cpp and http_responder):
// reads a request, hands it to the handler, writes the answer the responder posts back, then
// reads the next request while the connection is kept alive. Everything runs on the
// connection's strand; one request is answered at a time (no pipelining). While a request is
// answered the session watches the socket: a client that closes its end (or a write that
// fails) closes the session and calls the handler's on_gone callback, so the work stops.
//
//   reading ──request──▶ answering ──reply──────────────────▶ done ──written, keep-alive──▶ reading
//      │ body/header over its limit, bad syntax  └─start_stream─▶ streaming ─end_stream─▶ done
//      ▼
//   refusing (400/413/431, then a lingering close) ──▶ closed ◀── timeout, error, no keep-alive
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/gateway/http_server.hpp"

namespace agora::net {

namespace beast = boost::beast;

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(asio::ip::tcp::socket socket, std::shared_ptr<http_server_shared> server);
  ~http_session();

  /// Starts reading. REQUIRES: called once, right after construction.
  void start();
  asio::any_io_executor executor() { return stream_.get_executor(); }

  // The responder's calls, on the strand. Calls after the connection closed do nothing.
  void reply(http::status status, const std::string& content_type, std::string body,
             const http_headers& extra = {});
  void start_stream(const std::string& content_type, const http_headers& extra = {});
  void stream(std::string part);
  void end_stream();
  /// Calls `on_gone` (on the strand) if the connection closes before the answer was sent;
  /// at once if it has closed already. Replaces an earlier callback; cleared per request.
  void on_gone(std::function<void()> on_gone);

 private:
  enum class phase { reading, answering, streaming, done, refusing, closed };

  void read();
  void on_read(beast::error_code ec);
  /// Waits for the socket to turn readable while answering: end of stream or an error there
  /// means the client went away (what it may send next, pipelined, is left for read()).
  void watch_peer();
  void on_peer_readable(beast::error_code ec);
  void refuse(http::status status, std::string_view message);
  void send(std::string data);
  void write();
  void on_write(beast::error_code ec);
  void linger();
  void close();
  /// Keeps the session alive while a handler answers (http_server_shared::answering).
  void hold(bool answering);
  /// Whether a responder call finds the session in `wanted`; false once it closed.
  bool expects(phase wanted);

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http_server_shared> server_;
  std::deque<std::string> outbox_;  // written front first, one async_write at a time
  std::function<void()> on_gone_;   // the answering handler's, for this request
  std::string discard_;             // what a lingering close reads and drops
  size_t lingered_bytes_ = 0;
  phase phase_ = phase::reading;
  bool keep_alive_ = false;
  unsigned version_ = 11;
};

}  // namespace agora::net
