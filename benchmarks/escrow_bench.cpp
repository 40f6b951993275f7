// Escrow figures of the market suite (benchmarks/market.hpp): the ledger of actors/escrow over
// a real RocksDB directory, each operation one balanced journal entry, either in its own
// store::apply or 1,000 to one apply (ledger::apply_batch), with the WAL synced per write and
// not; and settlements per second, each opening the provider's sealed ComputeProof (ECDSA
// recovery, on ledger_options::proof_threads threads when batched) and paying from a hold.
// Proofs are signed and holds made outside the timed part.
// Issue 4's goals: ≥ 100,000 ledger ops/s batched on 2 cores; settlements ≥ 80 % of the cores'
// recovery rate.
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/escrow/ledger.hpp"
#include "benchmarks/market.hpp"
#include "benchmarks/scratch_dir.hpp"
#include "benchmarks/stopwatch.hpp"
#include "core/assert.hpp"
#include "core/key.hpp"
#include "core/random.hpp"
#include "schemas/envelope.hpp"
#include "schemas/wire_types.hpp"

namespace agora::bench {
namespace {

constexpr uint64_t ops_max = 100'000'000;  // a bound on the loops, far above any rate seen
constexpr int64_t start_s = 1'760'000'000;
constexpr int64_t renter_funds_micros = 1'000'000'000'000;  // a million token units
constexpr int64_t hold_micros = 1'000'000;
constexpr int64_t price_micros = 1'000'000;  // per million tokens
constexpr size_t settle_batch_sizes[] = {1, 1'000};
constexpr size_t ops_batch_size = 1'000;  // 500 holds and their 500 refunds
constexpr const char* ledger_goal =
    "goal ≥ 100,000/s batched on 2 cores; TigerBeetle 160k-300k transfers/s";
constexpr const char* settle_bound =
    "bound: ~17,500-22,800 secp256k1 recoveries/s per core here; goal batched ≥ 80 % of 2 cores";

wire::id128 id_of(uint64_t n) {
  wire::id128 out{};
  for (size_t i = 0; i < 8; ++i)
    out[i] = static_cast<uint8_t>(n >> (8 * i));
  out[15] = 0xbe;  // never zero
  return out;
}

/// A ledger over a fresh store at `path`, with a funded renter; verify off (O(n) checks).
struct bench_ledger {
  std::unique_ptr<storage::store> db;
  std::unique_ptr<escrow::ledger> ledger;
};

result<bench_ledger> open_ledger(const std::string& path, bool sync, const address& renter) {
  auto db = storage::store::open({.path = path, .sync = sync});
  if (!db)
    return db.error();
  escrow::ledger_options options;
  options.escrow = renter;  // any address: nothing is signed here
  options.protocol_fee_bps = 100;
  options.verify = false;
  auto opened = escrow::ledger::open(**db, options);
  if (!opened)
    return opened.error();
  auto funded = (*opened)->deposit({.idempotency_key = id_of(0),
                                    .account = renter,
                                    .amount_micros = renter_funds_micros,
                                    .now_unix_s = start_s});
  if (!funded)
    return funded.error();
  return bench_ledger{std::move(*db), std::move(*opened)};
}

escrow::hold_request hold_for(const address& renter, uint64_t n) {
  return {.hold_id = id_of(n),
          .renter = renter,
          .amount_micros = hold_micros,
          .subject_id = id_of(n),
          .now_unix_s = start_s,
          .expires_unix_s = start_s + 600};
}

/// A valid ComputeProof for hold n of `renter` (500 tokens), sealed by `provider`.
bytes seal_proof(const private_key& provider, const address& renter, uint64_t n) {
  wire::ComputeProofT proof;
  proof.provider = wire::to_wire(provider.address());
  proof.renter = wire::to_wire(renter);
  proof.task_id = wire::to_wire(id_of(n));
  proof.hold_id = wire::to_wire(id_of(n));
  proof.model_id = "bench-model";
  proof.prompt_tokens = 300;
  proof.completion_tokens = 200;
  proof.sampling = std::make_unique<wire::SamplingParamsT>();
  proof.sampling->max_tokens = 256;
  proof.started_unix_ns = start_s * 1'000'000'000;
  proof.finished_unix_ns = proof.started_unix_ns + 1'000'000;
  proof.worker = std::make_unique<wire::WorkerIdentityT>();
  proof.price_per_million_tokens_micros = price_micros;
  return wire::seal(proof, provider);
}

/// Holds and refunds for about `seconds`: two ledger operations per iteration.
result<double> ledger_ops_per_second(const std::string& path, bool sync, double seconds) {
  seeded_random rng(1);
  const address renter = private_key::generate(rng).address();
  auto bench = open_ledger(path, sync, renter);
  if (!bench)
    return bench.error();
  stopwatch watch;
  double elapsed = 0;
  uint64_t ops = 0;
  for (uint64_t n = 1; ops < ops_max && elapsed < seconds; ++n) {
    auto held = bench->ledger->hold(hold_for(renter, n));
    if (!held)
      return held.error();
    auto refunded = bench->ledger->refund({.hold_id = id_of(n), .now_unix_s = start_s});
    if (!refunded)
      return refunded.error();
    ops += 2;
    elapsed = watch.seconds();
  }
  return static_cast<double>(ops) / std::max(elapsed, 1e-9);
}

/// Holds and refunds in batches of ops_batch_size (hold n, refund n, …), one apply_batch each,
/// until the apply_batch calls took about `seconds`.
result<double> batched_ledger_ops_per_second(const std::string& path, bool sync, double seconds) {
  seeded_random rng(1);
  const address renter = private_key::generate(rng).address();
  auto bench = open_ledger(path, sync, renter);
  if (!bench)
    return bench.error();
  double timed = 0;
  uint64_t ops = 0;
  for (uint64_t n = 1; ops < ops_max && timed < seconds;) {
    std::vector<escrow::batch_op> batch;
    for (size_t i = 0; i < ops_batch_size / 2; ++i, ++n) {
      batch.emplace_back(hold_for(renter, n));
      batch.emplace_back(escrow::refund_request{.hold_id = id_of(n), .now_unix_s = start_s});
    }
    stopwatch call;
    auto done = bench->ledger->apply_batch(batch);
    timed += call.seconds();
    for (const auto& slot : done) {
      if (!slot)
        return slot.error();
      AGORA_ASSERT(slot->outcome == storage::apply_outcome::applied);
    }
    ops += batch.size();
  }
  return static_cast<double>(ops) / std::max(timed, 1e-9);
}

/// Settles one (settle) or batch_size (settle_batch) holds against sealed proofs per write,
/// until the settle calls alone took about `seconds`. Holds and proofs are made untimed.
result<double> settlements_per_second(const std::string& path, bool sync, size_t batch_size,
                                      double seconds) {
  AGORA_ASSERT(batch_size >= 1 && batch_size <= escrow::batch_ops_max);
  seeded_random rng(2);
  const address renter = private_key::generate(rng).address();
  const private_key provider = private_key::generate(rng);
  auto bench = open_ledger(path, sync, renter);
  if (!bench)
    return bench.error();
  stopwatch wall;  // bounds the untimed signing too
  double timed = 0;
  uint64_t settled = 0;
  for (uint64_t n = 1; settled < ops_max && timed < seconds && wall.seconds() < 20 * seconds;) {
    std::vector<bytes> proofs;
    std::vector<escrow::settle_request> requests;
    for (size_t i = 0; i < batch_size; ++i, ++n) {
      if (auto held = bench->ledger->hold(hold_for(renter, n)); !held)
        return held.error();
      proofs.push_back(seal_proof(provider, renter, n));
      requests.push_back(
          {id_of(n), {}, provider.address(), amount::from_micros(price_micros), start_s});
    }
    for (size_t i = 0; i < batch_size; ++i)
      requests[i].proof = proofs[i];
    stopwatch call;
    std::vector<result<escrow::receipt>> done;
    if (batch_size == 1)
      done.push_back(bench->ledger->settle(requests[0]));
    else
      done = bench->ledger->settle_batch(requests);
    timed += call.seconds();
    for (const auto& slot : done) {
      if (!slot)
        return slot.error();
      AGORA_ASSERT(slot->outcome == storage::apply_outcome::applied);
    }
    settled += batch_size;
  }
  AGORA_ASSERT(settled > 0);
  return static_cast<double>(settled) / std::max(timed, 1e-9);
}

void add_rate(report& out, const std::string& name, const result<double>& rate, const char* unit,
              const char* reference) {
  if (!rate) {
    out.note("escrow error", name + ": " + rate.error().to_string());
    return;
  }
  out.add(figure{name, *rate, unit, reference});
}

}  // namespace

void add_escrow_figures(report& out, const options& opts) {
  AGORA_ASSERT(opts.seconds > 0);
  scratch_dir dir(opts.scratch_dir, "escrow");
  if (!dir.ok()) {
    out.note("escrow error", "cannot create a directory under " + opts.scratch_dir);
    return;
  }
  out.note("escrow", "one op = one balanced journal entry with its account and hold records; "
                     "unbatched: one store::apply each, batched: 1,000 per apply; commits on one "
                     "thread, a batch's proofs on proof_threads (2); verify off; fee 1 %");
  for (bool sync : {true, false}) {
    const std::string mode = sync ? "synced" : "unsynced";
    add_rate(out, "escrow ledger ops (hold, refund), " + mode + ", unbatched",
             ledger_ops_per_second(dir.path() + "/ops-" + mode, sync, opts.seconds), "ops/s",
             ledger_goal);
    add_rate(out, "escrow ledger ops (hold, refund), " + mode + ", batches of 1000",
             batched_ledger_ops_per_second(dir.path() + "/ops-batched-" + mode, sync, opts.seconds),
             "ops/s", ledger_goal);
    for (size_t batch_size : settle_batch_sizes) {
      const std::string shape =
          batch_size == 1 ? "unbatched" : "batches of " + std::to_string(batch_size);
      add_rate(out, "escrow settlements (open proof + pay), " + mode + ", " + shape,
               settlements_per_second(dir.path() + "/settle-" + mode + std::to_string(batch_size),
                                      sync, batch_size, opts.seconds),
               "settlements/s", settle_bound);
    }
  }
}

}  // namespace agora::bench
