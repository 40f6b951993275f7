// Blocking HTTP/1.1 calls (http_call.hpp).

#include "net/backend/http_call.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace agora::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // with the query
};

result<target> parse_target(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed)
    return make_error(errc::invalid_argument, "not a URL: " + url);
  target t;
  const std::string scheme(parsed->scheme());
  if (scheme != "http" && scheme != "https")
    return make_error(errc::invalid_argument, "not an http(s) URL: " + url);
  t.tls = scheme == "https";
  t.host = std::string(parsed->host());
  t.port = parsed->has_port() ? std::string(parsed->port()) : (t.tls ? "443" : "80");
  t.path = std::string(parsed->encoded_target());
  if (t.path.empty())
    t.path = "/";
  if (t.host.empty())
    return make_error(errc::invalid_argument, "no host in " + url);
  return t;
}

http::request<http::string_body> build(const http_call_request& r, const target& t) {
  http::request<http::string_body> out{http::string_to_verb(r.method), t.path, 11};
  out.set(http::field::host, t.host);
  out.set(http::field::user_agent, "agora-provider");
  if (!r.body.empty())
    out.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : r.headers)
    out.set(name, value);
  out.body() = r.body;
  out.prepare_payload();
  return out;
}

template <class Stream>
result<http_call_response> exchange(Stream& stream, const http_call_request& r, const target& t) {
  beast::error_code ec;
  http::write(stream, build(r, t), ec);
  if (ec)
    return make_error(errc::io_error, "writing to " + t.host + ": " + ec.message());
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(r.response_bytes_max);
  http::read(stream, buffer, parser, ec);
  if (ec)
    return make_error(errc::io_error, "reading from " + t.host + ": " + ec.message());
  return http_call_response{parser.get().result_int(), std::move(parser.get().body())};
}

result<http_call_response> call_tls(asio::io_context& ioc, const http_call_request& r,
                                    const target& t,
                                    const asio::ip::tcp::resolver::results_type& endpoints) {
  asio::ssl::context ctx{asio::ssl::context::tls_client};
  ctx.set_default_verify_paths();
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream{ioc, ctx};
  SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(t.host));
  beast::get_lowest_layer(stream).expires_after(r.timeout);
  beast::error_code ec;
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (!ec)
    stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec)
    return make_error(errc::io_error, "connecting to " + t.host + ": " + ec.message());
  return exchange(stream, r, t);
}

}  // namespace

result<http_call_response> http_call(const http_call_request& request) {
  auto t = parse_target(request.url);
  if (!t)
    return t.error();
  asio::io_context ioc;
  asio::ip::tcp::resolver resolver{ioc};
  beast::error_code ec;
  const auto endpoints = resolver.resolve(t->host, t->port, ec);
  if (ec)
    return make_error(errc::io_error, "resolving " + t->host + ": " + ec.message());
  if (t->tls)
    return call_tls(ioc, request, *t, endpoints);
  beast::tcp_stream stream{ioc};
  stream.expires_after(request.timeout);
  stream.connect(endpoints, ec);
  if (ec)
    return make_error(errc::io_error,
                      "connecting to " + t->host + ":" + t->port + ": " + ec.message());
  return exchange(stream, request, *t);
}

}  // namespace agora::net
