// The steps of a provider's dial, for plain and TLS streams.

#include "net/ws/link_dial.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <type_traits>

namespace agora::net {

namespace {

using tcp = asio::ip::tcp;

template <class Stream>
class dial_op final : public closable, public std::enable_shared_from_this<dial_op<Stream>> {
 public:
  template <class... Args>
  dial_op(const asio::any_io_executor& strand, ws_url url, const ws_limits& limits,
          ws_connection_options options, dial_callback done, Args&&... args)
      : strand_(strand), resolver_(strand), url_(std::move(url)), limits_(limits),
        connection_(std::make_shared<ws_connection<Stream>>(std::move(options), strand,
                                                            std::forward<Args>(args)...)),
        done_(std::move(done)) {}

  void start() {
    asio::dispatch(strand_, [self = this->shared_from_this()] {
      self->resolver_.async_resolve(
          self->url_.host, std::to_string(self->url_.port),
          [self](beast::error_code ec, tcp::resolver::results_type found) {
            if (ec || self->cancelled_)
              return self->fail("resolve", ec);
            self->connect(found);
          });
    });
  }

  void shutdown() override {
    asio::post(strand_, [self = this->shared_from_this()] {
      self->cancelled_ = true;
      self->resolver_.cancel();
      beast::get_lowest_layer(self->connection_->socket()).close();
    });
  }

 private:
  void connect(const tcp::resolver::results_type& found) {
    auto& tcp_layer = beast::get_lowest_layer(connection_->socket());
    tcp_layer.expires_after(limits_.handshake_timeout);
    tcp_layer.async_connect(
        found, [self = this->shared_from_this()](beast::error_code ec, const tcp::endpoint&) {
          if (ec || self->cancelled_)
            return self->fail("connect", ec);
          self->secure();
        });
  }

  void secure() {
    if constexpr (std::is_same_v<Stream, tls_stream>) {
      auto& tls = connection_->socket().next_layer();
      if (!url_.host_is_address())
        SSL_set_tlsext_host_name(tls.native_handle(), url_.host.c_str());
      tls.set_verify_callback(asio::ssl::host_name_verification(url_.host));
      tls.async_handshake(asio::ssl::stream_base::client,
                          [self = this->shared_from_this()](beast::error_code ec) {
                            if (ec || self->cancelled_)
                              return self->fail("TLS handshake", ec);
                            self->upgrade();
                          });
    } else {
      upgrade();
    }
  }

  void upgrade() {
    auto& ws = connection_->socket();
    beast::get_lowest_layer(ws).expires_never();  // the WebSocket's own timeouts take over
    beast::error_code ignored;                    // small latency-bound frames: no Nagle delay
    beast::get_lowest_layer(ws).socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    ws.set_option(websocket::stream_base::timeout{limits_.handshake_timeout, limits_.idle_timeout,
                                                  /*keep_alive_pings=*/true});
    ws.read_message_max(limits_.frame_bytes_max);
    ws.async_handshake(url_.host_header(), url_.target,
                       [self = this->shared_from_this()](beast::error_code ec) {
                         if (ec || self->cancelled_)
                           return self->fail("WebSocket handshake", ec);
                         self->done_(std::shared_ptr<ws_channel>(self->connection_));
                       });
  }

  void fail(std::string_view step, const beast::error_code& ec) {
    const std::string why = cancelled_ ? "cancelled" : ec.message();
    done_(make_error(errc::io_error, std::string(step) + ": " + why));
  }

  asio::any_io_executor strand_;
  tcp::resolver resolver_;
  ws_url url_;
  ws_limits limits_;
  std::shared_ptr<ws_connection<Stream>> connection_;
  dial_callback done_;
  bool cancelled_ = false;
};

template <class Stream, class... Args>
std::shared_ptr<closable> start_dial(const asio::any_io_executor& strand, const ws_url& url,
                                     const ws_limits& limits, ws_connection_options options,
                                     dial_callback done, Args&&... args) {
  auto op = std::make_shared<dial_op<Stream>>(strand, url, limits, std::move(options),
                                              std::move(done), std::forward<Args>(args)...);
  op->start();
  return op;
}

}  // namespace

std::shared_ptr<closable> dial(const asio::any_io_executor& strand, const ws_url& url,
                               asio::ssl::context* tls, const ws_limits& limits,
                               ws_connection_options options, dial_callback done) {
  AGORA_ASSERT((tls != nullptr) == url.tls);
  AGORA_ASSERT(done != nullptr);
  if (url.tls)
    return start_dial<tls_stream>(strand, url, limits, std::move(options), std::move(done), *tls);
  return start_dial<plain_stream>(strand, url, limits, std::move(options), std::move(done));
}

}  // namespace agora::net
