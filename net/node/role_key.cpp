// Loading or creating a role's key (role_key.hpp).

#include "net/node/role_key.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/random.hpp"

namespace agora::net {

result<private_key> role_key(const role_key_source& source, std::string_view role) {
  AGORA_ASSERT(!role.empty());
  if (source.use_private_key_env && std::getenv("PRIVATE_KEY") != nullptr)
    return private_key::from_env("PRIVATE_KEY");
  if (!source.key_file.empty())
    return private_key::load(source.key_file);
  const auto file = source.data_dir / "keys" / (std::string(role) + ".key");
  if (std::filesystem::exists(file))
    return private_key::load(file);
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec)
    return make_error(errc::io_error,
                      "cannot create " + file.parent_path().string() + ": " + ec.message());
  os_random rng;
  auto key = private_key::generate(rng);
  if (auto st = key.save(file); !st)
    return st.error();
  spdlog::info("created the {} key {} ({})", role, file.string(), key.address().to_string());
  return key;
}

}  // namespace agora::net
