// The agora CLI's subcommands. Each add_* function registers one subcommand (or a group) on the
// app and sets `action` to what runs once the command line has been parsed; the action's return
// value is the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace agora::cli {

using action = std::function<int()>;

void add_key_commands(CLI::App& app, action& run);
void add_doctor_command(CLI::App& app, action& run);
void add_up_command(CLI::App& app, action& run);
void add_provider_command(CLI::App& app, action& run);
void add_role_commands(CLI::App& app, action& run);
void add_engine_commands(CLI::App& app, action& run);

}  // namespace agora::cli
