// Log-probabilities in OpenAI's shapes (net/gateway/openai/request.hpp, response.hpp): parsing
// and refusals, the JSON of chat and completions, and over real HTTP the mock-model's
// documented values, the same streamed or not; and a request that does not stream asks the
// provider for no chunks while giving the same text.
#include <gtest/gtest.h>

#include "net/gateway/openai/request.hpp"
#include "net/gateway/openai/response.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;
using gateway::openai::endpoint;

// ------------------------------------------------------------------------------------------------
// Parsing

std::optional<gateway::openai::api_error> parse(std::string_view body, endpoint api,
                                                gateway::openai::completion_request* out) {
  return gateway::openai::parse_request(body, api, {}, out);
}

const std::string chat_head = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
const std::string completion_head = R"({"model":"m","prompt":"x")";

TEST(logprobs_request, chat_reads_logprobs_and_top_logprobs) {
  gateway::openai::completion_request r;
  ASSERT_FALSE(parse(chat_head + R"(,"logprobs":true,"top_logprobs":20})", endpoint::chat, &r));
  EXPECT_TRUE(r.spec.logprobs);
  EXPECT_EQ(r.spec.top_logprobs, 20u);
  gateway::openai::completion_request plain;
  ASSERT_FALSE(
      parse(chat_head + R"(,"logprobs":false,"top_logprobs":null})", endpoint::chat, &plain));
  EXPECT_FALSE(plain.spec.logprobs);
  EXPECT_EQ(plain.spec.top_logprobs, 0u);
}

TEST(logprobs_request, completions_read_logprobs_as_a_count) {
  gateway::openai::completion_request r;
  ASSERT_FALSE(parse(completion_head + R"(,"logprobs":0})", endpoint::completion, &r));
  EXPECT_TRUE(r.spec.logprobs);
  EXPECT_EQ(r.spec.top_logprobs, 0u);
  ASSERT_FALSE(parse(completion_head + R"(,"logprobs":5})", endpoint::completion, &r));
  EXPECT_EQ(r.spec.top_logprobs, 5u);
}

TEST(logprobs_request, refusals_are_400_naming_the_field) {
  struct refused_case {
    std::string body;
    endpoint api;
    std::string param;
    std::string code;
  };
  const std::vector<refused_case> cases{
      {chat_head + R"(,"logprobs":true,"top_logprobs":21})", endpoint::chat, "top_logprobs",
       "invalid_value"},
      {chat_head + R"(,"logprobs":true,"top_logprobs":-1})", endpoint::chat, "top_logprobs",
       "invalid_value"},
      {chat_head + R"(,"logprobs":true,"top_logprobs":"3"})", endpoint::chat, "top_logprobs",
       "invalid_type"},
      {chat_head + R"(,"logprobs":"yes"})", endpoint::chat, "logprobs", "invalid_type"},
      {chat_head + R"(,"logprobs":1})", endpoint::chat, "logprobs", "invalid_type"},
      {chat_head + R"(,"top_logprobs":2})", endpoint::chat, "top_logprobs", "invalid_value"},
      {completion_head + R"(,"logprobs":6})", endpoint::completion, "logprobs", "invalid_value"},
      {completion_head + R"(,"logprobs":true})", endpoint::completion, "logprobs", "invalid_type"},
  };
  for (const refused_case& c : cases) {
    gateway::openai::completion_request r;
    const auto refused = parse(c.body, c.api, &r);
    ASSERT_TRUE(refused.has_value()) << c.body;
    EXPECT_EQ(refused->status, http::status::bad_request) << c.body;
    EXPECT_EQ(refused->type, "invalid_request_error") << c.body;
    EXPECT_EQ(refused->param, c.param) << c.body;
    EXPECT_EQ(refused->code, c.code) << c.body;
  }
}

// ------------------------------------------------------------------------------------------------
// The JSON

const std::vector<actors::token_logprobs> two_tokens{
    {{"hé", -0.5f}, {{"hé", -0.5f}, {"ha", -2.5f}}},
    {{" yo", -0.25f}, {{" yo", -0.25f}, {" no", -2.25f}}},
};

gateway::openai::response_head head(endpoint api, bool logprobs) {
  return {api, "x-1", 1, "m", false, logprobs};
}

json::value choice_logprobs(const std::string& body) {
  return json::parse(body).at("choices").at(0).at("logprobs");
}

