// The simulated market end to end (sim/market.hpp): the same scenario and seed replay to a
// byte-identical trace, another seed changes it, and the shipped scenarios hold for several
// seeds. Also the world's seed derivation and the invariants' answer to a planted double
// settlement (sim/ledger_watch.hpp).
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/ledger_watch.hpp"
#include "sim/market.hpp"

namespace agora::sim {
namespace {

scenario shipped(const std::string& name) {
  auto s = load_scenario(std::string(AGORA_SCENARIO_DIR) + "/" + name + ".json");
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : scenario{};
}

std::string failures(const run_report& r) {
  std::string out;
  for (const expectation_result& e : r.expectations)
    if (!e.pass)
      out += e.name + " (" + e.detail + "); ";
  for (const std::string& v : r.violations)
    out += v + "; ";
  return out;
}

TEST(world, derived_seeds_depend_on_seed_label_and_index) {
  EXPECT_EQ(derive_seed(1, "renter", 0), derive_seed(1, "renter", 0));
  EXPECT_NE(derive_seed(1, "renter", 0), derive_seed(2, "renter", 0));
  EXPECT_NE(derive_seed(1, "renter", 0), derive_seed(1, "renter", 1));
  EXPECT_NE(derive_seed(1, "renter", 0), derive_seed(1, "provider", 0));
}

TEST(world, same_seed_replays_byte_for_byte) {
  const scenario s = shipped("wrong_result_dispute");
  const run_report a = run_scenario(s, {.seed = 11});
  const run_report b = run_scenario(s, {.seed = 11});
  ASSERT_GT(a.trace_text.size(), 0u);
  EXPECT_EQ(a.trace_text, b.trace_text);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.events, b.events);
  const run_report c = run_scenario(s, {.seed = 12});
  EXPECT_NE(a.trace_text, c.trace_text);
  EXPECT_NE(a.trace_hash, c.trace_hash);
}

TEST(world, offline_windows_drop_frames_until_the_relay_reports_downtime) {
  const run_report r = run_scenario(shipped("offline_downtime"), {.until_s = 5 * 3'600});
  EXPECT_NE(r.trace_text.find("p-down goes offline"), std::string::npos);
  EXPECT_EQ(r.trace_text.find("Downtime"), std::string::npos);  // 4 h offline not yet reached
  EXPECT_EQ(r.slashed, 0);
  const run_report full = run_scenario(shipped("offline_downtime"));
  EXPECT_NE(full.trace_text.find("Slash by relay p-down Downtime"), std::string::npos);
  EXPECT_EQ(full.trace_text.find("Slash by relay p-flap"), std::string::npos);
  EXPECT_TRUE(full.ok()) << failures(full);
}

TEST(world, until_caps_virtual_time) {
  const run_report r = run_scenario(shipped("honest_baseline"), {.until_s = 600});
  EXPECT_EQ(r.stop, stop_reason::horizon);
  EXPECT_DOUBLE_EQ(r.sim_seconds, 600.0);
  EXPECT_TRUE(r.violations.empty()) << failures(r);
}

TEST(world, shipped_scenarios_hold_for_several_seeds) {
  for (const auto& entry : std::filesystem::directory_iterator(AGORA_SCENARIO_DIR)) {
    const scenario s = shipped(entry.path().stem().string());
    for (uint64_t seed : {s.seed, uint64_t{1'001}, uint64_t{2'002}}) {
      const run_report r = run_scenario(s, {.seed = seed});
      EXPECT_TRUE(r.ok()) << s.name << " seed " << seed << ": " << failures(r);
      EXPECT_FALSE(r.expectations.empty()) << s.name;
    }
  }
}

TEST(world, a_settle_sent_twice_is_executed_once) {
  const run_report r =
      run_scenario(shipped("honest_baseline"), {.until_s = 900, .TEST_settle_twice = true});
  EXPECT_NE(r.trace_text.find("replayed Settle by relay"), std::string::npos);
  EXPECT_NE(r.trace_text.find("(duplicate)"), std::string::npos);
  EXPECT_TRUE(r.violations.empty()) << failures(r);
  EXPECT_GT(r.holds_settled, 0u);
}

TEST(ledger_watch, catches_a_hold_settled_twice) {
  ledger_watch w;
  const wire::id128 hold{1, 2, 3};
  w.on_hold_finished(hold, true, {5, false});
  w.on_hold_finished(hold, true, {5, true});  // the escrow's own replay answer: fine
  EXPECT_TRUE(w.violations().empty());
  w.on_hold_finished(hold, true, {9, false});  // planted bug: a second settlement executed
  ASSERT_EQ(w.violations().size(), 1u);
  EXPECT_NE(w.violations()[0].find("settled after it was settled"), std::string::npos);
  w.on_hold_finished(hold, false, {10, false});
  EXPECT_EQ(w.violations().size(), 2u);
  EXPECT_EQ(w.settled(), 1u);
}

TEST(ledger_watch, catches_money_that_does_not_sum_to_zero) {
  ledger_watch w;
  w.add_party(address::parse("0x00000000000000000000000000000000000000aa").value());
  ASSERT_EQ(w.audit_keys().size(), 6u);
  EXPECT_EQ(w.on_audit(std::vector<int64_t>{-10, 0, 0, 4, 0, 6}), 0);
  EXPECT_TRUE(w.violations().empty());
  EXPECT_EQ(w.on_audit(std::vector<int64_t>{-10, 0, 0, 4, 0, 7}), 1);
  ASSERT_EQ(w.violations().size(), 1u);
  EXPECT_NE(w.violations()[0].find("money not conserved"), std::string::npos);
}

}  // namespace
}  // namespace agora::sim
