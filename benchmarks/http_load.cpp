// The closed-loop HTTP load generator (http_load.hpp).

#include "benchmarks/http_load.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

namespace agora::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using clock_type = std::chrono::steady_clock;

struct shared_run {
  http::request<http::string_body> request;
  clock_type::time_point end;
  http_load_result result;
};

class load_connection : public std::enable_shared_from_this<load_connection> {
 public:
  load_connection(asio::io_context& ioc, std::shared_ptr<shared_run> run)
      : stream_(ioc), run_(std::move(run)) {}

  void start(const asio::ip::tcp::endpoint& to) {
    stream_.async_connect(to, [self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return void(++self->run_->result.failed);
      self->send();
    });
  }

 private:
  void send() {
    if (clock_type::now() >= run_->end)
      return;
    sent_ = clock_type::now();
    http::async_write(stream_, run_->request,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec)
                          return void(++self->run_->result.failed);
                        self->receive();
                      });
  }

  void receive() {
    response_ = {};
    http::async_read(stream_, buffer_, response_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec)
                         return void(++self->run_->result.failed);
                       self->answered();
                     });
  }

  void answered() {
    auto& r = run_->result;
    if (response_.result_int() != 200) {
      ++r.failed;
    } else {
      ++r.ok;
      r.latencies_us.push_back(
          std::chrono::duration<double, std::micro>(clock_type::now() - sent_).count());
    }
    send();
  }

  beast::tcp_stream stream_;
  std::shared_ptr<shared_run> run_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
  clock_type::time_point sent_;
};

http::request<http::string_body> make_request(const http_load_options& o) {
  http::request<http::string_body> request{http::verb::post, o.target, 11};
  request.set(http::field::host, o.host);
  request.set(http::field::content_type, "application/json");
  request.keep_alive(true);
  request.body() = o.body;
  request.prepare_payload();
  return request;
}

/// True once `seen` holds a "content":"<at least one character>".
bool has_content(const std::string& seen) {
  const std::string key = "\"content\":\"";
  for (size_t at = seen.find(key); at != std::string::npos; at = seen.find(key, at + 1))
    if (at + key.size() < seen.size() && seen[at + key.size()] != '"')
      return true;
  return false;
}

}  // namespace

double http_load_result::percentile_us(double q) const {
  if (latencies_us.empty())
    return 0;
  const size_t i = std::min(latencies_us.size() - 1, size_t(q * (latencies_us.size() - 1) + 0.5));
  return latencies_us[i];
}

http_load_result run_http_load(const http_load_options& o) {
  asio::io_context ioc;
  auto run = std::make_shared<shared_run>();
  run->request = make_request(o);
  const auto start = clock_type::now();
  run->end = start + std::chrono::duration_cast<clock_type::duration>(
                         std::chrono::duration<double>(o.seconds));
  const asio::ip::tcp::endpoint to{asio::ip::make_address(o.host), o.port};
  for (size_t i = 0; i < o.connections; ++i)
    std::make_shared<load_connection>(ioc, run)->start(to);
  ioc.run();
  run->result.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  std::sort(run->result.latencies_us.begin(), run->result.latencies_us.end());
  return std::move(run->result);
}

double time_to_first_token_us(const http_load_options& o) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(30));
  beast::error_code ec;
  stream.connect({asio::ip::make_address(o.host), o.port}, ec);
  if (ec)
    return -1;
  const auto start = clock_type::now();
  http::write(stream, make_request(o), ec);
  std::string seen;
  char chunk[4096];
  while (!ec && !has_content(seen)) {
    const size_t n = stream.read_some(asio::buffer(chunk), ec);
    seen.append(chunk, n);
  }
  if (ec)
    return -1;
  return std::chrono::duration<double, std::micro>(clock_type::now() - start).count();
}

}  // namespace agora::bench
