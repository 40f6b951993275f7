// GET /metrics over real HTTP, read back with a strict Prometheus text parser: per-route latency
// histograms (monotonic buckets, _count equal to the requests made), refusals by reason
// (OpenAI error codes, and the HTTP layer's own), tokens and settlements of a served request,
// and the relay's gauges (up, active providers). Plus the histogram's bucket edges and the
// refusal map's bound without HTTP.
#include <gtest/gtest.h>

#include "net/gateway/ops/metrics.hpp"
#include "tests/net/gateway/gateway_fixture.hpp"
#include "tests/net/gateway/prometheus_text.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;
using gateway::gateway_counters;
using gateway::latency_histogram;

const std::string completion_body =
    R"({"model":"mock-model","prompt":"hello market world","max_tokens":5,"seed":7})";

constexpr const char* duration = "agora_gateway_request_duration_seconds";

/// Checks route `route`'s histogram: `le` bounds ascending and ending in +Inf, counts never
/// decreasing, +Inf equal to _count; returns _count.
double checked_histogram(const prometheus_page& page, const std::string& route) {
  const auto buckets = page.all(std::string(duration) + "_bucket", {{"route", route}});
  EXPECT_EQ(buckets.size(), latency_histogram::buckets) << route;
  double previous_le = 0;
  double previous_count = 0;
  for (const prometheus_sample& b : buckets) {
    const std::string le = b.labels.at("le");
    const double bound = le == "+Inf" ? HUGE_VAL : std::stod(le);
    EXPECT_GT(bound, previous_le) << route << " le=" << le;
    EXPECT_GE(b.value, previous_count) << route << " le=" << le;
    previous_le = bound;
    previous_count = b.value;
  }
  EXPECT_EQ(buckets.empty() ? "" : buckets.back().labels.at("le"), "+Inf");
  const auto count = page.value(std::string(duration) + "_count", {{"route", route}});
  EXPECT_TRUE(count.has_value()) << route;
  EXPECT_TRUE(page.value(std::string(duration) + "_sum", {{"route", route}}).has_value());
  EXPECT_EQ(count.value_or(-1), previous_count) << route;
  return count.value_or(-1);
}

TEST_F(gateway_test, metrics_parse_and_count_every_request_made) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(get("/health").status, 200u);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(get("/v1/models").status, 200u);
  ASSERT_EQ(get("/no/such/path").status, 404u);
  ASSERT_EQ(get("/v1/providers/0x1234").status, 400u);
  const http_reply served = post("/v1/completions", completion_body);
  ASSERT_EQ(served.status, 200u) << served.body;
  const json::value usage = served.json().at("usage");

  const http_reply r = get("/metrics");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  const prometheus_page page = parse_prometheus(r.body);
  EXPECT_EQ(page.types.at(duration), "histogram");
  EXPECT_EQ(page.types.at("agora_gateway_requests_total"), "counter");
  EXPECT_EQ(page.types.at("agora_gateway_refusals_total"), "counter");
  EXPECT_EQ(page.types.at("agora_active_providers"), "gauge");

  EXPECT_EQ(checked_histogram(page, "health"), 3);
  EXPECT_EQ(checked_histogram(page, "models"), 2);
  EXPECT_EQ(checked_histogram(page, "unmatched"), 1);
  EXPECT_EQ(checked_histogram(page, "provider"), 1);
  EXPECT_EQ(checked_histogram(page, "completions"), 1);
  EXPECT_EQ(checked_histogram(page, "chat"), 0);     // registered, never asked
  EXPECT_EQ(checked_histogram(page, "metrics"), 0);  // this request is counted once answered
  EXPECT_GT(*page.value(std::string(duration) + "_sum", {{"route", "completions"}}), 0.0);
  EXPECT_EQ(page.value("agora_gateway_requests_total", {{"route", "health"}, {"status", "200"}}),
            3);

  EXPECT_EQ(
      page.value("agora_gateway_refusals_total", {{"reason", "unknown_url"}, {"status", "404"}}),
      1);
  EXPECT_EQ(page.value("agora_gateway_refusals_total",
                       {{"reason", "invalid_address"}, {"status", "400"}}),
            1);
  EXPECT_EQ(page.all("agora_gateway_refusals_total", {}).size(), 2u);

  EXPECT_EQ(page.value("agora_gateway_prompt_tokens_total"), usage.at("prompt_tokens").as_int64());
  EXPECT_EQ(page.value("agora_gateway_completion_tokens_total"),
            usage.at("completion_tokens").as_int64());
  EXPECT_EQ(page.value("agora_gateway_settlements_total"), 1);
  const std::string id(served.json().at("id").as_string());
  const json::value proof = get("/v1/proofs/" + id).json();
  EXPECT_EQ(page.value("agora_gateway_settled_micros_total"), proof.at("cost_micros").as_int64());

  EXPECT_EQ(page.value("agora_relay_up"), 1);
  EXPECT_EQ(page.value("agora_active_providers"), 1);
  EXPECT_EQ(page.value("agora_relay_providers", {{"state", "healthy"}}), 1);
  EXPECT_EQ(page.value("agora_relay_providers", {{"state", "offline"}}), 0);
}

