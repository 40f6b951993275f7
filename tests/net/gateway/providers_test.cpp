// GET /v1/providers and GET /v1/providers/{id} over real HTTP: the provider the fixture
// registered (hardware, models, pricing, availability, TEE, reliability) field by field, its
// reliability after a served request, the detail by EIP-55 or lower-case address, and the
// errors: a malformed id (400), an unknown provider (404), no relay (503).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

const std::string completion_body =
    R"({"model":"mock-model","prompt":"hello market world","max_tokens":5,"seed":7})";

class providers_test : public gateway_test {
 protected:
  json::object only_provider() {
    const http_reply r = get("/v1/providers");
    EXPECT_EQ(r.status, 200u) << r.body;
    const json::value body = r.json();
    EXPECT_EQ(body.at("object").as_string(), "list");
    const json::array& data = body.at("data").as_array();
    EXPECT_EQ(data.size(), 1u);
    return data.empty() ? json::object{} : data[0].as_object();
  }
};

TEST_F(providers_test, lists_the_registered_provider_field_by_field) {
  const json::object p = only_provider();
  EXPECT_EQ(p.at("id").as_string(), provider_key_.address().to_string());
  EXPECT_EQ(p.at("object").as_string(), "provider");
  EXPECT_EQ(p.at("status").as_string(), "healthy");
  EXPECT_EQ(p.at("draining").as_bool(), false);
  EXPECT_EQ(p.at("region").as_string(), "eu-west");

  const json::object& hw = p.at("hardware").as_object();
  ASSERT_EQ(hw.at("gpus").as_array().size(), 1u);
  const json::object& gpu = hw.at("gpus").as_array()[0].as_object();
  EXPECT_EQ(gpu.at("name").as_string(), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(gpu.at("vram_bytes").to_number<uint64_t>(), uint64_t{80} << 30);
  EXPECT_EQ(gpu.at("count").to_number<int>(), 1);
  EXPECT_TRUE(gpu.at("driver_version").is_null());  // the fixture's GPU names no driver
  EXPECT_TRUE(gpu.at("compute_capability").is_null());
  EXPECT_EQ(hw.at("gpu_count").to_number<int>(), 1);
  EXPECT_EQ(hw.at("cpu").at("model").as_string(), provider_cpu_model);
  EXPECT_EQ(hw.at("cpu").at("cores").to_number<int>(), 16);
  EXPECT_EQ(hw.at("memory_bytes").to_number<uint64_t>(), uint64_t{64} << 30);

  ASSERT_EQ(p.at("models").as_array().size(), 1u);
  EXPECT_EQ(p.at("models").as_array()[0],
            json::parse(R"({"id":"mock-model","max_context":4096,"quantization":"none",)"
                        R"("ready":true})"));
  EXPECT_EQ(p.at("pricing"), (json::object{{"per_million_tokens_micros", provider_price_micros},
                                           {"per_gpu_hour_micros", 2'000'000}}));
  EXPECT_EQ(p.at("availability"), json::parse(R"({"max_concurrency":4,"in_flight":0,)"
                                              R"("free_capacity":4,"active_tasks":0,)"
                                              R"("queue_depth":0,"load_permille":0,)"
                                              R"("active_rentals":0})"));
  EXPECT_EQ(p.at("tee"), json::parse(R"({"type":"none","status":"none","evidence_bytes":0})"));

  const json::object& rel = p.at("reliability").as_object();
  EXPECT_EQ(rel.at("connected_since").to_number<int64_t>(), epoch_unix_s);
  EXPECT_GE(rel.at("uptime_seconds").to_number<int64_t>(), 0);
  EXPECT_EQ(rel.at("jobs_completed").to_number<int>(), 0);
  EXPECT_EQ(rel.at("jobs_failed").to_number<int>(), 0);
  EXPECT_TRUE(rel.at("average_latency_ms").is_null());  // nothing finished yet
  EXPECT_TRUE(rel.at("error_rate").is_null());
}

TEST_F(providers_test, reliability_follows_a_served_request) {
  ASSERT_EQ(post("/v1/completions", completion_body).status, 200u);
  ASSERT_TRUE(wait_until([this] {  // the relay counts the task when its proof came through
    return only_provider().at("reliability").at("jobs_completed").to_number<int>() == 1;
  }));
  const json::object rel = only_provider().at("reliability").as_object();
  EXPECT_GT(rel.at("average_latency_ms").as_double(), 0.0);
  EXPECT_EQ(rel.at("error_rate").as_double(), 0.0);
  EXPECT_EQ(rel.at("jobs_failed").to_number<int>(), 0);
}

TEST_F(providers_test, the_detail_is_the_list_entry_by_eip55_or_lower_case_address) {
  const json::object listed = only_provider();
  const std::string id = provider_key_.address().to_string();
  const http_reply r = get("/v1/providers/" + id);
  ASSERT_EQ(r.status, 200u) << r.body;
  json::object detail = r.json().as_object();
  // Uptime may tick between the two answers; everything else is the same.
  detail["reliability"].as_object()["uptime_seconds"] =
      listed.at("reliability").at("uptime_seconds");
  EXPECT_EQ(detail, listed);
  std::string lower = id;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const http_reply by_lower = get("/v1/providers/" + lower);
  ASSERT_EQ(by_lower.status, 200u) << by_lower.body;
  EXPECT_EQ(by_lower.json().at("id").as_string(), id);
}

TEST_F(providers_test, an_unknown_provider_is_404_in_openais_shape) {
  const std::string stranger = wire::samples::test_key(999).address().to_string();
  const http_reply r = get("/v1/providers/" + stranger);
  ASSERT_EQ(r.status, 404u) << r.body;
  const json::value body = r.json();
  const json::object& e = body.at("error").as_object();
  EXPECT_EQ(e.at("code").as_string(), "provider_not_found");
  EXPECT_EQ(e.at("type").as_string(), "invalid_request_error");
  EXPECT_EQ(e.at("param").as_string(), "id");
  EXPECT_NE(e.at("message").as_string().find(stranger), std::string::npos);
}

TEST_F(providers_test, a_malformed_id_is_400_and_names_the_parameter) {
  std::string bad_checksum = provider_key_.address().to_string();
  // Flip the case of the first letter among the hex digits: mixed case with a wrong checksum.
  auto letter = std::find_if(bad_checksum.begin() + 2, bad_checksum.end(),
                             [](unsigned char c) { return std::isalpha(c) != 0; });
  ASSERT_NE(letter, bad_checksum.end());
  *letter = static_cast<char>(std::isupper(static_cast<unsigned char>(*letter))
                                  ? std::tolower(static_cast<unsigned char>(*letter))
                                  : std::toupper(static_cast<unsigned char>(*letter)));
  for (const std::string& id : {std::string("0x1234"), std::string("nonsense"), std::string(),
                                bad_checksum, "0x" + std::string(40, 'g')}) {
    const http_reply r = get("/v1/providers/" + id);
    ASSERT_EQ(r.status, 400u) << id << ": " << r.body;
    const json::value body = r.json();
    const json::object& e = body.at("error").as_object();
    EXPECT_EQ(e.at("code").as_string(), "invalid_address") << id;
    EXPECT_EQ(e.at("param").as_string(), "id") << id;
  }
}

TEST_F(providers_test, without_a_relay_both_routes_answer_503) {
  caf::anon_send_exit(relay_, caf::exit_reason::user_shutdown);
  for (const std::string& target :
       {std::string("/v1/providers"), "/v1/providers/" + provider_key_.address().to_string()}) {
    http_reply r;
    ASSERT_TRUE(wait_until([&] { return (r = get(target)).status == 503u; })) << r.body;
    EXPECT_EQ(r.json().at("error").at("code").as_string(), "relay_unavailable");
  }
}

}  // namespace
}  // namespace agora::net::testing
