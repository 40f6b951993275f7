// The read loop, write queue and close of ws_connection, for plain and TLS streams.

#include "net/ws/ws_connection.hpp"

#include <spdlog/spdlog.h>

namespace agora::net {

std::string_view to_string(ws_end why) {
  switch (why) {
  case ws_end::closed: return "closed";
  case ws_end::oversize: return "oversize message";
  case ws_end::idle_timeout: return "idle timeout";
  case ws_end::slow_peer: return "slow peer";
  case ws_end::failed: return "failed";
  }
  return "ws_end(?)";
}

namespace {

/// How a read that failed with `ec` ended the connection.
ws_end end_of(const beast::error_code& ec) {
  if (ec == websocket::error::closed || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
    return ws_end::closed;
  if (ec == websocket::error::message_too_big)
    return ws_end::oversize;
  if (ec == beast::error::timeout)
    return ws_end::idle_timeout;
  return ws_end::failed;
}

}  // namespace

template <class Stream>
void ws_connection<Stream>::start(std::unique_ptr<ws_handler> handler) {
  AGORA_ASSERT(handler != nullptr);
  AGORA_ASSERT(handler_ == nullptr);
  handler_ = std::move(handler);
  ws_.binary(true);
  read();
}

template <class Stream>
void ws_connection<Stream>::read() {
  ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
    self->on_read(ec);
  });
}

template <class Stream>
void ws_connection<Stream>::on_read(beast::error_code ec) {
  if (ec)
    return finish(cause_.value_or(end_of(ec)), ec.message());
  ++options_.counters->in;
  const auto* data = static_cast<const uint8_t*>(buffer_.data().data());
  bytes message(data, data + buffer_.size());
  buffer_.consume(buffer_.size());
  handler_->on_message(*this, std::move(message));
  if (!closing_)
    read();
}

template <class Stream>
void ws_connection<Stream>::close(websocket::close_code code, std::string_view reason) {
  if (closing_ || ended_)
    return;
  closing_ = true;
  ws_.async_close(websocket::close_reason(code, reason), [self = this->shared_from_this()](
                                                             beast::error_code ec) {
    self->finish(self->cause_.value_or(ws_end::closed), ec ? ec.message() : "closed by this end");
  });
}

template <class Stream>
void ws_connection<Stream>::shutdown() {
  asio::post(ws_.get_executor(), [self = this->shared_from_this()] {
    if (self->handler_ == nullptr)  // still in the handshake: abort it
      return beast::get_lowest_layer(self->ws_).close();
    self->close(websocket::close_code::going_away, "shutting down");
  });
}

template <class Stream>
void ws_connection<Stream>::write(wire::frame f) {
  asio::post(ws_.get_executor(), [self = this->shared_from_this(), f = std::move(f)]() mutable {
    self->enqueue(std::move(f.data));
  });
}

template <class Stream>
void ws_connection<Stream>::enqueue(bytes data) {
  if (closing_ || ended_ || handler_ == nullptr)
    return;
  if (outbox_.size() >= options_.outbox_frames_max) {
    spdlog::warn("ws: a peer reads too slowly ({} frames queued): closing",
                 options_.outbox_frames_max);
    cause_ = ws_end::slow_peer;
    return close(websocket::close_code::policy_error, "write queue full");
  }
  outbox_.push_back(std::move(data));
  if (outbox_.size() == 1)
    write_next();
}

template <class Stream>
void ws_connection<Stream>::write_next() {
  AGORA_ASSERT(!outbox_.empty());
  ws_.async_write(
      asio::buffer(outbox_.front()),
      [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_write(ec); });
}

template <class Stream>
void ws_connection<Stream>::on_write(beast::error_code ec) {
  AGORA_ASSERT(!outbox_.empty());
  if (!ec)
    ++options_.counters->out;
  if (ec || closing_ || ended_) {  // the read loop or the close reports the end
    outbox_.clear();
    return;
  }
  outbox_.pop_front();
  if (!outbox_.empty())
    write_next();
}

template <class Stream>
void ws_connection<Stream>::finish(ws_end why, const std::string& detail) {
  if (ended_)
    return;
  ended_ = true;
  AGORA_ASSERT(handler_ != nullptr);
  handler_->on_end(why, detail);
}

template class ws_connection<plain_stream>;
template class ws_connection<tls_stream>;

}  // namespace agora::net
