// The relay side of a provider connection before it is a WebSocket: the TLS handshake (wss), the
// HTTP upgrade request (read within handshake_timeout, so a slowloris peer is cut off), the path
// check (anything but GET /v1/provider/connect with an upgrade gets a 404 and a close), and the
// WebSocket accept. On success it hands the connection to a relay_session with a fresh bridge.
#pragma once

#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>

#include "net/ws/connection_table.hpp"
#include "net/ws/relay_core.hpp"
#include "net/ws/ws_connection.hpp"

namespace agora::net {

template <class Stream>
class relay_handshake final : public closable,
                              public std::enable_shared_from_this<relay_handshake<Stream>> {
 public:
  /// REQUIRES: `stream` connected, its executor a strand; core valid.
  relay_handshake(Stream stream, std::shared_ptr<relay_core> core, connection_slot slot,
                  std::string peer);

  /// Starts the handshake; the object keeps itself alive until it ends.
  void start();
  void shutdown() override;

 private:
  void begin();
  void read_request();
  void on_request(beast::error_code ec);
  void refuse(const beast::http::request<beast::http::empty_body>& request);
  void upgrade();
  void on_upgraded(const std::shared_ptr<ws_connection<Stream>>& connection, beast::error_code ec);
  void count_failure(const beast::error_code& ec, std::string_view stage);

  Stream stream_;
  const asio::any_io_executor strand_;  // stream_'s, kept: stream_ moves into the connection
  bool upgraded_ = false;               // stream_ moved into the connection
  std::shared_ptr<relay_core> core_;
  std::optional<connection_slot> slot_;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::empty_body>> parser_;
  std::optional<beast::http::response<beast::http::string_body>> response_;
};

extern template class relay_handshake<plain_stream>;
extern template class relay_handshake<tls_stream>;

}  // namespace agora::net
