// The provider's rental sessions (docs/PROTOCOL.md §7): accepting or refusing the relay's
// SessionGrant by free GPUs, the UsageReports while a session runs, its end. Private to
// actors/provider/.
#pragma once

#include "actors/provider/provider_state.hpp"
#include "schemas/envelope.hpp"

namespace agora::actors {

/// What the provider tells a renter it provisioned: no container or SSH access exists yet.
inline constexpr std::string_view provisioning_note =
    "no container provisioned: connection details are placeholders";

/// Handles a SessionGrant that passed wire::open. Refuses (ErrorFrame) one not signed by the
/// relay, not for this provider, for a known session, or asking more GPUs than no session holds;
/// otherwise writes the session to the store, then answers UsageReport 0 and starts reporting.
void on_session_grant(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed);
/// Handles a SessionEnd (the relay's, or the session renter's forwarded by the relay): the
/// session stops and its record says how it ended. Refuses one for no session of ours.
void on_session_end(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed);
/// Sends the session's next UsageReport; the one that reaches its expiry ends it.
void on_report_due(provider_pointer self, const wire::id128& session);

}  // namespace agora::actors
