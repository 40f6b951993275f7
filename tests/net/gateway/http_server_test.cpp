// The HTTP server alone (net/gateway/http_server.hpp), with handlers written in the test: an
// answer from another thread, a stream, the read timeout, and a stop() that does not wait for
// answers that never come.
#include "net/gateway/http_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <thread>

#include "tests/net/gateway/http_client.hpp"

namespace agora::net {
namespace {

using testing::http_connection;
using testing::http_reply;

std::string refusal_text(http::status status, std::string_view message) {
  return std::to_string(static_cast<unsigned>(status)) + " " + std::string(message);
}

http_server_options quick_options() {
  http_server_options o;
  o.threads = 2;
  o.read_timeout = std::chrono::seconds(1);
  return o;
}

TEST(http_server, answers_from_another_thread_and_streams) {
  std::vector<std::thread> workers;
  http_server server{quick_options(),
                     [&workers](const http_request& request, std::shared_ptr<http_responder> r) {
                       if (request.target() == "/stream") {
                         r->start_stream("text/plain");
                         r->stream("one ");
                         r->stream("");  // skipped
                         r->stream("two");
                         return r->end_stream();
                       }
                       std::string body = request.body();
                       workers.emplace_back([r, body] {
                         r->reply(http::status::accepted, "text/plain", "got " + body);
                       });
                     },
                     refusal_text};
  ASSERT_TRUE(server.start());
  http_connection c{server.port()};
  const http_reply answered = c.call(http::verb::post, "/later", "x");
  EXPECT_EQ(answered.status, 202u);
  EXPECT_EQ(answered.body, "got x");
  const http_reply streamed = c.call(http::verb::get, "/stream");
  EXPECT_EQ(streamed.status, 200u);
  EXPECT_TRUE(streamed.chunked);
  EXPECT_EQ(streamed.body, "one two");
  server.stop();
  for (std::thread& t : workers)
    t.join();
}

TEST(http_server, closes_a_connection_that_sends_nothing_within_the_read_timeout) {
  http_server server{quick_options(),
                     [](const http_request&, std::shared_ptr<http_responder> r) {
                       r->reply(http::status::ok, "text/plain", "ok");
                     },
                     refusal_text};
  ASSERT_TRUE(server.start());
  testing::asio::io_context ioc;
  testing::asio::ip::tcp::socket socket{ioc};
  socket.connect({testing::asio::ip::make_address("127.0.0.1"), server.port()});
  char byte = 0;
  boost::system::error_code ec;
  const size_t n = socket.read_some(testing::asio::buffer(&byte, 1), ec);  // blocks ~1 s
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec == testing::asio::error::eof || ec == testing::asio::error::connection_reset)
      << ec.message();
}

TEST(http_server, refuses_a_malformed_request_with_400_and_closes) {
  http_server server{quick_options(),
                     [](const http_request&, std::shared_ptr<http_responder> r) {
                       r->reply(http::status::ok, "text/plain", "ok");
                     },
                     refusal_text};
  ASSERT_TRUE(server.start());
  testing::asio::io_context ioc;
  testing::asio::ip::tcp::socket socket{ioc};
  socket.connect({testing::asio::ip::make_address("127.0.0.1"), server.port()});
  testing::asio::write(socket, testing::asio::buffer(std::string("HELLO THERE\r\n\r\n")));
  std::string answer;
  boost::system::error_code ec;
  testing::asio::read(socket, testing::asio::dynamic_buffer(answer), ec);  // to the close
  EXPECT_EQ(ec, testing::asio::error::eof);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400 Bad Request\r\n")) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\r\n\r\n400 Malformed HTTP request: "), std::string::npos) << answer;
}

TEST(http_server, stop_returns_with_requests_left_unanswered) {
  std::promise<std::shared_ptr<http_responder>> kept;
  http_server server{quick_options(),
                     [&kept](const http_request&, std::shared_ptr<http_responder> r) {
                       kept.set_value(std::move(r));  // never answered
                     },
                     refusal_text};
  ASSERT_TRUE(server.start());
  std::thread client([port = server.port()] {
    const http_reply r = testing::http_call(port, http::verb::get, "/never");
    EXPECT_EQ(r.status, 0u);  // the connection closed without an answer
  });
  auto future = kept.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  server.stop();
  future.get()->reply(http::status::ok, "text/plain", "too late");  // does nothing
  client.join();
}

TEST(http_server, refuses_a_host_it_cannot_parse) {
  http_server_options o = quick_options();
  o.host = "not-an-address";
  http_server server{o, [](const http_request&, std::shared_ptr<http_responder>) {}, refusal_text};
  const status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora::net
