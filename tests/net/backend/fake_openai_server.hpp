// A small fake OpenAI-compatible server for the external-backend tests: a Beast server on its own
// thread on 127.0.0.1 that records every request and answers /v1/models, /v1/completions,
// /v1/chat/completions and /v1/embeddings (the vector [3, 4], not normalised) with fixed JSON
// (or with a chosen status), one request per connection.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agora::net::testing {

class fake_openai_server {
 public:
  struct seen {
    std::string target;
    std::string body;
  };

  fake_openai_server() : acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { serve(); });
  }
  /// Wakes the blocking accept with one last connection, then joins.
  ~fake_openai_server() {
    stopping_ = true;
    boost::system::error_code ignored;
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket wake(ioc);
    wake.connect({boost::asio::ip::make_address("127.0.0.1"), port()}, ignored);
    thread_.join();
  }

  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  std::vector<seen> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// From now on every completion call is answered with this status and a short error body.
  void fail_with(unsigned status) {
    std::lock_guard lock(mutex_);
    fail_status_ = status;
  }

 private:
  void serve() {
    namespace http = boost::beast::http;
    for (;;) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_)
        return;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec)
        continue;
      auto [status, body] = answer(std::string(request.target()), request.body());
      http::response<http::string_body> response{static_cast<http::status>(status), 11};
      response.set(http::field::content_type, "application/json");
      response.body() = body;
      response.prepare_payload();
      http::write(socket, response, ec);
    }
  }

  std::pair<unsigned, std::string> answer(const std::string& target, const std::string& body) {
    std::lock_guard lock(mutex_);
    requests_.push_back({target, body});
    if (target == "/v1/models")
      return {200, R"({"object":"list","data":[{"id":"llama-3-8b","object":"model"}]})"};
    if (fail_status_ != 0)
      return {fail_status_, R"({"error":{"message":"backend down"}})"};
    const std::string usage = R"("usage":{"prompt_tokens":5,"completion_tokens":3})";
    if (target == "/v1/completions")
      return {200,
              R"({"choices":[{"text":"one two three","finish_reason":"length"}],)" + usage + "}"};
    if (target == "/v1/chat/completions")
      return {200, R"({"choices":[{"message":{"role":"assistant","content":"hi there"},)"
                   R"("finish_reason":"stop"}],)" +
                       usage + "}"};
    if (target == "/v1/embeddings")
      return {200, R"({"object":"list","data":[{"object":"embedding","index":0,)"
                   R"("embedding":[3.0,4]}],"model":"llama-3-8b",)"
                   R"("usage":{"prompt_tokens":7,"total_tokens":7}})"};
    return {404, R"({"error":{"message":"no such route"}})"};
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::mutex mutex_;
  std::vector<seen> requests_;  // GUARDED_BY(mutex_)
  unsigned fail_status_ = 0;    // GUARDED_BY(mutex_)
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace agora::net::testing
