// The renter (actors/renter/renter.hpp) against a scripted relay that answers a route with a
// TaskAssignment, streams mock-model's answer signed by a real provider key, settles with the
// real escrow and forwards the proof; disputes go through the escrow to a real arbiter.
#include <gtest/gtest.h>

#include "actors/renter/proof_check.hpp"
#include "actors/renter/renter.hpp"
#include "tests/actors/arbiter/arbiter_fixture.hpp"

namespace agora::actors::testing {
namespace {

using namespace std::chrono_literals;
using emit_atom = caf::atom_constant<caf::atom("emit")>;

/// What the scripted relay does.
struct relay_script {
  private_key relay;
  private_key provider;
  escrow_actor escrow;
  int64_t price_micros = 0;
  bool wrong_output_hash = false;  // the provider signs a proof that does not match its stream
};

/// The ComputeProof the scripted provider signs for `request` and `g`.
bytes scripted_proof(const relay_script& s, byte_view request, const generation& g) {
  wire::ComputeProofT m = honest_proof(s.provider, request, g, s.price_micros);
  if (s.wrong_output_hash)
    m.output_hash = wire::to_wire(wire::output_hash_text("not what was streamed"));
  return wire::seal(m, s.provider);
}

/// Streams chunks and the result to the sink, settles the proof with the escrow (as the real
/// relay does), then forwards the proof.
void emit(caf::event_based_actor* self, std::shared_ptr<const relay_script> s,
          const wire::frame& request, const frame_sink& sink) {
  const generation g = mock_answer(request.data);
  const wire::id128 task_id =
      wire::from_wire(*wire::open(request.data)->as<wire::TaskRequest>()->task_id());
  for (const wire::frame& chunk : chunk_frames(s->provider, task_id, g))
    self->send(sink, chunk);
  self->send(sink, result_frame(s->provider, task_id, g));
  const bytes proof = scripted_proof(*s, request.data, g);
  wire::SettleT settle;
  settle.submitter = wire::to_wire(s->relay.address());
  settle.hold_id = *wire::open(proof)->as<wire::ComputeProof>()->hold_id();
  settle.proof = proof;
  settle.registered_price_micros = s->price_micros;
  self->request(s->escrow, 60s, frame_of(settle, s->relay))
      .then([self, sink, proof](const escrow_receipt&) {
        self->send(sink, wire::frame{wire::message_kind::ComputeProof, proof});
      });
}

caf::behavior scripted_relay(caf::event_based_actor* self, std::shared_ptr<const relay_script> s) {
  return {
      [self, s](route_atom, const wire::frame& request, const frame_sink& sink) {
        auto opened = wire::open(request.data);
        EXPECT_TRUE(opened);
        wire::TaskAssignmentT m;
        m.relay = wire::to_wire(s->relay.address());
        m.provider = wire::to_wire(s->provider.address());
        m.task_id = *opened->as<wire::TaskRequest>()->task_id();
        m.request = request.data;
        m.price_per_million_tokens_micros = s->price_micros;
        m.assigned_unix_s = epoch_unix_s;
        m.deadline_unix_s = epoch_unix_s + 120;
        self->send(self, emit_atom::value, request, sink);  // after the reply
        return frame_of(m, s->relay);
      },
      [self, s](emit_atom, const wire::frame& request, const frame_sink& sink) {
        emit(self, s, request, sink);
      },
  };
}

/// A relay that has no provider for anything.
caf::behavior refusing_relay() {
  return {[](route_atom, const wire::frame&, const frame_sink&) -> caf::result<wire::frame> {
    return make_caf_error(errc::limit_exceeded, "No providers available");
  }};
}

class renter_test : public arbiter_test {
 protected:
  /// An escrow with the arbiter, a staked provider, a scripted relay and a renter with 5.
  void start(bool wrong_output_hash, uint32_t spot_check_permille, bool refuse_routes = false) {
    escrow_ = spawn_escrow_actor(spawn_arbiter_actor());
    ASSERT_TRUE(submit(escrow_, deposit(provider_key_, 10'000'000, 0x02)));
    ASSERT_TRUE(submit(escrow_, stake(provider_key_, 10'000'000, 0x03)));
    auto script = std::make_shared<const relay_script>(
        relay_script{relay_key_, provider_key_, escrow_, price_, wrong_output_hash});
    auto relay = refuse_routes ? sys.spawn(refusing_relay) : sys.spawn(scripted_relay, script);
    actors_.push_back(relay);
    renter_ =
        spawn_renter(sys, renter_options{renter_key_, escrow_, relay, clock_,
                                         std::make_shared<seeded_random>(7), spot_check_permille});
    actors_.push_back(renter_);
    auto client = sys.spawn([this](caf::event_based_actor* self) {
      self->request(renter_, 60s, deposit_atom_v, int64_t{5'000'000})
          .then([](const escrow_receipt&) {});
    });
    run();
    ASSERT_EQ(renter_balance(), 5'000'000);
  }

