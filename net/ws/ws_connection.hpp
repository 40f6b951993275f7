// One open WebSocket connection, either end (relay or provider), over plain TCP or TLS: the read
// loop, the write queue (Beast allows one async_write at a time) and the close. Everything runs
// on the connection's strand; write() and shutdown() may be called from any thread and post to
// it. What a message means is the ws_handler's business (relay_session, the provider link).
#pragma once

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/bytes.hpp"
#include "net/ws/frame_writer.hpp"
#include "net/ws/ws_metrics.hpp"

namespace agora::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

/// How a connection ended.
enum class ws_end : uint8_t {
  closed,        // a close handshake (either side), or the peer went away
  oversize,      // the peer sent a message over read_message_max (closed with 1009)
  idle_timeout,  // nothing heard for the idle timeout (pings unanswered)
  slow_peer,     // the peer read slower than we wrote: the outbox overflowed
  failed,        // any other I/O error
};

std::string_view to_string(ws_end why);

class ws_channel;

/// What the owner of a connection does with it; called on the connection's strand.
class ws_handler {
 public:
  virtual ~ws_handler() = default;
  /// One complete message. May call channel.close() to refuse the peer.
  virtual void on_message(ws_channel& channel, bytes message) = 0;
  /// The connection ended; called once, after which no message arrives.
  virtual void on_end(ws_end why, const std::string& detail) = 0;
};

/// A connection whose handshake completed, independent of its stream type.
class ws_channel : public frame_writer, public closable {
 public:
  /// Starts the read loop; the handler lives as long as the connection.
  /// REQUIRES: on the strand, the WebSocket handshake done, called once.
  virtual void start(std::unique_ptr<ws_handler> handler) = 0;
  /// Starts the closing handshake with `code` and `reason`. REQUIRES: on the strand.
  virtual void close(websocket::close_code code, std::string_view reason) = 0;
};

struct ws_connection_options {
  size_t outbox_frames_max = 0;              // more queued frames: the peer is too slow
  std::shared_ptr<frame_counters> counters;  // frames read and written; not null
};

template <class Stream>
class ws_connection final : public ws_channel,
                            public std::enable_shared_from_this<ws_connection<Stream>> {
 public:
  using socket_type = websocket::stream<Stream>;

  /// Builds the WebSocket stream from `args` (the next layer's constructor arguments).
  template <class... Args>
  explicit ws_connection(ws_connection_options options, Args&&... args)
      : options_(std::move(options)), ws_(std::forward<Args>(args)...) {
    AGORA_ASSERT(options_.counters != nullptr);
    AGORA_ASSERT(options_.outbox_frames_max > 0);
  }

  /// The stream, for the handshake that precedes start().
  socket_type& socket() { return ws_; }

  void start(std::unique_ptr<ws_handler> handler) override;
  void close(websocket::close_code code, std::string_view reason) override;
  void write(wire::frame f) override;
  void shutdown() override;

 private:
  void read();
  void on_read(beast::error_code ec);
  void enqueue(bytes data);
  void write_next();
  void on_write(beast::error_code ec);
  void finish(ws_end why, const std::string& detail);

  ws_connection_options options_;
  socket_type ws_;
  beast::flat_buffer buffer_;
  std::deque<bytes> outbox_;  // front: being written
  std::unique_ptr<ws_handler> handler_;
  std::optional<ws_end> cause_;  // set when we close for a reason of our own
  bool closing_ = false;
  bool ended_ = false;
};

extern template class ws_connection<plain_stream>;
extern template class ws_connection<tls_stream>;

}  // namespace agora::net
