// The relay's pre-WebSocket handshake: TLS, the upgrade request, the path check, the accept.

#include "net/ws/relay_handshake.hpp"

#include <spdlog/spdlog.h>

#include <type_traits>

#include "net/ws/relay_bridge.hpp"
#include "net/ws/relay_session.hpp"

namespace agora::net {

namespace http = beast::http;

template <class Stream>
relay_handshake<Stream>::relay_handshake(Stream stream, std::shared_ptr<relay_core> core,
                                         connection_slot slot, std::string peer)
    : stream_(std::move(stream)), strand_(stream_.get_executor()), core_(std::move(core)),
      slot_(std::move(slot)), peer_(std::move(peer)) {
  AGORA_ASSERT(core_ != nullptr);
  AGORA_ASSERT(core_->sys != nullptr);
}

template <class Stream>
void relay_handshake<Stream>::start() {
  slot_->attach(this->weak_from_this());
  asio::dispatch(strand_, [self = this->shared_from_this()] { self->begin(); });
}

template <class Stream>
void relay_handshake<Stream>::begin() {
  // One deadline for TLS and the HTTP request together: a slowloris peer gains nothing.
  beast::get_lowest_layer(stream_).expires_after(core_->limits.handshake_timeout);
  if constexpr (std::is_same_v<Stream, tls_stream>) {
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec)
                                return self->count_failure(ec, "TLS handshake");
                              self->read_request();
                            });
  } else {
    read_request();
  }
}

template <class Stream>
void relay_handshake<Stream>::shutdown() {
  asio::post(strand_, [self = this->shared_from_this()] {
    if (!self->upgraded_)  // else the connection was attached and closes itself
      beast::get_lowest_layer(self->stream_).close();
  });
}

template <class Stream>
void relay_handshake<Stream>::read_request() {
  parser_.emplace();
  parser_->header_limit(core_->limits.request_header_bytes_max);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_request(ec); });
}

template <class Stream>
void relay_handshake<Stream>::on_request(beast::error_code ec) {
  if (ec)
    return count_failure(ec, "upgrade request");
  const auto& request = parser_->get();
  if (request.method() != http::verb::get || request.target() != provider_connect_path ||
      !websocket::is_upgrade(request))
    return refuse(request);
  upgrade();
}

template <class Stream>
void relay_handshake<Stream>::refuse(const http::request<http::empty_body>& request) {
  ++core_->metrics->refusals.bad_path;
  spdlog::warn("ws: {} asked for {} {}: 404", peer_, std::string(request.method_string()),
               std::string(request.target()));
  response_.emplace(http::status::not_found, request.version());
  response_->set(http::field::content_type, "text/plain");
  response_->body() = "not found; providers connect to GET /v1/provider/connect\n";
  response_->keep_alive(false);
  response_->prepare_payload();
  http::async_write(stream_, *response_,
                    [self = this->shared_from_this()](beast::error_code, size_t) {
                      beast::error_code ignored;
                      beast::get_lowest_layer(self->stream_)
                          .socket()
                          .shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
                    });
}

template <class Stream>
void relay_handshake<Stream>::upgrade() {
  const ws_limits& limits = core_->limits;
  auto connection = std::make_shared<ws_connection<Stream>>(
      ws_connection_options{limits.outbox_frames_max, std::shared_ptr<frame_counters>(
                                                          core_->metrics, &core_->metrics->frames)},
      std::move(stream_));
  upgraded_ = true;
  slot_->attach(connection);  // from now on stop() closes the WebSocket
  auto& ws = connection->socket();
  beast::get_lowest_layer(ws).expires_never();  // the WebSocket's own timeouts take over
  // Frames are small and latency-bound: Nagle + delayed ACKs held each one ~40 ms.
  beast::error_code ignored;
  beast::get_lowest_layer(ws).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  ws.set_option(websocket::stream_base::timeout{limits.handshake_timeout, limits.idle_timeout,
                                                /*keep_alive_pings=*/true});
  ws.read_message_max(limits.frame_bytes_max);
  ws.async_accept(parser_->release(),
                  [self = this->shared_from_this(), connection](beast::error_code ec) {
                    self->on_upgraded(connection, ec);
                  });
}

template <class Stream>
void relay_handshake<Stream>::on_upgraded(const std::shared_ptr<ws_connection<Stream>>& connection,
                                          beast::error_code ec) {
  if (ec)
    return count_failure(ec, "WebSocket handshake");
  ++core_->metrics->upgrades;
  spdlog::info("ws: provider connection from {}", peer_);
  auto bridge = spawn_relay_bridge(*core_->sys, core_->relay, session_ref{connection});
  connection->start(
      std::make_unique<relay_session>(core_, std::move(*slot_), std::move(bridge), peer_));
  slot_.reset();
}

template <class Stream>
void relay_handshake<Stream>::count_failure(const beast::error_code& ec, std::string_view stage) {
  refusal_counters& refusals = core_->metrics->refusals;
  if (ec == beast::error::timeout) {
    ++refusals.handshake_timeout;
    return spdlog::warn("ws: {} did not finish its {} within {} ms: closed", peer_, stage,
                        core_->limits.handshake_timeout.count());
  }
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
    return spdlog::debug("ws: {} left during its {}", peer_, stage);
  ++refusals.malformed;
  spdlog::warn("ws: {} failed its {}: {}", peer_, stage, ec.message());
}

template class relay_handshake<plain_stream>;
template class relay_handshake<tls_stream>;

}  // namespace agora::net
