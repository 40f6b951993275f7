// Running assignments (docs/PROTOCOL.md §5): a TaskAssignment from the relay becomes a worker
// request; its chunks go out as TokenChunks with the chunk chain hash; its end goes out as a
// TaskResult and a signed ComputeProof once both are in the task log. Private to
// actors/provider/.
#pragma once

#include "actors/provider/provider_state.hpp"
#include "schemas/envelope.hpp"

namespace agora::actors {

/// How long the provider waits for its worker before it reports the task Failed.
inline constexpr auto worker_timeout = std::chrono::minutes(10);

/// Handles a TaskAssignment that passed wire::open. Refuses (ErrorFrame) one not signed by the
/// relay, not for this provider, or whose request does not open or names another task; answers
/// a task the log has finished with the logged frames; rejects (TaskResult Rejected) one it
/// cannot serve; otherwise logs it as Assigned and runs it.
void on_assignment(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed);
/// Handles a TaskCancel that passed wire::open (the relay forwards the renter's frame): refuses
/// one not signed by the task's renter; stops a running task on the worker, which then ends
/// Cancelled and bills min(chunks sent, delivered_chunks) (PROTOCOL.md "Cancelling"); ignores
/// a task that is not running (it ended, or never came here).
void on_cancel(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed);
/// Sends a chunk of a running task as a TokenChunk.
void on_chunk(provider_pointer self, const generation_chunk& chunk);

}  // namespace agora::actors
