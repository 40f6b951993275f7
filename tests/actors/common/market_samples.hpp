// Test makers for the market flows: a sealed mock-model TaskRequest, what mock-model answers to
// it, and the ComputeProof, TokenChunks and TaskResult an honest provider signs for that answer
// (docs/PROTOCOL.md "Tasks", "Hashes"). Shared by the escrow, arbiter and renter tests; a test
// that includes it links agora_worker.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "actors/worker/mock_model.hpp"
#include "actors/worker/task_request.hpp"
#include "schemas/envelope.hpp"
#include "schemas/proof_hash.hpp"
#include "schemas/wire_types.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::actors::testing {

/// A streamed Completion task for mock-model: 5 tokens, seeded.
inline wire::TaskRequestT mock_request(const private_key& renter, const wire::id128& task_id,
                                       const wire::id128& hold_id) {
  wire::TaskRequestT m = wire::samples::sample(std::type_identity<wire::TaskRequest>{}, renter);
  m.task_id = wire::to_wire(task_id);
  m.hold_id = wire::to_wire(hold_id);
  m.task_type = wire::TaskType::Completion;
  m.model = std::string(mock_model_id);
  m.messages.clear();
  m.prompt = "hello market world";
  m.sampling->max_tokens = 5;
  m.sampling->stop.clear();
  m.sampling->seed = 99;
  return m;
}

/// What mock-model generates for a sealed TaskRequest.
inline generation mock_answer(byte_view sealed_request) {
  auto opened = wire::open(sealed_request);
  EXPECT_TRUE(opened) << opened.error().to_string();
  auto g = mock_model{}.generate(generation_request_of(*opened->as<wire::TaskRequest>()));
  EXPECT_TRUE(g) << g.error().to_string();
  return std::move(g.value());
}

/// The chain hash over all chunks of `g`.
inline hash256 chain_of(const generation& g) {
  hash256 chain{};
  for (const generation_chunk& c : g.chunks)
    chain = wire::chain_next(chain, c.index, c.token_ids, c.text);
  return chain;
}

/// The ComputeProof an honest provider signs for answering `sealed_request` with `g`.
inline wire::ComputeProofT honest_proof(const private_key& provider, byte_view sealed_request,
                                        const generation& g, int64_t price_micros) {
  auto opened = wire::open(sealed_request);
  EXPECT_TRUE(opened);
  const wire::TaskRequest& r = *opened->as<wire::TaskRequest>();
  wire::ComputeProofT m = wire::samples::sample(std::type_identity<wire::ComputeProof>{}, provider);
  m.renter = wire::to_wire(opened->signer());
  m.task_id = *r.task_id();
  m.hold_id = *r.hold_id();
  m.model_id = std::string(mock_model_id);
  m.weights_hash = wire::to_wire(mock_model::weights_hash());
  m.input_hash = wire::to_wire(wire::input_hash(opened->payload()));
  m.output_hash = wire::to_wire(wire::output_hash_text(g.text));
  m.chain_hash = wire::to_wire(chain_of(g));
  m.chunk_count = static_cast<uint32_t>(g.chunks.size());
  m.prompt_tokens = g.prompt_tokens;
  m.completion_tokens = g.completion_tokens;
  m.sampling.reset(r.sampling()->UnPack());
  m.price_per_million_tokens_micros = price_micros;
  m.finish_reason = g.finish_reason;
  return m;
}

/// The sealed TokenChunks of `g`, in order, with their chain hashes.
inline std::vector<wire::frame> chunk_frames(const private_key& provider, const wire::id128& task,
                                             const generation& g) {
  std::vector<wire::frame> out;
  hash256 chain{};
  for (const generation_chunk& c : g.chunks) {
    chain = wire::chain_next(chain, c.index, c.token_ids, c.text);
    wire::TokenChunkT m;
    m.provider = wire::to_wire(provider.address());
    m.task_id = wire::to_wire(task);
    m.index = c.index;
    m.token_ids = c.token_ids;
    m.text = c.text;
    m.chain_hash = wire::to_wire(chain);
    out.push_back({wire::message_kind::TokenChunk, wire::seal(m, provider)});
  }
  return out;
}

/// The sealed TaskResult (Completed, streamed: no output inline) of `g`.
inline wire::frame result_frame(const private_key& provider, const wire::id128& task,
                                const generation& g) {
  wire::TaskResultT m;
  m.provider = wire::to_wire(provider.address());
  m.task_id = wire::to_wire(task);
  m.status = wire::TaskStatus::Completed;
  m.finish_reason = g.finish_reason;
  m.prompt_tokens = g.prompt_tokens;
  m.completion_tokens = g.completion_tokens;
  m.output_hash = wire::to_wire(wire::output_hash_text(g.text));
  m.finished_unix_s = wire::samples::now_s + 1;
  return {wire::message_kind::TaskResult, wire::seal(m, provider)};
}

}  // namespace agora::actors::testing