  /// Submits one mock-model task and runs the market until it is quiet; its outcome.
  task_outcome run_task() {
    const renter_task spec{
        std::string(mock_model_id), "hello market world", 5, 0.7f, 99, 1'000'000, 200'000'000};
    std::optional<uint64_t> number;
    auto client = sys.spawn([this, spec, &number](caf::event_based_actor* self) {
      self->request(renter_, 60s, submit_atom_v, spec).then([&number](uint64_t n) { number = n; });
    });
    run();
    EXPECT_EQ(number, std::optional<uint64_t>{0});
    std::optional<task_outcome> out;
    auto reader = sys.spawn([this, &out](caf::event_based_actor* self) {
      self->request(renter_, 60s, outcome_atom_v, uint64_t{0}).then([&out](const task_outcome& o) {
        out = o;
      });
    });
    run();
    EXPECT_TRUE(out.has_value());
    return out.value_or(task_outcome{});
  }

  int64_t renter_balance() {
    return balance(escrow_, escrow::renter_balance(renter_key_.address()));
  }

  escrow_actor escrow_;
  caf::actor renter_;
};

TEST_F(renter_test, accepts_a_correct_proof) {
  start(false, 0);
  const task_outcome o = run_task();
  EXPECT_EQ(o.state, task_state::accepted) << o.reason;
  EXPECT_EQ(o.text, answer_.text);
  EXPECT_FALSE(o.spot_checked);
  EXPECT_EQ(renter_balance(), 5'000'000 - 1'200);
  EXPECT_EQ(balance(escrow_, escrow::provider_earnings(provider_key_.address())), 1'200);
}

TEST_F(renter_test, disputes_a_wrong_proof_and_the_provider_is_slashed) {
  start(true, 0);
  const task_outcome o = run_task();
  EXPECT_EQ(o.state, task_state::disputed);
  EXPECT_NE(o.reason.find("output_hash"), std::string::npos) << o.reason;
  EXPECT_FALSE(o.spot_checked);
  // The arbiter found the provider wrong: bond back, settlement reversed, 20 % stake slashed.
  EXPECT_EQ(renter_balance(), 5'000'000);
  EXPECT_EQ(balance(escrow_, escrow::provider_stake(provider_key_.address())), 8'000'000);
}

TEST_F(renter_test, spot_check_of_a_correct_proof_loses_the_bond) {
  start(false, 1'000);
  const task_outcome o = run_task();
  EXPECT_EQ(o.state, task_state::disputed);
  EXPECT_TRUE(o.spot_checked);
  EXPECT_EQ(renter_balance(), 5'000'000 - 1'200 - 100'000);
  EXPECT_EQ(balance(escrow_, escrow::provider_earnings(provider_key_.address())), 1'200 + 100'000);
}

TEST_F(renter_test, refused_route_fails_the_task_and_its_hold_expires) {
  start(false, 0, true);
  const task_outcome o = run_task();
  EXPECT_EQ(o.state, task_state::failed);
  EXPECT_NE(o.reason.find("No providers available"), std::string::npos) << o.reason;
  EXPECT_EQ(renter_balance(), 4'000'000);  // the Hold waits for its expiry
  advance(10min);                          // the renter's hold_ttl: the escrow's tick refunds it
  EXPECT_EQ(renter_balance(), 5'000'000);
}

TEST_F(renter_test, proof_check_names_the_first_wrong_field) {
  const generation& g = answer_;
  const bytes proof_bytes = proof();
  auto opened = wire::open(proof_bytes);
  ASSERT_TRUE(opened);
  auto request = wire::open(request_);
  ASSERT_TRUE(request);
  proof_expectation e{provider_key_.address(),
                      renter_key_.address(),
                      task_id_,
                      hold_id_,
                      wire::input_hash(request->payload()),
                      wire::output_hash_text(g.text),
                      chain_of(g),
                      static_cast<uint32_t>(g.chunks.size()),
                      price_};
  EXPECT_TRUE(check_proof(*opened, e));
  e.price_cap_micros = price_ - 1;
  EXPECT_EQ(check_proof(*opened, e).error().code, errc::invalid_argument);
  e.price_cap_micros = price_;
  e.provider = stranger_key_.address();
  EXPECT_EQ(check_proof(*opened, e).error().code, errc::bad_signature);
  e.provider = provider_key_.address();
  e.chunk_count += 1;
  EXPECT_NE(check_proof(*opened, e).error().message.find("chunk_count"), std::string::npos);
}

}  // namespace
}  // namespace agora::actors::testing
