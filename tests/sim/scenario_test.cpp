// Scenario parsing and validation (sim/scenario.hpp): a valid file parses to what it says, and
// every error names the path of the field it is about.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario.hpp"

namespace agora::sim {
namespace {

/// A valid scenario with `provider` as its only provider and `extra` appended to the root.
std::string scenario_text(const std::string& provider = R"({"name": "p", "stake_micros": 5,
    "price_per_million_micros": 7, "behaviour": {"wrong_result": 0.25}})",
                          const std::string& extra = "") {
  return R"({"name": "t", "duration": "2h", "seed": 9,
    "providers": [)" +
         provider + R"(],
    "renters": [{"name": "r", "deposit_micros": 100, "tasks_per_hour": 3}],
    "expectations": {"tasks_settled_min": 2, "slashed": {"p": true},
                     "balances": [{"party": "r", "account": "balance", "min": 1}]})" +
         extra + "}";
}

/// The message of the error parsing `text` gives; empty if it parsed.
std::string error_of(const std::string& text) {
  auto s = parse_scenario(text);
  return s ? std::string() : s.error().message;
}

TEST(scenario, parses_a_valid_file) {
  auto s = parse_scenario(scenario_text());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->seed, 9u);
  EXPECT_EQ(s->duration_s, 7'200);
  ASSERT_EQ(s->providers.size(), 1u);
  EXPECT_EQ(s->providers[0].stake_micros, 5);
  EXPECT_DOUBLE_EQ(s->providers[0].wrong_result_p, 0.25);
  EXPECT_EQ(s->providers[0].models, std::vector<std::string>{"mock-model"});
  EXPECT_EQ(s->renters[0].tasks_per_hour, 3u);
  EXPECT_EQ(s->expect.tasks_settled_min, std::optional<uint64_t>{2});
  ASSERT_EQ(s->expect.slashed.size(), 1u);
  EXPECT_TRUE(s->expect.slashed[0].slashed);
  ASSERT_EQ(s->expect.balances.size(), 1u);
  EXPECT_EQ(s->expect.balances[0].min, std::optional<int64_t>{1});
}

TEST(scenario, errors_name_the_field) {
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": -5,
      "price_per_million_micros": 7})")),
            "providers[0].stake_micros: expected a positive integer");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5})")),
            "providers[0].price_per_million_micros: required field is missing");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7, "behaviour": {"wrong_result": 2}})")),
            "providers[0].behaviour.wrong_result: expected a probability in (0, 1]");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7, "models": ["llama"]})")),
            "providers[0].models[0]: unknown model (the simulation's engines serve "
            "\"mock-model\")");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7, "gpu": "H100"})")),
            "providers[0].gpu: unknown field");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7, "offline": [{"from": "2h", "to": "1h"}]})")),
            "providers[0].offline[0].to: expected windows in time order, each ending after it "
            "starts");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "r", "stake_micros": 5,
      "price_per_million_micros": 7})")),
            "renters[0].name: duplicate name");
}

TEST(scenario, errors_name_the_root_and_expectation_fields) {
  EXPECT_EQ(error_of(scenario_text(R"({"name": "x", "stake_micros": 5,
      "price_per_million_micros": 7})")),
            "expectations.slashed.p: no provider has this name");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7})",
                                   R"(, "duration_s": 5)")),
            "duration_s: unknown field");
  EXPECT_NE(error_of(R"({"name": "t", "duration": "soon", "providers": [], "renters": []})")
                .find("duration: expected a positive integer with a unit"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"name": "t", "duration": "1h", "providers": [], "renters": [{}]})"),
            "providers: expected at least one entry");
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
}

TEST(scenario, parses_the_network_and_faults) {
  auto s = parse_scenario(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7, "behaviour": {"fail_after_accept": 0.5}})",
                                        R"(, "network": {"latency": {"distribution": "uniform",
      "min_ms": 5, "max_ms": 50}, "loss_permille": 10, "duplicate_permille": 20,
      "reorder_permille": 30, "direction": "to_provider", "register_timeout": "2m"},
      "faults": [{"kind": "partition", "providers": ["p"], "from": "10m", "to": "20m"},
                 {"kind": "relay_crash", "at": "30m", "restart_after": "1m"},
                 {"kind": "escrow_crash", "at": "40m", "restart_after": "10s",
                  "mid_settlement": true}])"));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->providers[0].fail_after_accept_permille, 500u);
  EXPECT_EQ(s->network.latency, latency_distribution::uniform);
  EXPECT_EQ(s->network.max_ms, 50);
  EXPECT_EQ(s->network.loss_permille, 10u);
  EXPECT_EQ(s->network.direction, fault_direction::to_provider);
  EXPECT_EQ(s->network.register_timeout_s, 120);
  ASSERT_EQ(s->faults.size(), 3u);
  EXPECT_EQ(s->faults[0].kind, fault_kind::partition);
  EXPECT_EQ(s->faults[0].providers, std::vector<std::string>{"p"});
  EXPECT_EQ(s->faults[1].end_s, 1'860);
  EXPECT_TRUE(s->faults[2].mid_settlement);
}

