// The key a node role signs with (DESIGN §4): PRIVATE_KEY when set, else a key file named on the
// command line, else <data dir>/keys/<role>.key, created (mode 0600) on the role's first start
// so that a restarted node keeps its identity. Keys are never logged.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/key.hpp"

namespace agora::net {

struct role_key_source {
  std::filesystem::path data_dir;
  std::string key_file;              // empty: <data_dir>/keys/<role>.key
  bool use_private_key_env = false;  // PRIVATE_KEY wins when set (the provider agent's own key)
};

/// The key of `role` ("escrow", "relay", "provider", "gateway"). Errors name the file.
result<private_key> role_key(const role_key_source& source, std::string_view role);

}  // namespace agora::net
