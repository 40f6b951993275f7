// Parsing relay URLs with Boost.URL.

#include "net/ws/ws_url.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

namespace agora::net {

namespace {

error bad_url(std::string_view text, std::string_view why) {
  return make_error(errc::invalid_argument,
                    "relay URL \"" + std::string(text) + "\": " + std::string(why));
}

}  // namespace

std::string ws_url::host_header() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool ws_url::host_is_address() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

result<ws_url> parse_ws_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed)
    return bad_url(text, parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  ws_url out;
  if (u.scheme() == "wss")
    out.tls = true;
  else if (u.scheme() != "ws")
    return bad_url(text, "the scheme must be ws or wss");
  if (!u.has_authority() || u.encoded_host().empty())
    return bad_url(text, "no host");
  if (u.has_userinfo() || u.has_fragment())
    return bad_url(text, "user info and fragments are not allowed");
  out.host = u.host_address();
  if (u.has_port() && u.port_number() == 0)
    return bad_url(text, "the port must be 1-65535");
  out.port = u.has_port() ? u.port_number() : (out.tls ? 443 : 80);
  out.target = std::string(u.encoded_target());
  if (out.target.empty() || out.target == "/")
    out.target = provider_connect_path;
  out.text = std::string(text);
  return out;
}

}  // namespace agora::net
