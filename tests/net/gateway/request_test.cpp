// Parsing OpenAI request bodies (net/gateway/openai/request.hpp) without a network: every field
// the gateway reads, the defaults, and the param each refusal names.
#include "net/gateway/openai/request.hpp"

#include <gtest/gtest.h>

namespace agora::net::gateway::openai {
namespace {

completion_request parse_ok(std::string_view body, endpoint api = endpoint::chat,
                            request_limits limits = {}) {
  completion_request out;
  const auto refused = parse_request(body, api, limits, &out);
  EXPECT_FALSE(refused.has_value()) << (refused ? refused->message : "");
  return out;
}

api_error parse_refused(std::string_view body, endpoint api = endpoint::chat) {
  completion_request out;
  const auto refused = parse_request(body, api, {}, &out);
  EXPECT_TRUE(refused.has_value()) << body;
  return refused.value_or(api_error{});
}

TEST(openai_request, reads_every_chat_field) {
  const completion_request r =
      parse_ok(R"({"model":"m","messages":[{"role":"system","content":"be brief"},)"
               R"({"role":"developer","content":"x"},{"role":"user","content":[{"type":"text",)"
               R"("text":"hel"},{"type":"text","text":"lo"}]},{"role":"assistant","content":null},)"
               R"({"role":"tool","content":"42"}],"max_tokens":9,"max_completion_tokens":7,)"
               R"("temperature":0.5,"top_p":0.9,"n":1,"stop":["a","bb"],"seed":12,"user":"u1",)"
               R"("stream":true,"stream_options":{"include_usage":true},"presence_penalty":0})");
  EXPECT_EQ(r.api, endpoint::chat);
  EXPECT_EQ(r.spec.type, wire::TaskType::Chat);
  EXPECT_EQ(r.spec.model, "m");
  ASSERT_EQ(r.spec.messages.size(), 5u);
  EXPECT_EQ(r.spec.messages[0].role, wire::ChatRole::System);
  EXPECT_EQ(r.spec.messages[1].role, wire::ChatRole::System);
  EXPECT_EQ(r.spec.messages[2].role, wire::ChatRole::User);
  EXPECT_EQ(r.spec.messages[2].content, "hello");
  EXPECT_EQ(r.spec.messages[3].role, wire::ChatRole::Assistant);
  EXPECT_EQ(r.spec.messages[3].content, "");
  EXPECT_EQ(r.spec.messages[4].role, wire::ChatRole::Tool);
  EXPECT_EQ(r.spec.max_tokens, 7u);  // max_completion_tokens wins
  EXPECT_FLOAT_EQ(r.spec.temperature, 0.5f);
  EXPECT_FLOAT_EQ(r.spec.top_p, 0.9f);
  EXPECT_EQ(r.spec.stop, (std::vector<std::string>{"a", "bb"}));
  EXPECT_EQ(r.spec.seed, 12u);
  EXPECT_EQ(r.user, "u1");
  EXPECT_TRUE(r.spec.stream);
  EXPECT_TRUE(r.include_usage);
}

TEST(openai_request, fills_defaults_for_a_minimal_completion) {
  request_limits limits;
  limits.max_tokens_default = 33;
  const completion_request r = parse_ok(R"({"model":"m","prompt":"hi","stop":"end","seed":null})",
                                        endpoint::completion, limits);
  EXPECT_EQ(r.spec.type, wire::TaskType::Completion);
  EXPECT_EQ(r.spec.prompt, "hi");
  EXPECT_EQ(r.spec.max_tokens, 33u);
  EXPECT_FLOAT_EQ(r.spec.temperature, 1.0f);
  EXPECT_FLOAT_EQ(r.spec.top_p, 1.0f);
  EXPECT_EQ(r.spec.seed, 0u);
  EXPECT_EQ(r.spec.stop, (std::vector<std::string>{"end"}));
  EXPECT_FALSE(r.spec.stream);
  EXPECT_FALSE(r.include_usage);
}

TEST(openai_request, refusals_name_the_field) {
  const std::string m = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  EXPECT_EQ(parse_refused(m + R"(,"top_p":0})").param, "top_p");
  EXPECT_EQ(parse_refused(m + R"(,"seed":-1})").param, "seed");
  EXPECT_EQ(parse_refused(m + R"(,"seed":1.5})").param, "seed");
  EXPECT_EQ(parse_refused(m + R"(,"max_tokens":1000000000})").param, "max_tokens");
  EXPECT_EQ(parse_refused(m + R"(,"stop":["a","b","c","d","e","f","g","h","i"]})").param, "stop");
  EXPECT_EQ(parse_refused(m + R"(,"stop":""})").param, "stop");
  EXPECT_EQ(parse_refused(m + R"(,"stream":"yes"})").param, "stream");
  EXPECT_EQ(parse_refused(m + R"(,"user":5})").param, "user");
  EXPECT_EQ(parse_refused(R"({"model":"m","messages":[]})").param, "messages");
  EXPECT_EQ(parse_refused(R"({"model":"m","messages":[{"content":"x"}]})").param,
            "messages[0].role");
  EXPECT_EQ(parse_refused(R"({"model":"m","messages":[{"role":"user","content":5}]})").param,
            "messages[0].content");
  EXPECT_EQ(parse_refused(R"({"model":5,"prompt":"x"})", endpoint::completion).param, "model");
  EXPECT_EQ(parse_refused(R"({"model":"m","prompt":""})", endpoint::completion).param, "prompt");
  EXPECT_EQ(parse_refused(R"({"model":"m"})", endpoint::completion).param, "prompt");
  const api_error e = parse_refused(m + R"(,"temperature":true})");
  EXPECT_EQ(e.status, http::status::bad_request);
  EXPECT_EQ(e.type, "invalid_request_error");
  EXPECT_EQ(e.code, "invalid_type");
}

TEST(openai_request, refuses_invalid_utf8_before_parsing) {
  const api_error e = parse_refused("{\"model\":\"m\xc3\x28\"}");
  EXPECT_EQ(e.code, "invalid_utf8");
  EXPECT_TRUE(e.param.empty());
}

}  // namespace
}  // namespace agora::net::gateway::openai
