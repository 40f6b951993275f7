// agora-sim: deterministic simulation of the market from scenario files (DESIGN §9). The world,
// scenarios and fuzzing arrive with the simulation issue; until then every subcommand says so and
// exits non-zero rather than pretending to have run anything.
#include <CLI/CLI.hpp>
#include <cstdio>

namespace {

int not_built(const char* what) {
  std::fprintf(stderr,
               "agora-sim %s: the simulation world is not built yet (see the simulation issue); "
               "nothing was run\n",
               what);
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"agora-sim: replay market scenarios in virtual time from a seed", "agora-sim"};
  app.require_subcommand(1);
  std::string scenario;
  uint64_t seed = 0;
  auto* run = app.add_subcommand("run", "Run a scenario file");
  run->add_option("file", scenario, "Scenario JSON file")->required();
  run->add_option("--seed", seed, "World seed");
  auto* fuzz = app.add_subcommand("fuzz", "Run random worlds against the invariants");
  std::string seeds;
  fuzz->add_option("--seeds", seeds, "Seed range A..B")->required();
  auto* list = app.add_subcommand("list", "List the shipped scenarios");
  CLI11_PARSE(app, argc, argv);
  if (run->parsed())
    return not_built("run");
  if (fuzz->parsed())
    return not_built("fuzz");
  if (list->parsed())
    return not_built("list");
  return 2;
}
