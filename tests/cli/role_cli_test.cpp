// The role processes' --listen flag: HOST or HOST:PORT (the port then replaces the role's main
// port); a malformed value is a usage error (exit 2) naming the flag, before anything starts.
#include "tests/cli/cli_test.hpp"

namespace agora {
namespace {

using role_cli = cli_test;

TEST_F(role_cli, a_malformed_listen_address_is_a_usage_error_naming_the_flag) {
  for (std::string role : {"relay", "escrow", "gateway"}) {
    outcome run =
        agora({role, "--listen", "127.0.0.1:notaport", "--data-dir", (dir_ / role).string()});
    EXPECT_EQ(run.exit_code, 2) << role << ": " << run.err;
    EXPECT_NE(run.err.find("--listen"), std::string::npos) << role << ": " << run.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / role)) << role << " started anyway";
  }
}

}  // namespace
}  // namespace agora
