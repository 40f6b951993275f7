// GET /v1/models, GET /health, GET /v1/account and GET /metrics over real HTTP: the model list
// from the providers healthy on the relay (OpenAI's list shape, owned_by the provider), how both
// follow a drained provider, the house account's balance as the escrow keeps it, and the
// counters in Prometheus text.
#include <gtest/gtest.h>

#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

TEST_F(gateway_test, models_lists_what_healthy_providers_serve) {
  const http_reply r = get("/v1/models");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value body = r.json();
  EXPECT_EQ(body.at("object").as_string(), "list");
  const json::array& data = body.at("data").as_array();
  ASSERT_EQ(data.size(), 1u);
  const json::object& m = data[0].as_object();
  EXPECT_EQ(m.at("id").as_string(), "mock-model");
  EXPECT_EQ(m.at("object").as_string(), "model");
  EXPECT_GE(m.at("created").as_int64(), epoch_unix_s);
  EXPECT_EQ(m.at("owned_by").as_string(), provider_key_.address().to_string());
  EXPECT_EQ(m.at("providers").as_int64(), 1);
  EXPECT_EQ(m.at("max_context").as_int64(), actors::mock_model::max_context);
  EXPECT_EQ(m.at("price_per_million_tokens_micros").as_int64(), provider_price_micros);
}

TEST_F(gateway_test, health_counts_providers_and_models) {
  const http_reply r = get("/health");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"status":"ok","live":true,"ready":true,)"
                                  R"("relay":{"reachable":true},"escrow":{"reachable":true},)"
                                  R"("providers":1,"models":1})"));
}

TEST_F(gateway_test, account_reports_the_house_balance_the_escrow_keeps) {
  const http_reply r = get("/v1/account");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value parsed = r.json();
  const json::object& body = parsed.as_object();
  EXPECT_EQ(body.at("object").as_string(), "account");
  EXPECT_EQ(body.at("address").as_string(), house_key_.address().to_string());
  EXPECT_EQ(body.at("available_micros").as_int64(), house_deposit_micros);
  EXPECT_EQ(body.at("available_micros").as_int64(), house_balance());
}

TEST_F(gateway_test, metrics_count_requests_by_route_and_status_in_prometheus_text) {
  ASSERT_EQ(get("/health").status, 200u);
  ASSERT_EQ(get("/no/such/path").status, 404u);
  const http_reply r = get("/metrics");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  for (const char* line : {"# TYPE agora_gateway_requests_total counter\n",
                           "agora_gateway_requests_total{route=\"health\",status=\"200\"} 1\n",
                           "agora_gateway_requests_total{route=\"unmatched\",status=\"404\"} 1\n",
                           "agora_gateway_proofs_verified_total 0\n"})
    EXPECT_NE(r.body.find(line), std::string::npos) << line << " in\n" << r.body;
}

TEST_F(gateway_test, a_drained_provider_leaves_the_list) {
  caf::anon_send(provider_, actors::drain_atom_v);
  ASSERT_TRUE(wait_until([this] { return healthy_providers() == 0; }));
  EXPECT_EQ(get("/v1/models").json(), json::parse(R"({"object":"list","data":[]})"));
  const json::value health = get("/health").json();
  EXPECT_EQ(health.at("providers"), 0);
  EXPECT_EQ(health.at("models"), 0);
}

}  // namespace
}  // namespace agora::net::testing
