// Agora's operating errors inside CAF (style §4): an agora::error travels as a caf::error of
// category "agora" whose code is the errc number and whose context is the one-line message, so
// a result<T> handler can return it and a requester can turn it back into the same error.
#pragma once

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include "core/error.hpp"

namespace agora::actors {

/// The CAF error category of agora::errc.
inline constexpr caf::atom_value error_category = caf::atom("agora");

/// The caf::error carrying `e`. REQUIRES: e.code != errc::ok.
caf::error to_caf_error(const agora::error& e);
/// to_caf_error(make_error(code, message)).
caf::error make_caf_error(errc code, std::string message);

/// The agora::error a caf::error carries. An error of another category (a request timeout, a
/// dead actor) becomes errc::io_error with CAF's rendering as message.
/// REQUIRES: e is an error (not the default, no-error value).
agora::error from_caf_error(const caf::error& e);

}  // namespace agora::actors
