// Rental sessions end to end on virtual time: a real renter, relay, escrow and providers
// (mock-model workers). A session is granted with an honest provisioning text, usage reports
// arrive every period, ending early charges the seconds used exactly and refunds the rest (the
// provider's store records how the session ended), expiry charges the whole hold, the session's
// tasks stick to its provider, a provider without free GPUs refuses (the hold comes back), and a
// stranger's SessionEnd is refused.

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "actors/provider/provider.hpp"
#include "actors/provider/rental.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/renter/renter.hpp"
#include "actors/worker/mock_model.hpp"
#include "schemas/record.hpp"
#include "tests/actors/common/market_samples.hpp"
#include "tests/actors/escrow/escrow_actor_fixture.hpp"

namespace agora::actors::testing {
namespace {

using namespace std::chrono_literals;

constexpr int64_t gpu_hour_micros = 2'000'000;  // provider 0's price; provider 1 asks one more
constexpr int64_t deposit_micros = 50'000'000;

class rental_test : public escrow_actor_test {
 protected:
  void SetUp() override {
    escrow_actor_test::SetUp();
    escrow_ = spawn_escrow_actor();
    relay_ = spawn_relay(
        sys, relay_options{relay_key_, escrow_, clock_, std::make_shared<seeded_random>(1)});
    actors_.push_back(caf::actor_cast<caf::actor>(relay_));
    renter_ =
        spawn_renter(sys, renter_options{renter_key_, escrow_, caf::actor_cast<caf::actor>(relay_),
                                         clock_, std::make_shared<seeded_random>(7)});
    actors_.push_back(renter_);
    add_provider(0);
    ASSERT_TRUE(ask<escrow_receipt>(deposit_atom_v, deposit_micros));
    ASSERT_EQ(renter_balance(), deposit_micros);
  }

  /// Provider `n` (key test_key(200 + n)) with 4 H100s, registered with the relay.
  void add_provider(uint32_t n) {
    storage::store_options store{.path = "/provider-" + std::to_string(n),
                                 .sync = false,
                                 .in_memory = true,
                                 .memory = memory_};
    wire::GpuInfoT gpu;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.vram_bytes = uint64_t{80} << 30;
    gpu.count = 4;
    provider_options options{wire::samples::test_key(200 + n),
                             relay_key_.address(),
                             caf::actor_cast<frame_sink>(relay_),
                             clock_,
                             std::make_shared<seeded_random>(n),
                             std::move(storage::store::open(store).value()),
                             std::make_shared<mock_model>(),
                             {.queue_max = 4, .token_time = 100ms},
                             {gpu},
                             "eu-west",
                             100'000,
                             gpu_hour_micros + n,
                             4};
    providers_.push_back(spawn_provider(sys, std::move(options)));
    actors_.push_back(caf::actor_cast<caf::actor>(providers_.back()));
    advance(1s);  // Register, Registered, the first Heartbeat
  }

  /// Stops provider 0 and reads the record its store holds of `session`.
  wire::SessionRecordT stored_session(const wire::id128& session) {
    caf::anon_send_exit(providers_.front(), caf::exit_reason::user_shutdown);
    run();  // the provider is gone and its store closed
    auto log = storage::store::open(
        {.path = "/provider-0", .sync = false, .in_memory = true, .memory = memory_});
    EXPECT_TRUE(log) << log.error().to_string();
    auto raw = (*log)->get(storage::column::sessions, session);
    EXPECT_TRUE(raw && raw->has_value());
    wire::SessionRecordT out;
    wire::read_record<wire::SessionRecord>(**raw).value().root()->UnPackTo(&out);
    return out;
  }

  /// Asks the renter; its answer or error.
  template <class T, class... Ts>
  result<T> ask(Ts... xs) {
    std::optional<result<T>> out;
    auto client = sys.spawn([&out, this, xs...](caf::event_based_actor* self) {
      self->request(renter_, 120s, xs...)
          .then([&out](const T& x) { out = x; },
                [&out](const caf::error& e) { out = from_caf_error(e); });
    });
    actors_.push_back(client);
    run();
    EXPECT_TRUE(out.has_value()) << "the renter did not answer";
    return out.value_or(make_error(errc::io_error, "no answer"));
  }

  /// Rents and returns the opened grant.
  result<wire::opened_envelope> rent(const renter_rental& spec) {
    auto grant = ask<wire::frame>(rent_atom_v, spec);
    if (!grant)
      return grant.error();
    return wire::open(grant->data);
  }