TEST(logprobs_response, chat_content_has_token_logprob_bytes_and_top_logprobs) {
  gateway::inference_final final;
  final.text = "hé yo";
  final.logprobs = two_tokens;
  const json::value lp = choice_logprobs(completion_json(head(endpoint::chat, true), final));
  EXPECT_TRUE(lp.at("refusal").is_null());
  const json::array& content = lp.at("content").as_array();
  ASSERT_EQ(content.size(), 2u);
  const json::object& first = content[0].as_object();
  std::vector<std::string> keys;
  for (const auto& entry : first)
    keys.emplace_back(entry.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"token", "logprob", "bytes", "top_logprobs"}));
  EXPECT_EQ(first.at("token").as_string(), "hé");
  EXPECT_EQ(first.at("logprob").to_number<double>(), -0.5);
  EXPECT_EQ(first.at("bytes").as_array(), (json::array{104, 195, 169}));
  const json::array& top = first.at("top_logprobs").as_array();
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[1].at("token").as_string(), "ha");
  EXPECT_EQ(top[1].at("logprob").to_number<double>(), -2.5);
  EXPECT_EQ(top[1].at("bytes").as_array(), (json::array{104, 97}));
  EXPECT_EQ(content[1].at("token").as_string(), " yo");
}

TEST(logprobs_response, completions_have_tokens_token_logprobs_top_logprobs_text_offset) {
  gateway::inference_final final;
  final.text = "hé yo";
  final.logprobs = two_tokens;
  const json::value lp = choice_logprobs(completion_json(head(endpoint::completion, true), final));
  EXPECT_EQ(lp.at("tokens").as_array(), (json::array{"hé", " yo"}));
  EXPECT_EQ(lp.at("token_logprobs").at(1).to_number<double>(), -0.25);
  EXPECT_EQ(lp.at("top_logprobs").at(0).at("ha").to_number<double>(), -2.5);
  EXPECT_EQ(lp.at("top_logprobs").at(1).as_object().size(), 2u);
  EXPECT_EQ(lp.at("text_offset").as_array(), (json::array{0, 2}));  // characters: "hé" is 2
  // A streamed piece continues the offsets where the earlier pieces stopped.
  const std::string event =
      text_event(head(endpoint::completion, true), " yo", {std::span(two_tokens).subspan(1), 2});
  const json::value streamed = choice_logprobs(event.substr(6));
  EXPECT_EQ(streamed.at("tokens").as_array(), (json::array{" yo"}));
  EXPECT_EQ(streamed.at("text_offset").as_array(), (json::array{2}));
}

TEST(logprobs_response, logprobs_are_null_unless_asked) {
  gateway::inference_final final;
  final.text = "hé yo";
  final.logprobs = two_tokens;  // a provider sending them unasked changes nothing
  EXPECT_TRUE(choice_logprobs(completion_json(head(endpoint::chat, false), final)).is_null());
  EXPECT_TRUE(
      choice_logprobs(text_event(head(endpoint::chat, false), "x", {two_tokens, 0}).substr(6))
          .is_null());
  EXPECT_TRUE(choice_logprobs(role_event(head(endpoint::chat, true)).substr(6)).is_null());
}

// ------------------------------------------------------------------------------------------------
// Over HTTP, with mock-model's documented logprobs

const std::string chat_body =
    R"({"model":"mock-model","messages":[{"role":"user","content":"rank my words"}],)"
    R"("max_tokens":4,"seed":3,"logprobs":true,"top_logprobs":2)";

actors::generation_request chat_request(uint32_t top) {
  actors::generation_request r;
  r.model = std::string(actors::mock_model_id);
  r.messages = {{"user", "rank my words"}};
  r.sampling.max_tokens = 4;
  r.sampling.seed = 3;
  r.sampling.logprobs = true;
  r.sampling.top_logprobs = top;
  return r;
}

/// The chat logprobs entries mock-model gives for chat_request(top).
json::array expected_content(uint32_t top) {
  json::array out;
  for (uint32_t i = 0; i < 4; ++i) {
    const actors::token_logprobs e = actors::mock_model::logprobs(chat_request(top), i, top);
    json::array alternatives;
    for (const actors::token_choice& c : e.top)
      alternatives.push_back(json::object{{"token", c.token}, {"logprob", c.logprob}});
    out.push_back(json::object{
        {"token", e.chosen.token}, {"logprob", e.chosen.logprob}, {"top", alternatives}});
  }
  return out;
}

