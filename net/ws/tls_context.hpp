// TLS contexts of the WebSocket transport: the relay's server context from a PEM certificate
// chain and key, and the provider's client context that verifies the relay's certificate
// against the system CA store or, when given, only a pinned CA file. TLS 1.2 at least.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <string>

#include "core/error.hpp"

namespace agora::net {

/// A server context. invalid_argument naming the file when a PEM file does not load.
result<boost::asio::ssl::context> server_tls_context(const std::string& certificate_file,
                                                     const std::string& private_key_file);

/// A client context that verifies peers: against `ca_file` only (PEM) when not empty, else the
/// system's default CA store. invalid_argument when ca_file does not load.
result<boost::asio::ssl::context> client_tls_context(const std::string& ca_file);

}  // namespace agora::net
