// The provider's task log (DESIGN §7): a TaskRecord per task in family `tasks` and a
// ProofRecord per proven task in `proofs`, both keyed by task id. The provider writes a task's
// record before it acts on it and its result and proof before it sends them, so after a
// restart it answers a repeated assignment from the log instead of running it again.
#pragma once

#include <optional>

#include "actors/provider/provider_state.hpp"

namespace agora::actors {

/// Records that `task` was accepted and is running (state Assigned).
status write_task_accepted(storage::store& log, const running_task& task, const address& provider,
                           int64_t now_unix_s);

/// Records how `task` ended, with the sealed TaskResult and (if not empty) the sealed
/// ComputeProof, in one atomic batch; applied once per task id (store::apply).
status write_task_finished(storage::store& log, const running_task& task, const address& provider,
                           wire::TaskState state, const bytes& result, const bytes& proof,
                           int64_t now_unix_s);

/// The log entry of a task, nullopt if the log has none; corrupt for a record that fails to
/// verify.
result<std::optional<task_log_entry>> read_task_log(const storage::store& log,
                                                    const wire::id128& task_id);

}  // namespace agora::actors
