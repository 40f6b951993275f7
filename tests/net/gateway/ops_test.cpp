// The operations endpoints over real HTTP: GET /v1/hardware (the snapshot the node gave the
// gateway, with GPUs and without), GET /attestation/report (the house key by default, the local
// provider's key when the node says so; never a TEE it does not have) and GET /health's
// readiness, which needs both the relay and the escrow to answer.
#include <gtest/gtest.h>

#include "tests/net/gateway/gateway_fixture.hpp"

namespace agora::net::testing {
namespace {

namespace json = boost::json;

TEST_F(gateway_test, hardware_without_gpus_says_so) {
  const http_reply r = get("/v1/hardware");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json(), json::parse(R"({"object":"hardware","gpus":[],)"
                                  R"("cuda":{"built":false,"driver_version":0,)"
                                  R"("runtime_version":0,"unavailable_reason":""},)"
                                  R"("cpu":{"model":"","cores":0},"memory_bytes":0})"));
}

/// A node with one GPU, whose local provider signs what it serves.
class node_ops_test : public gateway_test {
 protected:
  world_setup setup() const override {
    world_setup s;
    kernels::gpu_device h100{0, "NVIDIA H100 80GB HBM3", uint64_t{80} << 30, 9, 0, 132};
    s.hardware.gpus = {true, 12040, 12080, {h100}, ""};
    s.hardware.host = {"AMD EPYC 9654 96-Core Processor", 192, uint64_t{1536} << 30};
    s.attestation = {wire::samples::test_key(201).address(), "provider"};
    return s;
  }
};

TEST_F(node_ops_test, hardware_reports_the_nodes_gpus_cpu_and_memory) {
  const http_reply r = get("/v1/hardware");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.json(), json::parse(R"({"object":"hardware","gpus":[{"index":0,)"
                                  R"("name":"NVIDIA H100 80GB HBM3","vram_bytes":85899345920,)"
                                  R"("compute_capability":"9.0","multiprocessors":132}],)"
                                  R"("cuda":{"built":true,"driver_version":12040,)"
                                  R"("runtime_version":12080,"unavailable_reason":""},)"
                                  R"("cpu":{"model":"AMD EPYC 9654 96-Core Processor",)"
                                  R"("cores":192},"memory_bytes":1649267441664})"));
}

TEST_F(gateway_test, attestation_names_the_house_key_and_no_tee) {
  const http_reply r = get("/attestation/report");
  ASSERT_EQ(r.status, 200u) << r.body;
  const json::value body = r.json();
  EXPECT_EQ(body, (json::object{{"signing_address", house_key_.address().to_string()},
                                {"signer", "gateway"},
                                {"tee_type", "none"},
                                {"nvidia_payload", ""}}));
}

TEST_F(node_ops_test, attestation_names_the_local_provider_when_the_node_runs_one) {
  const json::value body = get("/attestation/report").json();
  EXPECT_EQ(body.at("signing_address").as_string(), provider_key_.address().to_string());
  EXPECT_EQ(body.at("signer").as_string(), "provider");
  EXPECT_EQ(body.at("tee_type").as_string(), "none");
  EXPECT_EQ(body.at("nvidia_payload").as_string(), "");
}

TEST_F(gateway_test, health_is_not_ready_while_the_escrow_does_not_answer) {
  caf::anon_send_exit(escrow_, caf::exit_reason::user_shutdown);
  http_reply r;
  ASSERT_TRUE(wait_until([&] { return (r = get("/health")).status == 503u; })) << r.body;
  const json::value body = r.json();
  EXPECT_EQ(body.at("status").as_string(), "unavailable");
  EXPECT_EQ(body.at("live").as_bool(), true);
  EXPECT_EQ(body.at("ready").as_bool(), false);
  EXPECT_EQ(body.at("relay"), json::parse(R"({"reachable":true})"));
  EXPECT_EQ(body.at("escrow").at("reachable").as_bool(), false);
  EXPECT_FALSE(body.at("escrow").at("error").as_string().empty());
  EXPECT_EQ(body.at("providers"), 1);  // the relay still answers
}

TEST_F(gateway_test, health_is_not_ready_while_the_relay_does_not_answer) {
  caf::anon_send_exit(relay_, caf::exit_reason::user_shutdown);
  http_reply r;
  ASSERT_TRUE(wait_until([&] { return (r = get("/health")).status == 503u; })) << r.body;
  const json::value body = r.json();
  EXPECT_EQ(body.at("live").as_bool(), true);
  EXPECT_EQ(body.at("ready").as_bool(), false);
  EXPECT_EQ(body.at("relay").at("reachable").as_bool(), false);
  EXPECT_EQ(body.at("escrow"), json::parse(R"({"reachable":true})"));
  EXPECT_FALSE(body.as_object().contains("providers"));  // unknown, not zero
}

}  // namespace
}  // namespace agora::net::testing