  static wire::id128 session_of(const wire::opened_envelope& grant) {
    return wire::from_wire(*grant.as<wire::SessionGrant>()->session_id());
  }

  rental_usage usage(const wire::id128& session) {
    return ask<rental_usage>(usage_atom_v, session).value();
  }

  /// Moves virtual time by `total` one second at a time.
  void step(caf::timespan total) {
    for (caf::timespan done{0}; done < total; done += 1s)
      advance(1s);
  }

  int64_t renter_balance() {
    return balance(escrow_, escrow::renter_balance(renter_key_.address()));
  }
  int64_t earnings(uint32_t n) {
    return balance(escrow_, escrow::provider_earnings(wire::samples::test_key(200 + n).address()));
  }

  escrow_actor escrow_;
  relay_actor relay_;
  std::vector<provider_actor> providers_;
  caf::actor renter_;
};

TEST_F(rental_test, ended_early_charges_the_seconds_used_and_refunds_the_rest) {
  // 1 h × 2 GPUs × 2 per GPU-hour = 4 prepaid.
  auto grant =
      rent({.gpu_count = 2, .duration_s = 3'600, .price_cap_per_gpu_hour_micros = gpu_hour_micros});
  ASSERT_TRUE(grant) << grant.error().to_string();
  EXPECT_EQ(renter_balance(), deposit_micros - 4'000'000);
  const wire::SessionGrant& g = *grant->as<wire::SessionGrant>();
  EXPECT_EQ(grant->signer(), relay_key_.address());
  EXPECT_EQ(wire::from_wire(*g.provider()), wire::samples::test_key(200).address());
  EXPECT_EQ(g.gpu()->count(), 2);
  EXPECT_EQ(g.price_per_gpu_hour_micros(), gpu_hour_micros);
  EXPECT_EQ(g.expires_unix_s() - g.starts_unix_s(), 3'600);
  EXPECT_EQ(wire::view(g.provisioning()), provisioning_note);
  EXPECT_FALSE(wire::view(g.connection()).empty());

  const wire::id128 session = session_of(*grant);
  step(1'001s);
  const rental_usage heard = usage(session);
  EXPECT_EQ(heard.reports, 16u);  // at 60 s, 120 s, …, 960 s
  EXPECT_EQ(heard.gpu_seconds, 16u * 60 * 2);
  EXPECT_FALSE(heard.ended);

  ASSERT_TRUE(ask<escrow_receipt>(end_session_atom_v, session));
  // ceil(1,001 s × 2 GPUs × 2,000,000 / 3,600) = ceil(1,112,222.2…) = 1,112,223.
  EXPECT_EQ(earnings(0), 1'112'223);
  EXPECT_EQ(renter_balance(), deposit_micros - 1'112'223);
  step(300s);  // the provider stopped reporting
  EXPECT_EQ(usage(session).reports, 16u);
  EXPECT_TRUE(usage(session).ended);
  const wire::SessionRecordT record = stored_session(session);
  EXPECT_EQ(record.state, wire::SessionState::Ended);
  EXPECT_EQ(record.end_reason, wire::SessionEndReason::RenterClosed);
  EXPECT_EQ(record.last_report_sequence, 16u);
  auto stored_grant = wire::open(record.grant);  // the relay's grant, as the provider got it
  ASSERT_TRUE(stored_grant);
  EXPECT_EQ(stored_grant->signer(), relay_key_.address());
  EXPECT_EQ(session_of(*stored_grant), session);
}

TEST_F(rental_test, expiry_ends_the_session_and_charges_the_whole_hold) {
  // 630 s × 1 GPU × 2 per GPU-hour = 0.35 prepaid.
  auto grant =
      rent({.gpu_count = 1, .duration_s = 630, .price_cap_per_gpu_hour_micros = gpu_hour_micros});
  ASSERT_TRUE(grant) << grant.error().to_string();
  EXPECT_EQ(renter_balance(), deposit_micros - 350'000);
  const wire::id128 session = session_of(*grant);
  step(700s);
  const rental_usage heard = usage(session);
  EXPECT_TRUE(heard.ended);  // the relay's SessionEnd (Expired)
  EXPECT_EQ(heard.reports, 10u);
  EXPECT_EQ(earnings(0), 350'000);
  EXPECT_EQ(renter_balance(), deposit_micros - 350'000);
  auto late = ask<escrow_receipt>(end_session_atom_v, session);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, errc::not_found);  // the relay forgot it
}

TEST_F(rental_test, tasks_of_the_session_go_to_its_provider) {
  add_provider(1);  // dearer per GPU-hour: asked for by name
  auto grant = rent({.gpu_count = 1,
                     .duration_s = 3'600,
                     .price_cap_per_gpu_hour_micros = gpu_hour_micros + 1,
                     .provider = wire::samples::test_key(201).address().to_string()});
  ASSERT_TRUE(grant) << grant.error().to_string();
  const address bound = wire::from_wire(*grant->as<wire::SessionGrant>()->provider());
  ASSERT_EQ(bound, wire::samples::test_key(201).address());
  for (uint8_t id = 1; id <= 4; ++id) {
    wire::TaskRequestT m = mock_request(renter_key_, wire::samples::make_id(id),
                                        wire::samples::make_id(static_cast<uint8_t>(id + 0x40)));
    m.rental_session_id = wire::to_wire(session_of(*grant));
    m.created_unix_s = unix_seconds(clock_.at(sys.clock().now()));
    m.deadline_unix_s = m.created_unix_s + 600;
    std::optional<wire::frame> assignment;
    auto client = sys.spawn([&, m](caf::event_based_actor* self) {
      self->request(relay_, 60s, route_atom_v, frame_of(m, renter_key_),
                    caf::actor_cast<frame_sink>(renter_))
          .then([&](const wire::frame& f) { assignment = f; });
    });
    actors_.push_back(client);
    run();
    ASSERT_TRUE(assignment.has_value());
    auto opened = wire::open(assignment->data).value();
    EXPECT_EQ(wire::from_wire(*opened.as<wire::TaskAssignment>()->provider()), bound);
    advance(2s);  // the task runs
  }
}

TEST_F(rental_test, a_provider_without_free_gpus_refuses_and_the_hold_comes_back) {
  auto first =
      rent({.gpu_count = 3, .duration_s = 3'600, .price_cap_per_gpu_hour_micros = gpu_hour_micros});
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(renter_balance(), deposit_micros - 6'000'000);
  auto second =
      rent({.gpu_count = 2, .duration_s = 3'600, .price_cap_per_gpu_hour_micros = gpu_hour_micros});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::limit_exceeded);
  EXPECT_NE(second.error().message.find("no free GPUs: 2 asked, 1 free"), std::string::npos)
      << second.error().to_string();
  EXPECT_EQ(renter_balance(), deposit_micros - 6'000'000);  // the second hold was refunded
  auto none =
      rent({.gpu_count = 8, .duration_s = 3'600, .price_cap_per_gpu_hour_micros = gpu_hour_micros});
  ASSERT_FALSE(none);  // no provider has 8 GPUs: the relay refuses before asking one
  EXPECT_EQ(none.error().code, errc::limit_exceeded);
  EXPECT_EQ(renter_balance(), deposit_micros - 6'000'000);
}

TEST_F(rental_test, a_session_end_signed_by_a_stranger_is_refused) {
  auto sealed = ask<wire::frame>(rent_atom_v,
                                 renter_rental{.gpu_count = 1,
                                               .duration_s = 3'600,
                                               .price_cap_per_gpu_hour_micros = gpu_hour_micros});
  ASSERT_TRUE(sealed) << sealed.error().to_string();
  const wire::id128 session = session_of(wire::open(sealed->data).value());
  step(100s);
  wire::SessionEndT m;
  m.sender = wire::to_wire(stranger_key_.address());
  m.session_id = wire::to_wire(session);
  m.reason = wire::SessionEndReason::RenterClosed;
  m.ended_unix_s = unix_seconds(clock_.at(sys.clock().now()));
  m.hold_id = wire::samples::wire_id(0x99);
  m.grant = sealed->data;
  const wire::frame forged = frame_of(m, stranger_key_);
  std::optional<caf::error> refused;
  auto client = sys.spawn([&](caf::event_based_actor* self) {
    self->request(relay_, 60s, end_session_atom_v, forged)
        .then([](const escrow_receipt&) {}, [&](const caf::error& e) { refused = e; });
  });
  actors_.push_back(client);
  run();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(from_caf_error(*refused).code, errc::bad_signature);
  auto direct = submit(escrow_, forged);  // nor does the escrow take it
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::bad_signature);
  EXPECT_EQ(earnings(0), 0);
  EXPECT_EQ(renter_balance(), deposit_micros - 2'000'000);
  EXPECT_FALSE(usage(session).ended);  // the session runs on
  EXPECT_EQ(usage(session).reports, 1u);
}

}  // namespace
}  // namespace agora::actors::testing
