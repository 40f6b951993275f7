// The completion endpoints end to end over real HTTP (gateway_fixture.hpp): the exact JSON of a
// chat completion and a text completion, streamed events that add up to the same text, the
// usage chunk, the proof behind a response id, and the gateway's account charged exactly the
// proof's cost with the rest of the Hold returned.
#include <gtest/gtest.h>

#include "core/signature.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

const std::string chat_body =
    R"({"model":"mock-model","messages":[{"role":"user","content":"hello market world"}],)"
    R"("max_tokens":5,"seed":7})";
const std::string completion_body =
    R"({"model":"mock-model","prompt":"hello market world","max_tokens":5,"seed":7})";

actors::generation_request chat_request() {
  actors::generation_request r;
  r.messages = {{"user", "hello market world"}};
  r.sampling.max_tokens = 5;
  r.sampling.seed = 7;
  return r;
}

actors::generation_request completion_request() {
  actors::generation_request r;
  r.prompt = "hello market world";
  r.sampling.max_tokens = 5;
  r.sampling.seed = 7;
  return r;
}

/// The keys of a JSON object, in order.
std::vector<std::string> keys(const json::object& o) {
  std::vector<std::string> out;
  for (const auto& entry : o)
    out.emplace_back(entry.key());
  return out;
}

void expect_usage(const json::value& usage, const actors::generation& g) {
  EXPECT_EQ(usage.at("prompt_tokens").as_int64(), g.prompt_tokens);
  EXPECT_EQ(usage.at("completion_tokens").as_int64(), g.completion_tokens);
  EXPECT_EQ(usage.at("total_tokens").as_int64(), g.prompt_tokens + g.completion_tokens);
}

TEST_F(gateway_test, chat_completion_has_openais_exact_shape) {
  const http_reply r = post("/v1/chat/completions", chat_body);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const json::object body = r.json().as_object();
  EXPECT_EQ(keys(body),
            (std::vector<std::string>{"id", "object", "created", "model", "choices", "usage"}));
  EXPECT_TRUE(body.at("id").as_string().starts_with("chatcmpl-"));
  EXPECT_EQ(body.at("id").as_string().size(), 9u + 32u);
  EXPECT_EQ(body.at("object").as_string(), "chat.completion");
  EXPECT_GE(body.at("created").as_int64(), epoch_unix_s);
  EXPECT_EQ(body.at("model").as_string(), "mock-model");
  const json::array& choices = body.at("choices").as_array();
  ASSERT_EQ(choices.size(), 1u);
  const json::object& choice = choices[0].as_object();
  EXPECT_EQ(keys(choice),
            (std::vector<std::string>{"index", "message", "logprobs", "finish_reason"}));
  EXPECT_EQ(choice.at("index").as_int64(), 0);
  EXPECT_TRUE(choice.at("logprobs").is_null());
  const actors::generation g = expected(chat_request());
  EXPECT_EQ(choice.at("finish_reason").as_string(), "length");  // 5 < 16 natural tokens
  EXPECT_EQ(choice.at("message").at("role").as_string(), "assistant");
  EXPECT_EQ(choice.at("message").at("content").as_string(), g.text);
  expect_usage(body.at("usage"), g);
}

TEST_F(gateway_test, text_completion_has_openais_exact_shape) {
  const http_reply r = post("/v1/completions", completion_body);
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::object body = r.json().as_object();
  EXPECT_TRUE(body.at("id").as_string().starts_with("cmpl-"));
  EXPECT_EQ(body.at("object").as_string(), "text_completion");
  const json::object& choice = body.at("choices").as_array().at(0).as_object();
  EXPECT_EQ(keys(choice), (std::vector<std::string>{"index", "text", "logprobs", "finish_reason"}));
  const actors::generation g = expected(completion_request());
  EXPECT_EQ(choice.at("text").as_string(), g.text);
  EXPECT_EQ(g.prompt_tokens, 3u);
  expect_usage(body.at("usage"), g);
}