TEST(scenario, network_and_fault_errors_name_the_field) {
  const auto with = [](const std::string& extra) {
    return error_of(
        scenario_text(R"({"name": "p", "stake_micros": 5, "price_per_million_micros": 7})", extra));
  };
  EXPECT_EQ(with(R"(, "network": {"loss_permille": 1001})"),
            "network.loss_permille: expected an integer in [0, 1000]");
  EXPECT_EQ(with(R"(, "network": {"latency": {"min_ms": 9, "max_ms": 3}})"),
            "network.latency.max_ms: expected max_ms >= min_ms");
  EXPECT_EQ(with(R"(, "network": {"latency": {"distribution": "pareto"}})"),
            "network.latency.distribution: expected \"fixed\", \"uniform\" or \"exponential\"");
  EXPECT_EQ(with(R"(, "faults": [{"kind": "meteor", "at": "1h"}])"),
            "faults[0].kind: expected \"partition\", \"relay_crash\" or \"escrow_crash\"");
  EXPECT_EQ(with(R"(, "faults": [{"kind": "partition", "from": "2h", "to": "1h"}])"),
            "faults[0]: expected the fault to end after it starts");
  EXPECT_EQ(with(R"(, "faults": [{"kind": "partition", "from": "1h", "to": "2h",
      "providers": ["nobody"]}])"),
            "faults[0].providers[0]: no provider has this name");
  EXPECT_EQ(error_of(R"({"name": "t", "duration": "2h",
      "providers": [{"name": "p", "stake_micros": 5, "price_per_million_micros": 7}],
      "renters": [{"name": "r", "deposit_micros": 100, "tasks_per_hour": 3,
                   "rentals": [{"at": "1m", "duration": "1h", "end_after": "2h"}]}]})"),
            "renters[0].rentals[0].end_after: expected less than the duration (or leave it out)");
  EXPECT_EQ(with(R"(, "faults": [{"kind": "relay_crash", "at": "1h"}])"),
            "faults[0].restart_after: required field is missing");
}

