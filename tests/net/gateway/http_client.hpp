// A small synchronous HTTP/1.1 client for the gateway tests (Boost.Beast): one request per call
// on a fresh connection, or several on one kept-alive connection. Chunked bodies (server-sent
// events) are read whole, so a test sees the exact event text.
#pragma once

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace agora::net::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct http_reply {
  unsigned status = 0;
  std::string content_type;
  bool chunked = false;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names

  boost::json::value json() const { return boost::json::parse(body); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class http_connection {
 public:
  explicit http_connection(uint16_t port) : stream_(ioc_) {
    stream_.expires_after(std::chrono::seconds(30));  // generous: no test waits this long
    stream_.connect(asio::ip::tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
  }
  ~http_connection() {
    beast::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  }

  /// Sends one request and reads its reply; status 0 when the connection failed.
  http_reply call(http::verb method, const std::string& target, const std::string& body = {},
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers)
      request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    request.keep_alive(true);
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(30));
    http::write(stream_, request, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream_, buffer_, parser, ec);
    if (ec)
      return {};
    const auto& response = parser.get();
    http_reply out{response.result_int(),
                   std::string(response[http::field::content_type]),
                   response.chunked(),
                   response.body(),
                   {}};
    for (const auto& field : response) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      out.headers[name] = std::string(field.value());
    }
    return out;
  }

 private:
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

/// One request on a fresh connection.
inline http_reply http_call(uint16_t port, http::verb method, const std::string& target,
                            const std::string& body = {}) {
  return http_connection{port}.call(method, target, body);
}

/// The "data: …" payloads of a server-sent event stream, in order.
inline std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < body.size()) {
    const size_t end = body.find("\n\n", at);
    if (end == std::string::npos)
      break;
    const std::string event = body.substr(at, end - at);
    if (event.rfind("data: ", 0) == 0)
      out.push_back(event.substr(6));
    at = end + 2;
  }
  return out;
}

}  // namespace agora::net::testing