TEST_F(gateway_test, metrics_count_the_http_layers_own_refusals) {
  const std::string too_big(70 << 10, 'x');  // over the fixture's 64 KiB body limit
  ASSERT_EQ(post("/v1/completions", too_big).status, 413u);
  const prometheus_page page = parse_prometheus(get("/metrics").body);
  EXPECT_EQ(page.value("agora_gateway_refusals_total",
                       {{"reason", "payload_too_large"}, {"status", "413"}}),
            1);
}

TEST_F(gateway_test, metrics_without_a_relay_say_it_is_down_and_omit_its_gauges) {
  caf::anon_send_exit(relay_, caf::exit_reason::user_shutdown);
  prometheus_page page;
  ASSERT_TRUE(wait_until([&] {
    page = parse_prometheus(get("/metrics").body);
    return page.value("agora_relay_up") == 0;
  }));
  EXPECT_FALSE(page.value("agora_active_providers").has_value());
  EXPECT_TRUE(page.value("agora_gateway_settlements_total").has_value());
}

TEST(latency_histogram, buckets_are_less_or_equal_and_sum_in_nanoseconds) {
  using std::chrono::nanoseconds;
  latency_histogram h;
  h.observe(std::chrono::milliseconds(1));  // exactly on the first bound
  h.observe(nanoseconds(1'000'001));        // just past it
  h.observe(std::chrono::seconds(31));      // beyond every finite bound
  h.observe(nanoseconds(-5));               // a clock stepped back: counted as 0
  const latency_histogram::snapshot s = h.read();
  EXPECT_EQ(s.cumulative[0], 2u);                               // le=0.001: 1 ms and the 0
  EXPECT_EQ(s.cumulative[1], 3u);                               // le=0.0025
  EXPECT_EQ(s.cumulative[latency_histogram::buckets - 2], 3u);  // le=30
  EXPECT_EQ(s.cumulative.back(), 4u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.sum_ns, 1'000'000u + 1'000'001u + 31'000'000'000u);
}

TEST(gateway_counters, refusal_reasons_are_bounded_and_labels_escaped) {
  gateway_counters c;
  for (size_t i = 0; i < gateway_counters::refusal_reasons_max + 5; ++i)
    c.count_refusal("code_" + std::to_string(i), 400);
  EXPECT_EQ(c.refusals().size(), gateway_counters::refusal_reasons_max + 1);
  EXPECT_EQ(c.refusals("other", 400), 5u);
  c.route("odd \"route\"\\name").latency().observe(std::chrono::milliseconds(3));
  const prometheus_page page = parse_prometheus(gateway::prometheus_text(c, nullptr));
  EXPECT_EQ(page.value(std::string(duration) + "_count", {{"route", "odd \"route\"\\name"}}), 1);
  EXPECT_EQ(page.value("agora_relay_up"), 0);
}

}  // namespace
}  // namespace agora::net::testing
