// Running the real `agora` binary from a test: a fixture with a temporary directory that spawns
// `agora args…` (optionally with PRIVATE_KEY set) and collects its exit code, stdout and stderr.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace agora {

constexpr const char* agora_binary = AGORA_BINARY_DIR "/bin/agora";

struct outcome {
  int exit_code = -1;
  std::string out;
  std::string err;

  std::string last_line() const {
    std::string text = out;
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  }
};

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class cli_test : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "agora-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(std::filesystem::exists(agora_binary)) << agora_binary;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `agora args…` with PRIVATE_KEY set to `private_key` (unset when nullopt).
  outcome agora(std::vector<std::string> args, std::optional<std::string> private_key = {}) {
    args.insert(args.begin(), agora_binary);
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string_view{*e}.substr(0, 12) != "PRIVATE_KEY=")
        env_text.emplace_back(*e);
    }
    if (private_key)
      env_text.push_back("PRIVATE_KEY=" + *private_key);
    std::vector<char*> envp;
    for (auto& entry : env_text)
      envp.push_back(entry.data());
    envp.push_back(nullptr);
    return spawn(argv, envp);
  }

  outcome spawn(std::vector<char*>& argv, std::vector<char*>& envp) {
    const auto out_path = dir_ / "stdout";
    const auto err_path = dir_ / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0);
    int wstatus = 0;
    EXPECT_EQ(::waitpid(pid, &wstatus, 0), pid);
    outcome result;
    result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
    result.out = slurp(out_path);
    result.err = slurp(err_path);
    return result;
  }

  std::filesystem::path dir_;
};

}  // namespace agora
