// The engine request a sealed TaskRequest asks for (docs/PROTOCOL.md "Tasks"): its model, input
// and sampling, exactly as a provider runs it, so that an arbiter re-executing a disputed task
// and a renter checking a result run the very same generation.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "actors/worker/engine.hpp"
#include "schemas/task_generated.h"

namespace agora::actors {

/// The generation `request` asks for, with id 0: its prompt, prompt token ids or chat messages
/// (roles by name), model and sampling; kind embed for an Embedding task.
/// REQUIRES: request passed wire::open (its sampling is present).
generation_request generation_request_of(const wire::TaskRequest& request);

/// ComputeProof.output_hash of `g` (docs/PROTOCOL.md "Hashes"): over the embedding's values for
/// an embed request, over the text otherwise.
hash256 output_hash_of(request_kind kind, const generation& g);

/// TokenChunk.logprobs / TaskResult.logprobs of `entries` (docs/PROTOCOL.md "Log-probabilities").
using wire_logprob_list = std::vector<std::unique_ptr<wire::TokenLogprobT>>;
wire_logprob_list wire_logprobs(std::span<const token_logprobs> entries);
/// The entries a TokenChunk or TaskResult carries; none when absent. REQUIRES: they passed
/// wire::open.
std::vector<token_logprobs>
logprobs_of(const flatbuffers::Vector<flatbuffers::Offset<wire::TokenLogprob>>* entries);

}  // namespace agora::actors
