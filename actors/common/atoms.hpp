// Atoms shared by the roles (CAF 0.17.6: atom_constant, at most 10 characters). Role-specific
// atoms live in the role's own interface header.
#pragma once

#include <caf/atom.hpp>

namespace agora::actors {

/// A periodic heartbeat is due (provider → itself; relay liveness checks).
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
inline constexpr heartbeat_atom heartbeat_atom_v{};
/// Stop taking new tasks, finish the running ones.
using drain_atom = caf::atom_constant<caf::atom("drain")>;
inline constexpr drain_atom drain_atom_v{};
/// End the session now.
using deregister_atom = caf::atom_constant<caf::atom("deregister")>;
inline constexpr deregister_atom deregister_atom_v{};
/// Ask an actor for its counters (queue depth, running tasks).
using status_atom = caf::atom_constant<caf::atom("status")>;
inline constexpr status_atom status_atom_v{};
/// Read a persisted task log entry.
using task_log_atom = caf::atom_constant<caf::atom("task_log")>;
inline constexpr task_log_atom task_log_atom_v{};

}  // namespace agora::actors
