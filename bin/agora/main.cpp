// agora: the node and its tools. Options come from a config file (--config, TOML/INI), then the
// environment, then flags; each later source overrides the earlier one.
#include <cstdio>

#include "bin/agora/commands.hpp"
#include "core/log.hpp"

int main(int argc, char** argv) {
  CLI::App app{"agora: an open GPU compute marketplace node", "agora"};
  app.set_config("--config", "", "Read options from this TOML/INI file");
  app.require_subcommand(1);

  agora::log_options logging;
  app.add_option("--log-level", logging.level, "trace|debug|info|warn|error|off")
      ->envname("AGORA_LOG")
      ->capture_default_str();
  app.add_flag("--log-json", logging.json, "Log as JSON lines")->envname("AGORA_LOG_JSON");

  agora::cli::action run;
  agora::cli::add_up_command(app, run);
  agora::cli::add_provider_command(app, run);
  agora::cli::add_role_commands(app, run);
  agora::cli::add_key_commands(app, run);
  agora::cli::add_doctor_command(app, run);
  agora::cli::add_engine_commands(app, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is 0; every usage error is 2, as documented
  }
  if (auto st = agora::setup_logging(logging); !st) {
    std::fprintf(stderr, "agora: %s\n", st.error().to_string().c_str());
    return 2;
  }
  return run ? run() : 0;
}
