// The provider's dial of its relay: resolve, TCP connect, TLS for wss:// (SNI for host names,
// the certificate checked against the context's trust store and the URL's host), then the
// WebSocket handshake on the URL's target. Each step has handshake_timeout; the WebSocket gets
// frame_bytes_max and the idle timeout with keep-alive pings.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>
#include <memory>

#include "core/error.hpp"
#include "net/ws/ws_connection.hpp"
#include "net/ws/ws_limits.hpp"
#include "net/ws/ws_url.hpp"

namespace agora::net {

/// The open connection (not started), or why the dial failed (io_error).
using dial_callback = std::function<void(result<std::shared_ptr<ws_channel>>)>;

/// Dials `url` with every handler on `strand`; `done` runs there once. The returned handle's
/// shutdown() aborts the dial (done then gets an error). REQUIRES: tls not null iff url.tls;
/// *tls outlives the dial.
std::shared_ptr<closable> dial(const asio::any_io_executor& strand, const ws_url& url,
                               asio::ssl::context* tls, const ws_limits& limits,
                               ws_connection_options options, dial_callback done);

}  // namespace agora::net
