// A client that goes away mid-answer (PROTOCOL.md "Cancelling"): the gateway sees the closed
// connection, the renter-signed TaskCancel reaches the provider through the relay, the provider
// stops, and the proof and the escrow bill only the chunks the gateway had passed on.
#include <boost/json.hpp>

#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

/// A provider slow enough (100 ms a token) that a client leaves long before the end.
class cancel_test : public gateway_test {
  world_setup setup() const override { return {.token_time = 100ms}; }

 protected:
  /// Sends `body` to `target` on a raw connection and keeps it open.
  void send_request(const std::string& target, const std::string& body) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port_});
    const std::string request = "POST " + target +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                                "\r\nContent-Length: " +
                                std::to_string(body.size()) + "\r\n\r\n" + body;
    asio::write(socket_, asio::buffer(request));
  }

  /// Reads until `events` SSE data lines have come; returns what was read.
  std::string read_events(size_t events) {
    std::string got;
    char buffer[4096];
    while (count_events(got) < events) {
      boost::system::error_code ec;
      const size_t n = socket_.read_some(asio::buffer(buffer), ec);
      if (ec)
        break;
      got.append(buffer, n);
    }
    return got;
  }

  static size_t count_events(const std::string& text) {
    size_t n = 0;
    for (size_t at = text.find("data: "); at != std::string::npos; at = text.find("data: ", at + 1))
      ++n;
    return n;
  }

  /// The proof the gateway keeps for response `id`, once it is there.
  json::value proof_of(const std::string& id) {
    http_reply p;
    EXPECT_TRUE(wait_until([&] {
      p = get("/v1/proofs/" + id);
      return p.status == 200;
    }));
    return p.status == 200 ? p.json() : json::value{};
  }

  asio::io_context ioc_;
  asio::ip::tcp::socket socket_{ioc_};
};

constexpr const char* long_stream =
    R"({"model":"mock-model","stream":true,"max_tokens":16,"seed":5,)"
    R"("messages":[{"role":"user","content":"tell me a long story"}]})";

TEST_F(cancel_test, a_stream_abandoned_after_a_few_chunks_bills_only_what_was_delivered) {
  const int64_t before = house_balance();
  send_request("/v1/chat/completions", long_stream);
  const std::string got = read_events(3);  // the role chunk, then two words
  const size_t id_at = got.find("\"id\":\"chatcmpl-");
  ASSERT_NE(id_at, std::string::npos) << got;
  const std::string id = got.substr(id_at + 6, 9 + 32);
  socket_.close();
  const json::value proof = proof_of(id);
  ASSERT_TRUE(proof.is_object());
  const int64_t completion = proof.at("completion_tokens").to_number<int64_t>();
  EXPECT_GE(completion, 2);   // what the client had read
  EXPECT_LT(completion, 16);  // the provider stopped early
  EXPECT_EQ(proof.at("chunk_count").to_number<int64_t>(),
            completion);  // mock-model: a token a chunk
  EXPECT_EQ(proof.at("finish_reason").as_string(), "None");
  const int64_t tokens = proof.at("prompt_tokens").to_number<int64_t>() + completion;
  const int64_t cost = (provider_price_micros * tokens + 999'999) / 1'000'000;
  EXPECT_EQ(proof.at("cost_micros").as_int64(), cost);
  EXPECT_TRUE(wait_until([&] { return house_balance() == before - cost; }))
      << "balance " << house_balance() << ", expected " << before - cost;
  EXPECT_EQ(gateway_->counters().proofs_verified, 1u);
}

TEST_F(cancel_test, a_non_streamed_request_abandoned_bills_no_completion_tokens) {
  const int64_t before = house_balance();
  send_request("/v1/completions",
               R"({"model":"mock-model","max_tokens":16,"prompt":"count to sixteen slowly"})");
  ASSERT_TRUE(wait_until([&] { return relay_status().tasks > 0; }));
  socket_.close();
  ASSERT_TRUE(wait_until([&] { return gateway_->proofs().size() == 1; }));
  ASSERT_TRUE(wait_until([&] { return house_balance() < before; }));
  // Only the prompt's 4 words are paid: nothing reached the client.
  const int64_t cost = (provider_price_micros * 4 + 999'999) / 1'000'000;
  EXPECT_TRUE(wait_until([&] { return house_balance() == before - cost; }))
      << "balance " << house_balance() << ", expected " << before - cost;
}

}  // namespace
}  // namespace agora::net::testing
