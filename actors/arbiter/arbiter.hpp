// The arbiter (DESIGN §6 "arbiter"; docs/PROTOCOL.md "Escrow", Dispute and Verdict): resolves a
// disputed ComputeProof by re-executing its task on its own engine with the same model,
// parameters and seed, and comparing output hashes. It answers the escrow's
// (arbitrate_atom, sealed Dispute) with a Verdict sealed by its own key:
//  - Inconclusive: the Dispute's sealed TaskRequest is not the one the proof was made for
//    (another task, another renter, or its input hash differs from the proof's), or the
//    arbiter's engine cannot run it; nobody is blamed.
//  - ProviderCorrect: the re-run's output hash equals the proof's.
//  - ProviderWrong: it differs.
// A Dispute that does not open, or whose proof does not open as a ComputeProof signed by the
// Dispute's provider, gets an "agora" error and no Verdict.
#pragma once

#include <caf/all.hpp>
#include <memory>

#include "actors/common/interfaces.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/worker/engine.hpp"
#include "core/key.hpp"

namespace agora::actors {

struct arbiter_options {
  private_key key;                  // signs every Verdict
  std::shared_ptr<engine> backend;  // re-executes tasks; deterministic (mock-model in tests)
  wall_clock_map clock;             // Verdict.decided_unix_s
};

/// What a re-execution found.
struct judgement {
  wire::VerdictOutcome outcome = wire::VerdictOutcome::Inconclusive;
  hash256 recomputed_output_hash{};  // zero when nothing was re-run
};

/// Judges one opened Dispute on `backend` (see the top of this file). Errors: the Dispute's
/// proof does not open, is not a ComputeProof, or is not signed by the Dispute's provider.
result<judgement> judge(engine& backend, const wire::Dispute& dispute);

struct arbiter_state {
  std::shared_ptr<const arbiter_options> options;  // set at spawn
  static inline const char* name = "agora.arbiter";
};

using arbiter_pointer = arbiter_inbox::stateful_pointer<arbiter_state>;

/// Spawns an arbiter. REQUIRES: options.backend not null.
arbiter_inbox spawn_arbiter(caf::actor_system& sys, arbiter_options options);

}  // namespace agora::actors