TEST_F(gateway_test, a_request_that_reaches_the_natural_end_finishes_with_stop) {
  const http_reply r =
      post("/v1/completions", R"({"model":"mock-model","prompt":"a b","max_tokens":40})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value body = r.json();
  EXPECT_EQ(body.at("choices").at(0).at("finish_reason").as_string(), "stop");
  EXPECT_EQ(body.at("usage").at("completion_tokens").as_int64(),
            actors::mock_model::natural_length);
}

TEST_F(gateway_test, streamed_chat_adds_up_to_the_same_text_and_ends_with_done) {
  const http_reply whole = post("/v1/chat/completions", chat_body);
  ASSERT_EQ(whole.status, 200u) << whole.body;
  std::string streamed_body = chat_body;
  streamed_body.back() = ',';
  streamed_body += R"("stream":true,"stream_options":{"include_usage":true}})";
  const http_reply r = post("/v1/chat/completions", streamed_body);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/event-stream");
  EXPECT_TRUE(r.chunked);
  const std::vector<std::string> events = sse_data(r.body);
  ASSERT_GE(events.size(), 4u) << r.body;
  EXPECT_EQ(events.back(), "[DONE]");
  const json::value first = json::parse(events[0]);
  EXPECT_EQ(first.at("object").as_string(), "chat.completion.chunk");
  EXPECT_EQ(first.at("choices").at(0).at("delta").at("role").as_string(), "assistant");
  const std::string id(first.at("id").as_string());
  std::string text;
  for (size_t i = 1; i + 3 < events.size(); ++i) {
    const json::value chunk = json::parse(events[i]);
    EXPECT_EQ(chunk.at("id").as_string(), id);
    EXPECT_TRUE(chunk.at("usage").is_null());
    EXPECT_TRUE(chunk.at("choices").at(0).at("finish_reason").is_null());
    text += chunk.at("choices").at(0).at("delta").at("content").as_string();
  }
  const json::value whole_body = whole.json();
  EXPECT_EQ(text, whole_body.at("choices").at(0).at("message").at("content").as_string());
  const json::value last = json::parse(events[events.size() - 3]);
  EXPECT_EQ(last.at("choices").at(0).at("finish_reason").as_string(), "length");
  const json::value usage = json::parse(events[events.size() - 2]);
  EXPECT_TRUE(usage.at("choices").as_array().empty());
  EXPECT_EQ(usage.at("usage"), whole_body.at("usage"));
}

TEST_F(gateway_test, streamed_completion_without_usage_has_no_usage_chunk) {
  std::string streamed_body = completion_body;
  streamed_body.back() = ',';
  streamed_body += R"("stream":true})";
  const http_reply r = post("/v1/completions", streamed_body);
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::vector<std::string> events = sse_data(r.body);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text;
  for (size_t i = 0; i + 2 < events.size(); ++i) {
    const json::value chunk = json::parse(events[i]);
    EXPECT_EQ(chunk.at("object").as_string(), "text_completion");
    EXPECT_FALSE(chunk.as_object().contains("usage"));
    text += chunk.at("choices").at(0).at("text").as_string();
  }
  EXPECT_EQ(text, expected(completion_request()).text);
  const json::value last = json::parse(events[events.size() - 2]);
  EXPECT_EQ(last.at("choices").at(0).at("finish_reason").as_string(), "length");
}

TEST_F(gateway_test, the_proof_of_a_response_matches_it_and_its_cost_is_charged_exactly) {
  const int64_t before = house_balance();
  ASSERT_EQ(before, house_deposit_micros);
  const http_reply r = post("/v1/chat/completions", chat_body);
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value body = r.json();
  const std::string id(body.at("id").as_string());
  const http_reply p = get("/v1/proofs/" + id);
  ASSERT_EQ(p.status, 200u) << p.body;
  const json::value proof = p.json();
  EXPECT_EQ(proof.at("id").as_string(), id);
  EXPECT_EQ(proof.at("provider").as_string(), provider_key_.address().to_string());
  EXPECT_EQ(proof.at("signer").as_string(), provider_key_.address().to_string());
  EXPECT_EQ(proof.at("renter").as_string(), house_key_.address().to_string());
  EXPECT_EQ(proof.at("task_id").as_string(), "0x" + id.substr(9));
  EXPECT_EQ(proof.at("model").as_string(), "mock-model");
  EXPECT_EQ(proof.at("prompt_tokens"), body.at("usage").at("prompt_tokens"));
  EXPECT_EQ(proof.at("completion_tokens"), body.at("usage").at("completion_tokens"));
  EXPECT_EQ(proof.at("price_per_million_tokens_micros").as_int64(), provider_price_micros);
  EXPECT_EQ(proof.at("finish_reason").as_string(), "Length");
  EXPECT_EQ(proof.at("sampling").at("seed").as_int64(), 7);
  // The payload and signature recover the provider (EIP-191), as ethers.verifyMessage does.
  auto payload = from_hex(std::string(proof.at("payload").as_string()));
  auto signature = parse_signature(std::string(proof.at("signature").as_string()));
  ASSERT_TRUE(payload && signature);
  EXPECT_EQ(recover_personal(*signature, *payload).value(), provider_key_.address());
  // The signed envelope opens to the same proof.
  auto envelope = from_hex(std::string(proof.at("envelope").as_string()));
  ASSERT_TRUE(envelope);
  auto opened = wire::open(*envelope);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->signer(), provider_key_.address());
  const int64_t tokens = body.at("usage").at("total_tokens").as_int64();
  const int64_t cost = (provider_price_micros * tokens + 999'999) / 1'000'000;
  EXPECT_EQ(proof.at("cost_micros").as_int64(), cost);
  EXPECT_EQ(house_balance(), before - cost);  // the rest of the worst-case Hold came back
  EXPECT_EQ(gateway_->counters().proofs_verified, 1u);
  EXPECT_EQ(gateway_->proofs().size(), 1u);
}

TEST_F(gateway_test, an_unknown_proof_id_is_not_found) {
  const http_reply r = get("/v1/proofs/chatcmpl-00000000000000000000000000000000");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.json().at("error").at("code").as_string(), "proof_not_found");
  EXPECT_EQ(get("/v1/proofs/nonsense").status, 404u);
}

TEST_F(gateway_test, one_connection_serves_several_requests) {
  http_connection c{port_};
  for (int i = 0; i < 3; ++i) {
    const http_reply r = c.call(http::verb::post, "/v1/completions", completion_body);
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  EXPECT_EQ(gateway_->counters().requests("completions", 200), 3u);
  EXPECT_EQ(gateway_->counters().requests().size(), 1u);  // nothing else was asked
  EXPECT_EQ(gateway_->counters().completion_tokens, 3u * 5u);
}

}  // namespace
}  // namespace agora::net::testing
