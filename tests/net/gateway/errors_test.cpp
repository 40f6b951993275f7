// Every error the gateway answers, over real HTTP and in OpenAI's shape
// {"error":{"message","type","param","code"}}: malformed JSON, wrong types, missing fields, n > 1,
// invalid UTF-8 (400), unknown model (404), no provider (503), an unpaid Hold (503), the
// deadline (504), an oversize body (413) or header (431), unknown paths (404), wrong methods
// (405).
#include <gtest/gtest.h>

#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

/// `r` is an OpenAI error with `status` and, when given, `param` and `code`.
void expect_error(const http_reply& r, unsigned status, const char* param = nullptr,
                  const char* code = nullptr) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const json::value body = r.json();
  const json::object& e = body.at("error").as_object();
  EXPECT_EQ(e.size(), 4u);
  EXPECT_FALSE(e.at("message").as_string().empty());
  EXPECT_TRUE(e.at("type").is_string());
  if (param != nullptr) {
    EXPECT_EQ(e.at("param").as_string(), param) << r.body;
  }
  if (code != nullptr) {
    EXPECT_EQ(e.at("code").as_string(), code) << r.body;
  }
}

const std::string chat = "/v1/chat/completions";

TEST_F(gateway_test, malformed_requests_are_400_naming_the_field) {
  expect_error(post(chat, "{not json"), 400, nullptr, "invalid_json");
  expect_error(post(chat, "[1,2]"), 400, nullptr, "invalid_json");
  expect_error(post(chat, R"({"messages":[{"role":"user","content":"x"}]})"), 400, "model",
               "missing_required");
  expect_error(post(chat, R"({"model":"mock-model"})"), 400, "messages", "missing_required");
  expect_error(post(chat, R"({"model":"mock-model","messages":"hi"})"), 400, "messages",
               "invalid_type");
  expect_error(post(chat, R"({"model":"mock-model","messages":[{"role":"robot","content":"x"}]})"),
               400, "messages[0].role", "invalid_value");
  const std::string ok_messages = R"("messages":[{"role":"user","content":"x"}])";
  expect_error(post(chat, R"({"model":"mock-model",)" + ok_messages + R"(,"temperature":"hot"})"),
               400, "temperature", "invalid_type");
  expect_error(post(chat, R"({"model":"mock-model",)" + ok_messages + R"(,"temperature":3})"), 400,
               "temperature", "invalid_value");
  expect_error(post(chat, R"({"model":"mock-model",)" + ok_messages + R"(,"max_tokens":0})"), 400,
               "max_tokens", "invalid_value");
  expect_error(post(chat, R"({"model":"mock-model",)" + ok_messages + R"(,"n":2})"), 400, "n",
               "invalid_value");
  expect_error(post(chat, R"({"model":"mock-model",)" + ok_messages + R"(,"stop":[1]})"), 400,
               "stop", "invalid_type");
  expect_error(post(chat, R"({"model":"mock-model",)" + ok_messages +
                              R"(,"stream_options":{"include_usage":true}})"),
               400, "stream_options");
  expect_error(post("/v1/completions", R"({"model":"mock-model","prompt":["a","b"]})"), 400,
               "prompt", "invalid_type");
  EXPECT_EQ(gateway_->counters().requests("chat", 400), 12u);
}

TEST_F(gateway_test, invalid_utf8_is_400) {
  expect_error(post(chat, "{\"model\":\"mock-model\",\"messages\":[{\"role\":\"user\",\"content\":"
                          "\"\xff\xfe\"}]}"),
               400, nullptr, "invalid_utf8");
}

TEST_F(gateway_test, an_unknown_model_is_404_model_not_found) {
  const http_reply r =
      post(chat, R"({"model":"gpt-9","messages":[{"role":"user","content":"hello"}]})");
  expect_error(r, 404, "model", "model_not_found");
  EXPECT_NE(std::string(r.json().at("error").at("message").as_string()).find("Model not found"),
            std::string::npos);
}

TEST_F(gateway_test, no_healthy_provider_is_503_no_providers_available) {
  caf::anon_send(provider_, actors::drain_atom_v);
  ASSERT_TRUE(wait_until([this] { return healthy_providers() == 0; }));
  const http_reply r =
      post(chat, R"({"model":"mock-model","messages":[{"role":"user","content":"hello"}]})");
  expect_error(r, 503, nullptr, "no_providers");
  EXPECT_EQ(r.json().at("error").at("message").as_string(), "No providers available");
}

TEST_F(gateway_test, unknown_paths_are_404_and_wrong_methods_405) {
  expect_error(get("/v1/nothing"), 404, nullptr, "unknown_url");
  expect_error(post("/health", "{}"), 405, nullptr, "method_not_allowed");
  expect_error(get(chat), 405, nullptr, "method_not_allowed");
  EXPECT_EQ(gateway_->counters().requests("unmatched", 405), 2u);
}

TEST_F(gateway_test, an_oversize_body_is_413_and_an_oversize_header_431) {
  const std::string big(100 << 10, 'x');
  expect_error(post(chat, R"({"model":"mock-model","prompt":")" + big + "\"}"), 413);
  http_connection c{port_};
  const http_reply r =
      c.call(http::verb::get, "/health", {}, {{"X-Padding", std::string(16 << 10, 'p')}});
  expect_error(r, 431);
  EXPECT_EQ(get("/health").status, 200u);  // the server goes on
}

/// A world whose gateway account holds nothing: every Hold is refused.
class unfunded_gateway_test : public gateway_test {
  world_setup setup() const override { return {.house_deposit = 0}; }
};

TEST_F(unfunded_gateway_test, a_refused_hold_is_503) {
  const http_reply r =
      post(chat, R"({"model":"mock-model","messages":[{"role":"user","content":"hello"}]})");
  expect_error(r, 503, nullptr, "gateway_funds");
}

/// A world whose provider takes 10 s per token and whose gateway waits 1 s.
class slow_provider_test : public gateway_test {
  world_setup setup() const override {
    return {.token_time = std::chrono::seconds(10), .task_deadline = std::chrono::seconds(1)};
  }
};

TEST_F(slow_provider_test, a_request_past_its_deadline_is_504) {
  const http_reply r = post(chat, R"({"model":"mock-model","messages":[{"role":"user",)"
                                  R"("content":"hello"}],"max_tokens":2})");
  expect_error(r, 504, nullptr, "timeout");
}

TEST_F(slow_provider_test, a_stream_past_its_deadline_ends_with_an_error_event) {
  const http_reply r = post(chat, R"({"model":"mock-model","messages":[{"role":"user",)"
                                  R"("content":"hello"}],"max_tokens":2,"stream":true})");
  ASSERT_EQ(r.status, 200u);  // the status went out with the first event
  const std::vector<std::string> events = sse_data(r.body);
  ASSERT_EQ(events.size(), 2u) << r.body;
  EXPECT_EQ(json::parse(events[1]).at("error").at("code").as_string(), "timeout");
}

}  // namespace
}  // namespace agora::net::testing
