// Logging setup, done once per process (DESIGN §3): spdlog to stderr, human-readable or JSON
// lines, level from a flag or AGORA_LOG. Never log key material.
#pragma once

#include <string>

#include "core/error.hpp"

namespace agora {

struct log_options {
  std::string level = "info";  // trace|debug|info|warn|error|off
  bool json = false;           // one JSON object per line
};

/// Installs the default logger. invalid_argument for an unknown level name.
status setup_logging(const log_options& opts);

/// Escapes text for inclusion in a JSON string literal (no surrounding quotes).
std::string json_escape(std::string_view text);

}  // namespace agora
