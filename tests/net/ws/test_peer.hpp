// A test's own peer on 127.0.0.1, raw TCP or WebSocket, for the hostile-peer tests: every
// operation runs asynchronously on the peer's io_context for a bounded time, so a test never
// hangs on a socket that does not answer.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "net/ws/ws_url.hpp"

namespace agora::net::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using namespace std::chrono_literals;

/// What a WebSocket read returned: a message, or an error (websocket::error::closed with the
/// peer's close code in `close_code`).
struct peer_read {
  beast::error_code ec;
  bytes message;
  uint16_t close_code = 0;
};

class test_peer {
 public:
  explicit test_peer(uint16_t port) : port_(port) {}

  /// TCP connect to 127.0.0.1:port.
  beast::error_code connect() {
    const asio::ip::tcp::endpoint to(asio::ip::make_address("127.0.0.1"), port_);
    return bounded([this, to](auto done) { tcp().async_connect(to, done); });
  }
  /// Raw bytes on the TCP socket (an HTTP request, or half of one).
  beast::error_code send_raw(std::string_view text) {
    return bounded([this, text](auto done) { asio::async_write(tcp(), asio::buffer(text), done); });
  }
  /// Reads raw bytes until the server closes; nullopt if it is still open after `timeout`.
  std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout = 5s) {
    std::string in;
    const beast::error_code ec =
        bounded([this, &in](auto done) { asio::async_read(tcp(), asio::dynamic_buffer(in), done); },
                timeout);
    if (ec == asio::error::timed_out)
      return std::nullopt;
    return in;
  }
  /// connect() and the WebSocket handshake on `target`.
  beast::error_code upgrade(std::string_view target = provider_connect_path) {
    if (auto ec = connect())
      return ec;
    const std::string host = "127.0.0.1:" + std::to_string(port_);
    return bounded([this, host, target](auto done) {
      ws_.binary(true);
      ws_.async_handshake(host, std::string(target), done);
    });
  }
  /// One binary WebSocket message.
  beast::error_code write(byte_view message) {
    return bounded([this, message](auto done) {
      ws_.async_write(asio::buffer(message.data(), message.size()), done);
    });
  }
  /// The next WebSocket message, or how the connection ended.
  peer_read read(std::chrono::milliseconds timeout = 5s) {
    beast::flat_buffer buffer;
    peer_read out;
    out.ec = bounded([this, &buffer](auto done) { ws_.async_read(buffer, done); }, timeout);
    const auto* data = static_cast<const uint8_t*>(buffer.data().data());
    out.message.assign(data, data + buffer.size());
    if (out.ec == websocket::error::closed)
      out.close_code = static_cast<uint16_t>(ws_.reason().code);
    return out;
  }
  /// Reads until the connection ends (skipping messages); how it ended.
  peer_read read_until_end(std::chrono::milliseconds timeout = 5s) {
    for (int i = 0; i < 10'000; ++i) {
      peer_read r = read(timeout);
      if (r.ec)
        return r;
    }
    ADD_FAILURE() << "the connection did not end";
    return {};
  }
  void close() { tcp().close(); }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(ws_); }

  /// Starts one operation through `start(handler)` and runs it for at most `timeout`; a
  /// timed-out operation is cancelled (the socket closes) and reported as timed_out.
  template <class Start>
  beast::error_code bounded(Start start, std::chrono::milliseconds timeout = 5s) {
    std::optional<beast::error_code> result;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (result)
      return *result;
    tcp().close();
    ioc_.restart();
    ioc_.run();  // the cancelled operation completes
    return asio::error::timed_out;
  }

  uint16_t port_;
  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_{ioc_};
};

}  // namespace agora::net::testing
