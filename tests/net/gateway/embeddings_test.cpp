// POST /v1/embeddings end to end over real HTTP (gateway_fixture.hpp): OpenAI's exact shape,
// mock-model's documented vectors as floats and as base64, string, string-array and token-id
// inputs, one proof per input named in X-Agora-Proof-Ids whose output hash is the values', the
// gateway's account charged exactly each proof's prompt tokens, and every refusal.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>

#include "net/gateway/openai/embedding_request.hpp"
#include "net/gateway/x402/base64.hpp"
#include "schemas/proof_hash.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

const std::string route = "/v1/embeddings";

/// mock-model's embedding of a prompt or of token ids.
std::vector<float> mock_embedding(std::string prompt, std::vector<uint32_t> ids = {}) {
  actors::generation_request r;
  r.model = std::string(actors::mock_model_id);
  r.kind = actors::request_kind::embed;
  r.prompt = std::move(prompt);
  r.prompt_token_ids = std::move(ids);
  return actors::mock_model::embedding_of(r);
}

std::vector<float> floats_of(const json::value& v) {
  std::vector<float> out;
  for (const json::value& x : v.as_array())
    out.push_back(static_cast<float>(x.to_number<double>()));
  return out;
}

std::vector<float> floats_of_base64(const json::value& v) {
  const std::string raw = gateway::x402::base64_decode(v.as_string()).value();
  EXPECT_EQ(raw.size() % 4, 0u);
  std::vector<float> out;
  for (size_t i = 0; i + 4 <= raw.size(); i += 4) {
    uint32_t bits = 0;
    for (int k = 3; k >= 0; --k)
      bits = bits << 8 | static_cast<uint8_t>(raw[i + k]);
    out.push_back(std::bit_cast<float>(bits));
  }
  return out;
}

