// The relay URL a provider dials: ws://host[:port][/path] or wss://…, parsed with Boost.URL.
// Without a path (or with "/") the provider path /v1/provider/connect is used.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agora::net {

/// The only path a provider connects on.
inline constexpr const char* provider_connect_path = "/v1/provider/connect";

struct ws_url {
  bool tls = false;    // wss://
  std::string host;    // a name or an address (IPv6 without brackets)
  uint16_t port = 0;   // the default port of the scheme when the URL names none
  std::string target;  // path and query, sent in the upgrade request
  std::string text;    // the URL as given, for logs

  /// The Host header: host[:port], IPv6 in brackets.
  std::string host_header() const;
  /// Whether host is an IP address (no SNI then: RFC 6066 §3).
  bool host_is_address() const;
};

/// invalid_argument for text that is not an absolute ws/wss URL with a host, or that carries
/// user info or a fragment.
result<ws_url> parse_ws_url(std::string_view text);

}  // namespace agora::net