/// content entries without bytes, in expected_content's shape.
json::array stripped(const json::array& content) {
  json::array out;
  for (const json::value& v : content) {
    json::array alternatives;
    for (const json::value& t : v.at("top_logprobs").as_array())
      alternatives.push_back(
          json::object{{"token", t.at("token")}, {"logprob", t.at("logprob").to_number<float>()}});
    out.push_back(json::object{{"token", v.at("token")},
                               {"logprob", v.at("logprob").to_number<float>()},
                               {"top", alternatives}});
  }
  return out;
}

TEST_F(gateway_test, chat_logprobs_are_mock_models_and_the_same_streamed_or_not) {
  const http_reply whole = post("/v1/chat/completions", chat_body + "}");
  ASSERT_EQ(whole.status, 200u) << whole.body;
  const json::value lp = whole.json().at("choices").at(0).at("logprobs");
  EXPECT_EQ(stripped(lp.at("content").as_array()), expected_content(2));
  const http_reply stream = post("/v1/chat/completions", chat_body + R"(,"stream":true})");
  ASSERT_EQ(stream.status, 200u) << stream.body;
  json::array streamed;
  for (const std::string& data : sse_data(stream.body)) {
    if (data == "[DONE]")
      continue;
    const json::value chunk = json::parse(data);
    const json::value& l = chunk.at("choices").at(0).at("logprobs");
    if (!l.is_null())
      for (const json::value& e : l.at("content").as_array())
        streamed.push_back(e);
  }
  EXPECT_EQ(streamed, lp.at("content").as_array());
}

TEST_F(gateway_test, completion_logprobs_over_http) {
  const http_reply r =
      post("/v1/completions", R"({"model":"mock-model","prompt":"rank my words","max_tokens":3,)"
                              R"("seed":3,"logprobs":1})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value body = r.json();
  const json::value& lp = body.at("choices").at(0).at("logprobs");
  actors::generation_request g;
  g.model = std::string(actors::mock_model_id);
  g.prompt = "rank my words";
  g.sampling.max_tokens = 3;
  g.sampling.seed = 3;
  size_t offset = 0;
  std::string joined;
  for (uint32_t i = 0; i < 3; ++i) {
    const actors::token_logprobs e = actors::mock_model::logprobs(g, i, 1);
    EXPECT_EQ(lp.at("tokens").at(i).as_string(), e.chosen.token);
    EXPECT_EQ(lp.at("token_logprobs").at(i).to_number<float>(), e.chosen.logprob);
    EXPECT_EQ(lp.at("top_logprobs").at(i).as_object().size(), 1u);
    EXPECT_EQ(lp.at("text_offset").at(i).to_number<size_t>(), offset);
    offset += e.chosen.token.size();
    joined += e.chosen.token;
  }
  EXPECT_EQ(joined, body.at("choices").at(0).at("text").as_string());
}

TEST_F(gateway_test, a_request_that_does_not_stream_asks_the_provider_for_no_chunks) {
  const std::string body =
      R"({"model":"mock-model","messages":[{"role":"user","content":"same text"}],)"
      R"("max_tokens":5,"seed":2)";
  const http_reply whole = post("/v1/chat/completions", body + "}");
  const http_reply stream = post("/v1/chat/completions", body + R"(,"stream":true})");
  ASSERT_EQ(whole.status, 200u) << whole.body;
  ASSERT_EQ(stream.status, 200u) << stream.body;
  const json::value w = whole.json();
  std::string text, stream_id;
  for (const std::string& data : sse_data(stream.body)) {
    if (data == "[DONE]")
      continue;
    const json::value chunk = json::parse(data);
    stream_id = std::string(chunk.at("id").as_string());
    const json::value* content =
        chunk.at("choices").at(0).at("delta").as_object().if_contains("content");
    if (content != nullptr && content->is_string())
      text += content->as_string();
  }
  EXPECT_EQ(text, w.at("choices").at(0).at("message").at("content").as_string());
  const json::value whole_proof = get("/v1/proofs/" + std::string(w.at("id").as_string())).json();
  const json::value stream_proof = get("/v1/proofs/" + stream_id).json();
  EXPECT_EQ(whole_proof.at("chunk_count").to_number<int64_t>(), 0);
  EXPECT_EQ(stream_proof.at("chunk_count").to_number<int64_t>(), 5);
  EXPECT_EQ(whole_proof.at("output_hash"), stream_proof.at("output_hash"));
}

}  // namespace
}  // namespace agora::net::testing