TEST(scenario, parses_model_folders_lazy_and_clock_skew) {
  const std::string folder = std::string(AGORA_SOURCE_DIR) + "/tests/fixtures/engine/gpt2-tiny";
  auto s = parse_scenario(R"({"name": "t", "duration": "1h",
    "clock_skew": {"bound_ms": 5000, "relay_ms": -2000},
    "providers": [{"name": "p", "stake_micros": 5, "price_per_million_micros": 7,
                   "model": {"folder": "tests/fixtures/engine/gpt2-tiny"},
                   "behaviour": {"lazy": 0.5}, "clock_skew_ms": 90000}],
    "renters": [{"name": "r", "deposit_micros": 100, "tasks_per_hour": 3,
                 "model": "gpt2-tiny"}]})",
                          AGORA_SOURCE_DIR);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->providers[0].model_folder, folder);
  EXPECT_EQ(s->providers[0].models, std::vector<std::string>{"gpt2-tiny"});
  EXPECT_DOUBLE_EQ(s->providers[0].lazy_p, 0.5);
  EXPECT_EQ(s->providers[0].clock_skew_ms, std::optional<int64_t>{90'000});
  EXPECT_EQ(s->renters[0].model, "gpt2-tiny");
  EXPECT_EQ(s->clock_skew.bound_ms, 5'000);
  EXPECT_EQ(s->clock_skew.relay_ms, std::optional<int64_t>{-2'000});
  EXPECT_FALSE(s->clock_skew.escrow_ms);
  // The arbiter serves mock-model and every provider's folder unless the scenario says.
  EXPECT_TRUE(s->arbiter.mock_model);
  EXPECT_EQ(s->arbiter.folders, std::vector<std::string>{folder});
}

TEST(scenario, model_and_skew_errors_name_the_field) {
  const auto with = [](const std::string& provider, const std::string& extra = "",
                       const std::string& renter_model = "mock-model") {
    return error_of(R"({"name": "t", "duration": "1h", "providers": [{"name": "p",
        "stake_micros": 5, "price_per_million_micros": 7)" +
                    provider + R"(}], "renters": [{"name": "r", "deposit_micros": 100,
        "tasks_per_hour": 3, "model": ")" +
                    renter_model + R"("}])" + extra + "}");
  };
  EXPECT_EQ(with(R"(, "model": {"folder": "/nowhere/gpt2"})"),
            "providers[0].model.folder: no model folder (config.json) at /nowhere/gpt2");
  EXPECT_EQ(with(R"(, "model": "llama")"),
            "providers[0].model: expected \"mock-model\" or {\"folder\": path}");
  EXPECT_EQ(with(R"(, "model": "mock-model", "models": ["mock-model"])"),
            "providers[0].model: give model or models, not both");
  EXPECT_EQ(with("", "", "gpt2-tiny"), "renters[0].model: no provider serves this model");
  EXPECT_EQ(with(R"(, "behaviour": {"lazy": 0})"),
            "providers[0].behaviour.lazy: expected a probability in (0, 1]");
  EXPECT_EQ(with(R"(, "clock_skew_ms": 86400001)"),
            "providers[0].clock_skew_ms: expected an integer in [-86400000, 86400000] "
            "(milliseconds)");
  EXPECT_EQ(with("", R"(, "clock_skew": {"bound_ms": -1})"),
            "clock_skew.bound_ms: expected an integer in [0, 86400000]");
  EXPECT_EQ(with("", R"(, "clock_skew": {"skew": 1})"), "clock_skew.skew: unknown field");
  EXPECT_EQ(with("", R"(, "arbiter": {"models": []})"),
            "arbiter.models: expected at least one model");
  EXPECT_EQ(with("", R"(, "expectations": {"registered": {"q": true}})"),
            "expectations.registered.q: no provider has this name");
}

TEST(scenario, a_count_makes_a_group_and_crypto_picks_the_signatures) {
  auto s = parse_scenario(R"({"name": "t", "duration": "1h", "crypto": "fast",
    "providers": [{"name": "p", "count": 3, "stake_micros": 5, "price_per_million_micros": 7},
                  {"name": "q", "stake_micros": 5, "price_per_million_micros": 7}],
    "renters": [{"name": "r", "count": 2, "deposit_micros": 100, "tasks_per_hour": 3}],
    "expectations": {"slashed": {"p-2": false}}})");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->crypto, crypto_kind::fast);
  ASSERT_EQ(s->providers.size(), 4u);
  EXPECT_EQ(s->providers[0].name, "p-0");
  EXPECT_EQ(s->providers[2].name, "p-2");
  EXPECT_EQ(s->providers[2].stake_micros, 5);
  EXPECT_EQ(s->providers[3].name, "q");
  ASSERT_EQ(s->renters.size(), 2u);
  EXPECT_EQ(s->renters[1].name, "r-1");
  EXPECT_EQ(parse_scenario(scenario_text())->crypto, crypto_kind::secp256k1);
}

TEST(scenario, count_and_crypto_errors_name_the_field) {
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "count": 0, "stake_micros": 5,
      "price_per_million_micros": 7})")),
            "providers[0].count: expected an integer in [1, 10000]");
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "stake_micros": 5,
      "price_per_million_micros": 7})",
                                   R"(, "crypto": "rsa")")),
            "crypto: expected \"secp256k1\" or \"fast\"");
  // A group's members are NAME-i: the bare name is nobody.
  EXPECT_EQ(error_of(scenario_text(R"({"name": "p", "count": 2, "stake_micros": 5,
      "price_per_million_micros": 7})")),
            "expectations.slashed.p: no provider has this name");
}

TEST(scenario, durations_take_a_unit) {
  EXPECT_EQ(parse_duration_s("90s").value(), 90);
  EXPECT_EQ(parse_duration_s("15m").value(), 900);
  EXPECT_EQ(parse_duration_s("4h").value(), 14'400);
  EXPECT_EQ(parse_duration_s("1d").value(), 86'400);
  EXPECT_FALSE(parse_duration_s("0h"));
  EXPECT_FALSE(parse_duration_s("4"));
  EXPECT_FALSE(parse_duration_s("4w"));
  EXPECT_FALSE(parse_duration_s("-4h"));
}

}  // namespace
}  // namespace agora::sim