std::vector<std::string> split_ids(const std::string& ids) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= ids.size() && !ids.empty()) {
    const size_t comma = std::min(ids.find(',', at), ids.size());
    out.push_back(ids.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

/// A proof's cost: its tokens at the provider's price, rounded up.
int64_t cost_of(int64_t tokens) {
  return (provider_price_micros * tokens + 999'999) / 1'000'000;
}

void expect_error(const http_reply& r, unsigned status, const char* param, const char* code) {
  EXPECT_EQ(r.status, status) << r.body;
  const json::value body = r.json();
  const json::object& e = body.at("error").as_object();
  EXPECT_EQ(e.size(), 4u);
  if (param != nullptr) {
    EXPECT_EQ(e.at("param").as_string(), param) << r.body;
  }
  if (code != nullptr) {
    EXPECT_EQ(e.at("code").as_string(), code) << r.body;
  }
}

TEST_F(gateway_test, an_embedding_has_openais_exact_shape_and_a_proof_of_its_values) {
  const int64_t before = house_balance();
  const http_reply r = post(route, R"({"model":"mock-model","input":"hello embedding world"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const json::object body = r.json().as_object();
  std::vector<std::string> keys;
  for (const auto& entry : body)
    keys.emplace_back(entry.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"object", "data", "model", "usage"}));
  EXPECT_EQ(body.at("object").as_string(), "list");
  EXPECT_EQ(body.at("model").as_string(), "mock-model");
  ASSERT_EQ(body.at("data").as_array().size(), 1u);
  const json::object& item = body.at("data").as_array()[0].as_object();
  EXPECT_EQ(item.at("object").as_string(), "embedding");
  EXPECT_EQ(item.at("index").as_int64(), 0);
  const std::vector<float> expected = mock_embedding("hello embedding world");
  EXPECT_EQ(floats_of(item.at("embedding")), expected);
  EXPECT_EQ(body.at("usage").at("prompt_tokens").as_int64(), 3);
  EXPECT_EQ(body.at("usage").at("total_tokens").as_int64(), 3);
  const std::vector<std::string> ids = split_ids(r.header("x-agora-proof-ids"));
  ASSERT_EQ(ids.size(), 1u);
  const http_reply p = get("/v1/proofs/" + ids[0]);
  ASSERT_EQ(p.status, 200u) << p.body;
  const json::value proof = p.json();
  EXPECT_EQ(proof.at("output_hash").as_string(), to_hex0x(wire::output_hash_embedding(expected)));
  EXPECT_EQ(proof.at("chain_hash").as_string(), to_hex0x(hash256{}));
  EXPECT_EQ(proof.at("prompt_tokens").as_int64(), 3);
  EXPECT_EQ(proof.at("completion_tokens").as_int64(), 0);
  EXPECT_EQ(proof.at("cost_micros").as_int64(), cost_of(3));
  // The rest of the Hold came back.
  EXPECT_TRUE(wait_until([&] { return house_balance() == before - cost_of(3); }));
}

TEST_F(gateway_test, an_array_of_strings_embeds_each_as_base64_with_a_proof_each) {
  const int64_t before = house_balance();
  const http_reply r =
      post(route, R"({"model":"mock-model","input":["a b","c"],"encoding_format":"base64",)"
                  R"("dimensions":64,"user":"u-1"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value body = r.json();
  const json::array& data = body.at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1].at("index").as_int64(), 1);
  EXPECT_EQ(floats_of_base64(data[0].at("embedding")), mock_embedding("a b"));
  EXPECT_EQ(floats_of_base64(data[1].at("embedding")), mock_embedding("c"));
  EXPECT_EQ(body.at("usage").at("prompt_tokens").as_int64(), 3);
  const std::vector<std::string> ids = split_ids(r.header("x-agora-proof-ids"));
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
  for (const std::string& id : ids)
    EXPECT_EQ(get("/v1/proofs/" + id).status, 200u);
  EXPECT_TRUE(wait_until([&] { return house_balance() == before - cost_of(2) - cost_of(1); }));
  // The same request again: the same vectors (float form this time).
  const http_reply again = post(route, R"({"model":"mock-model","input":["a b","c"]})");
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(floats_of(again.json().at("data").at(0).at("embedding")), mock_embedding("a b"));
}

TEST_F(gateway_test, token_id_inputs_embed_their_be32_ids) {
  const http_reply one = post(route, R"({"model":"mock-model","input":[1,258]})");
  ASSERT_EQ(one.status, 200u) << one.body;
  ASSERT_EQ(one.json().at("data").as_array().size(), 1u);
  EXPECT_EQ(floats_of(one.json().at("data").at(0).at("embedding")), mock_embedding("", {1, 258}));
  EXPECT_EQ(one.json().at("usage").at("prompt_tokens").as_int64(), 2);
  const http_reply two = post(route, R"({"model":"mock-model","input":[[1,258],[7]]})");
  ASSERT_EQ(two.status, 200u) << two.body;
  ASSERT_EQ(two.json().at("data").as_array().size(), 2u);
  EXPECT_EQ(floats_of(two.json().at("data").at(1).at("embedding")), mock_embedding("", {7}));
}

TEST_F(gateway_test, embedding_refusals_are_openai_errors) {
  const std::string model = R"({"model":"mock-model",)";
  expect_error(post(route, "{nope"), 400, nullptr, "invalid_json");
  expect_error(post(route, R"({"input":"x"})"), 400, "model", "missing_required");
  expect_error(post(route, R"({"model":"mock-model"})"), 400, "input", "missing_required");
  expect_error(post(route, model + R"("input":""})"), 400, "input", "invalid_value");
  expect_error(post(route, model + R"("input":[]})"), 400, "input", "invalid_value");
  expect_error(post(route, model + R"("input":{"a":1}})"), 400, "input", "invalid_type");
  expect_error(post(route, model + R"("input":["a",1]})"), 400, "input", "invalid_type");
  expect_error(post(route, model + R"("input":[1,"a"]})"), 400, "input", "invalid_type");
  expect_error(post(route, model + R"("input":[-1]})"), 400, "input", "invalid_type");
  expect_error(post(route, model + R"("input":[[1],[]]})"), 400, "input[1]", "invalid_value");
  expect_error(post(route, model + R"("input":["a",""]})"), 400, "input[1]", "invalid_value");
  std::string many = model + R"("input":[)";
  for (size_t i = 0; i <= gateway::openai::embedding_inputs_max; ++i)
    many += i == 0 ? "\"x\"" : ",\"x\"";
  expect_error(post(route, many + "]}"), 400, "input", "invalid_value");
  expect_error(post(route, model + R"("input":"x","encoding_format":"hex"})"), 400,
               "encoding_format", "invalid_value");
  expect_error(post(route, model + R"("input":"x","dimensions":32})"), 400, "dimensions",
               "invalid_value");
  expect_error(post(route, model + R"("input":"x","dimensions":"64"})"), 400, "dimensions",
               "invalid_type");
  expect_error(post(route, R"({"model":"gpt-9","input":"x"})"), 404, "model", "model_not_found");
  EXPECT_EQ(gateway_->proofs().size(), 0u);  // nothing was served
}

TEST_F(gateway_test, embeddings_without_a_provider_are_503) {
  caf::anon_send(provider_, actors::drain_atom_v);
  ASSERT_TRUE(wait_until([this] { return healthy_providers() == 0; }));
  expect_error(post(route, R"({"model":"mock-model","input":["a","b"]})"), 503, nullptr,
               "no_providers");
}

}  // namespace
}  // namespace agora::net::testing
