// The simulated links' seeded draws (sim/link.hpp): latency stays in its bounds, a direction
// stays in order unless reordered, and loss and duplication come at their rates, the same for
// the same seed.
#include <gtest/gtest.h>

#include <chrono>

#include "sim/link.hpp"

namespace agora::sim {
namespace {

using std::chrono::milliseconds;

link_model model(const network_spec& n, uint64_t seed = 42) {
  return link_model(n, std::make_shared<seeded_random>(seed));
}

TEST(link_model, uniform_latency_stays_in_bounds_and_in_order) {
  network_spec n;
  n.latency = latency_distribution::uniform;
  n.min_ms = 5;
  n.max_ms = 250;
  link_model m = model(n);
  caf::timespan last_due{0};
  for (int i = 0; i < 1'000; ++i) {
    const caf::timespan now = milliseconds(i);  // one frame per millisecond
    const frame_fate f = m.draw(now, true);
    ASSERT_FALSE(f.lost);
    ASSERT_EQ(f.copies, 1);
    EXPECT_GE(f.delay[0], milliseconds(5));
    EXPECT_GE(now + f.delay[0], last_due);  // FIFO: never overtakes the frame before it
    last_due = now + f.delay[0];
  }
}

TEST(link_model, exponential_latency_is_capped) {
  network_spec n;
  n.latency = latency_distribution::exponential;
  n.min_ms = 10;
  n.mean_ms = 40;
  n.max_ms = 100;
  link_model m = model(n);
  for (int i = 0; i < 1'000; ++i) {
    const frame_fate f = m.draw(std::chrono::seconds(i), false);  // far apart: no FIFO push
    EXPECT_GE(f.delay[0], milliseconds(10));
    EXPECT_LE(f.delay[0], milliseconds(100));
  }
}

TEST(link_model, loss_and_duplication_come_at_their_rates_in_their_direction) {
  network_spec n;
  n.loss_permille = 100;
  n.duplicate_permille = 200;
  n.direction = fault_direction::to_provider;
  link_model m = model(n);
  int lost = 0, doubled = 0;
  for (int i = 0; i < 10'000; ++i) {
    const frame_fate f = m.draw(milliseconds(i), false);
    lost += f.lost;
    doubled += !f.lost && f.copies == 2;
    const frame_fate clean = m.draw(milliseconds(i), true);  // the other way: no faults
    EXPECT_FALSE(clean.lost);
    EXPECT_EQ(clean.copies, 1);
  }
  EXPECT_NEAR(lost, 1'000, 150);
  EXPECT_NEAR(doubled, 1'800, 200);  // 20 % of the 90 % not lost
}

TEST(link_model, reordered_frames_may_overtake_and_the_same_seed_draws_the_same) {
  network_spec n;
  n.latency = latency_distribution::uniform;
  n.min_ms = 1;
  n.max_ms = 50;
  n.reorder_permille = 500;
  link_model a = model(n, 7), b = model(n, 7), c = model(n, 8);
  int overtaken = 0, differs = 0;
  caf::timespan last_due{0};
  for (int i = 0; i < 1'000; ++i) {
    const frame_fate fa = a.draw(milliseconds(i), true);
    const frame_fate fb = b.draw(milliseconds(i), true);
    const frame_fate fc = c.draw(milliseconds(i), true);
    EXPECT_EQ(fa.delay[0], fb.delay[0]);
    differs += fa.delay[0] != fc.delay[0];
    const caf::timespan due = milliseconds(i) + fa.delay[0];
    overtaken += due < last_due;
    last_due = std::max(last_due, due);
  }
  EXPECT_GT(overtaken, 50);
  EXPECT_GT(differs, 500);
}

}  // namespace
}  // namespace agora::sim
